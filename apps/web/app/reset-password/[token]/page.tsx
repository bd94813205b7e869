// The page the emailed link opens: set a new password (the link works once, for 30 minutes).
import type { Metadata } from "next";
import { resetPassword } from "./actions";
import { ResetPasswordForm } from "./reset-password-form";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Set a new password" };

export default async function ResetPasswordPage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  return (
    <main id="content" className="narrow">
      <h1>Set a new password</h1>
      <div className="card">
        <ResetPasswordForm action={resetPassword.bind(null, token)} />
      </div>
    </main>
  );
}
