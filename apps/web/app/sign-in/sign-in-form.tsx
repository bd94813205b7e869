"use client";
import { useRouter } from "next/navigation";
import { signIn } from "next-auth/react";
import { type FormEvent, useState } from "react";
import { FormField, FormMessage } from "../../src/components/form-field";
import { ZSignInForm } from "../../src/forms/account-forms";
import { RESTORE_DRAFTS_KEY } from "../../src/forms/form-draft";
import { fieldErrorsOfZod } from "../../src/forms/form-state";

export function SignInForm({
  microsoft,
  initialError,
  returnTo = "/",
}: {
  microsoft: boolean;
  initialError?: string;
  /** A page of this portal to go back to afterwards (checked by the page). */
  returnTo?: string;
}) {
  const router = useRouter();
  const [error, setError] = useState(initialError);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [pending, setPending] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const parsed = ZSignInForm.safeParse({ email: form.get("email"), password: form.get("password") });
    if (!parsed.success) {
      setFieldErrors(fieldErrorsOfZod(parsed.error));
      return;
    }
    setFieldErrors({});
    setError(undefined);
    setPending(true);
    const result = await signIn("credentials", { ...parsed.data, redirect: false });
    setPending(false);
    if (!result || result.error) {
      // The API's words (wrong password, too many attempts) come through as the error.
      setError(result?.error && result.error !== "CredentialsSignin" ? result.error : "Signing in failed. Try again.");
      return;
    }
    // Back where the session ended: that page puts back what was typed in its forms (form-draft.ts).
    sessionStorage.setItem(RESTORE_DRAFTS_KEY, returnTo);
    router.push(returnTo);
    router.refresh();
  }

  return (
    <>
      <form onSubmit={submit} noValidate>
        <FormMessage message={error} />
        <FormField name="email" label="Email" type="email" autoComplete="email" required error={fieldErrors.email} />
        <FormField
          name="password"
          label="Password"
          type="password"
          autoComplete="current-password"
          required
          error={fieldErrors.password}
        />
        <div className="actions">
          <button type="submit" disabled={pending} aria-busy={pending || undefined}>
            {pending ? "Signing in…" : "Sign in"}
          </button>
        </div>
      </form>
      {microsoft ? (
        <div className="actions">
          <button
            type="button"
            className="secondary"
            onClick={() => void signIn("azure-ad", { callbackUrl: returnTo })}
          >
            Sign in with Microsoft
          </button>
        </div>
      ) : null}
    </>
  );
}
