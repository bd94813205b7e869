"use client";
import { useActionState } from "react";
import { FormField, FormMessage } from "../../src/components/form-field";
import { SubmitButton } from "../../src/components/submit-button";
import type { FormState } from "../../src/forms/form-state";

export function ForgotPasswordForm({ action }: { action: (s: FormState, f: FormData) => Promise<FormState> }) {
  const [state, submit] = useActionState(action, {});
  return (
    <form action={submit} noValidate>
      <FormField
        name="email"
        label="Email"
        type="email"
        autoComplete="email"
        required
        error={state.fieldErrors?.email}
      />
      <div className="actions">
        <SubmitButton pendingLabel="Sending…">Email me a link</SubmitButton>
      </div>
      <FormMessage ok={state.ok} message={state.message} />
    </form>
  );
}
