"use client";
import { useRouter } from "next/navigation";
import { signIn } from "next-auth/react";
import { type FormEvent, useState } from "react";
import { FormField, FormMessage } from "../../src/components/form-field";
import { ZJoinSignUpForm, ZSignUpForm } from "../../src/forms/account-forms";
import { fieldErrorsOfZod } from "../../src/forms/form-state";
import { landingAfterSignUp, signUp } from "./actions";

/** `returnTo`: a page of this portal to go back to (an invitation); then no organisation is asked for. */
export function SignUpForm({ returnTo }: { returnTo?: string }) {
  const router = useRouter();
  const [message, setMessage] = useState<string>();
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [pending, setPending] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const input = {
      name: String(form.get("name") ?? "").trim(),
      email: String(form.get("email") ?? "").trim(),
      password: String(form.get("password") ?? ""),
      tenantName: String(form.get("tenantName") ?? "").trim(),
    };
    const checked = (returnTo ? ZJoinSignUpForm : ZSignUpForm).safeParse({ ...input, name: input.name || undefined });
    if (!checked.success) {
      setFieldErrors(fieldErrorsOfZod(checked.error));
      return;
    }
    setPending(true);
    setMessage(undefined);
    setFieldErrors({});
    const result = await signUp({ ...input, joining: Boolean(returnTo) });
    if (!result.ok) {
      setPending(false);
      setMessage(result.message);
      setFieldErrors(result.fieldErrors ?? {});
      return;
    }
    const signedIn = await signIn("credentials", { email: input.email, password: input.password, redirect: false });
    if (!signedIn || signedIn.error) {
      setPending(false);
      // Sign-up does not say whether an email is registered; this is where a registered one shows.
      setMessage(
        signedIn?.error && /too many/i.test(signedIn.error)
          ? signedIn.error
          : "We could not sign you in with this email and password. If you already have an account with this email, sign in with its password instead.",
      );
      return;
    }
    router.push(
      returnTo ??
        ("tenantId" in result && result.tenantId
          ? `/t/${result.tenantId}/onboarding/rescue`
          : await landingAfterSignUp()),
    );
    router.refresh();
  }

  return (
    <form onSubmit={submit} noValidate>
      <FormMessage message={message} />
      <FormField name="name" label="Your name (optional)" autoComplete="name" error={fieldErrors.name} />
      <FormField name="email" label="Work email" type="email" autoComplete="email" required error={fieldErrors.email} />
      <FormField
        name="password"
        label="Password"
        type="password"
        autoComplete="new-password"
        hint="At least 10 characters and hard to guess: a few unrelated words work well."
        required
        error={fieldErrors.password}
      />
      {returnTo ? null : (
        <FormField
          name="tenantName"
          label="Organisation name"
          hint="Usually your Rescue organisation's name. You can change it later."
          required
          error={fieldErrors.tenantName}
        />
      )}
      <div className="actions">
        <button type="submit" disabled={pending} aria-busy={pending || undefined}>
          {pending ? "Creating your account…" : "Create account"}
        </button>
      </div>
    </form>
  );
}
