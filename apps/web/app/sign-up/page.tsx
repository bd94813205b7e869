import Link from "next/link";
import { safeReturnPath, withReturnPath } from "../../src/auth/return-path";
import { SignUpForm } from "./sign-up-form";

/** The browser tab and history say which page this is ("Create an account · TechSync"). */
export const metadata = { title: "Create an account" };

export default async function SignUpPage({ searchParams }: { searchParams: Promise<{ returnTo?: string }> }) {
  const returnTo = safeReturnPath((await searchParams).returnTo) ?? undefined;
  return (
    <main id="content" className="narrow">
      <h1>Create your TechSync account</h1>
      {returnTo ? (
        <p className="hint">Use the email address your invitation was sent to. Afterwards you go back to it.</p>
      ) : (
        <p className="hint">
          You become the owner of a new organisation. Next, five short steps connect Rescue and Entra ID and preview the
          first sync — nothing changes in Rescue until you say so.
        </p>
      )}
      <div className="card">
        <SignUpForm returnTo={returnTo} />
      </div>
      <p>
        Already have an account?{" "}
        <Link href={returnTo ? withReturnPath("/sign-in", returnTo) : "/sign-in"}>Sign in</Link>
      </p>
    </main>
  );
}
