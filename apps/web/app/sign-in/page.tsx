import Link from "next/link";
import { redirect } from "next/navigation";
import { microsoftSignInEnabled } from "../../src/auth/auth-options";
import { safeReturnPath, withReturnPath } from "../../src/auth/return-path";
import { currentPortalUserId } from "../../src/server/portal-session";
import { SignInForm } from "./sign-in-form";

/** The browser tab and history say which page this is ("Sign in · TechSync"). */
export const metadata = { title: "Sign in" };

export const dynamic = "force-dynamic";

export default async function SignInPage({
  searchParams,
}: {
  searchParams: Promise<{ error?: string; returnTo?: string }>;
}) {
  const { error, returnTo: asked } = await searchParams;
  const returnTo = safeReturnPath(asked) ?? undefined;
  if (await currentPortalUserId()) redirect(returnTo ?? "/");
  return (
    <main id="content" className="narrow">
      <h1>Sign in to TechSync</h1>
      <p className="hint">Keep your LogMeIn Rescue technicians in step with Microsoft Entra ID groups.</p>
      <div className="card">
        <SignInForm
          microsoft={microsoftSignInEnabled()}
          initialError={error ? signInErrorText(error) : undefined}
          returnTo={returnTo}
        />
      </div>
      <p>
        <Link href="/forgot-password">Forgot password?</Link>
      </p>
      <p>
        New to TechSync?{" "}
        <Link href={returnTo ? withReturnPath("/sign-up", returnTo) : "/sign-up"}>Create an account</Link>
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
