"use client";
import Link from "next/link";
import { useActionState } from "react";
import { FormField, FormMessage } from "../../../src/components/form-field";
import { SubmitButton } from "../../../src/components/submit-button";
import type { FormState } from "../../../src/forms/form-state";

export function ResetPasswordForm({ action }: { action: (s: FormState, f: FormData) => Promise<FormState> }) {
  const [state, submit] = useActionState(action, {});
  if (state.ok) {
    return (
      <>
        <FormMessage ok message={state.message} />
        <p>
          <Link href="/sign-in">Sign in</Link>
        </p>
      </>
    );
  }
  const errors = state.fieldErrors ?? {};
  return (
    <form action={submit} noValidate>
      <FormMessage message={state.message} />
      <FormField
        name="password"
        label="New password"
        type="password"
        autoComplete="new-password"
        hint="At least 10 characters; a few unrelated words work well."
        required
        error={errors.password}
      />
      <FormField
        name="confirm"
        label="New password again"
        type="password"
        autoComplete="new-password"
        required
        error={errors.confirm}
      />
      <div className="actions">
        <SubmitButton pendingLabel="Saving…">Set new password</SubmitButton>
      </div>
      {state.message && !state.ok ? (
        <p>
          <Link href="/forgot-password">Ask for a new link</Link>
        </p>
      ) : null}
    </form>
  );
}
