"use client";
// A submit button that says what is happening while its form's action runs.
import type { ButtonHTMLAttributes } from "react";
import { useFormStatus } from "react-dom";

interface SubmitButtonProps extends ButtonHTMLAttributes<HTMLButtonElement> {
  pendingLabel: string;
}

export function SubmitButton({ pendingLabel, children, formAction, ...button }: SubmitButtonProps) {
  const { pending, action } = useFormStatus();
  // With several buttons in one form, only the one whose action runs says so.
  const busy = pending && (!formAction || action === formAction);
  return (
    <button
      type="submit"
      formAction={formAction}
      disabled={pending || button.disabled}
      aria-busy={busy || undefined}
      {...button}
    >
      {busy ? pendingLabel : children}
    </button>
  );
}
