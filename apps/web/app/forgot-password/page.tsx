// "Forgot password?": one field; the link to set a new password arrives by email (if an account uses the address).
import type { Metadata } from "next";
import Link from "next/link";
import { requestPasswordReset } from "./actions";
import { ForgotPasswordForm } from "./forgot-password-form";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Forgot password" };

export default function ForgotPasswordPage() {
  return (
    <main id="content" className="narrow">
      <h1>Forgot your password?</h1>
      <p className="hint">Enter the email address you sign in with. We will send it a link to set a new password.</p>
      <div className="card">
        <ForgotPasswordForm action={requestPasswordReset} />
      </div>
      <p>
        <Link href="/sign-in">Back to sign in</Link>
      </p>
    </main>
  );
}
