import Link from "next/link";
import { SignUpForm } from "./sign-up-form";

export default function SignUpPage() {
  return (
    <main id="content" className="narrow">
      <h1>Create your TechSync account</h1>
      <p className="hint">
        You become the owner of a new organisation. Next, five short steps connect Rescue and Entra ID and preview the
        first sync — nothing changes in Rescue until you say so.
      </p>
      <div className="card">
        <SignUpForm />
      </div>
      <p>
        Already have an account? <Link href="/sign-in">Sign in</Link>
      </p>
    </main>
  );
}
