import Link from "next/link";
import { redirect } from "next/navigation";
import { microsoftSignInEnabled } from "../../src/auth/auth-options";
import { currentPortalUserId } from "../../src/server/portal-session";
import { SignInForm } from "./sign-in-form";

export const dynamic = "force-dynamic";

export default async function SignInPage({ searchParams }: { searchParams: Promise<{ error?: string }> }) {
  if (await currentPortalUserId()) redirect("/");
  const { error } = await searchParams;
  return (
    <main id="content" className="narrow">
      <h1>Sign in to TechSync</h1>
      <p className="hint">Keep your LogMeIn Rescue technicians in step with Microsoft Entra ID groups.</p>
      <div className="card">
        <SignInForm microsoft={microsoftSignInEnabled()} initialError={error ? signInErrorText(error) : undefined} />
      </div>
      <p>
        New to TechSync? <Link href="/sign-up">Create an account</Link>
      </p>
    </main>
  );
}

function signInErrorText(code: string): string {
  if (code === "OAuthSignin" || code === "OAuthCallback")
    return "Signing in with Microsoft did not complete. Try again.";
  if (code === "SessionRequired") return "Please sign in to continue.";
  return code.length < 200 && code.includes(" ") ? code : "Signing in failed. Try again.";
}
