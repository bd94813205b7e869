"use client";
// One button bound to one server action; the action's answer (an error in plain words) shows beside it.
import { useActionState } from "react";
import type { FormState } from "../forms/form-state";
import { FormMessage } from "./form-field";
import { SubmitButton } from "./submit-button";

interface ActionButtonProps {
  action: () => Promise<FormState>;
  label: string;
  pendingLabel: string;
  className?: string;
  confirm?: string;
}

export function ActionButton({ action, label, pendingLabel, className, confirm }: ActionButtonProps) {
  const [state, run] = useActionState<FormState>(() => action(), {});
  return (
    <form
      action={run}
      onSubmit={(event) => {
        if (confirm && !window.confirm(confirm)) event.preventDefault();
      }}
      style={{ display: "inline-block" }}
    >
      <SubmitButton className={className} pendingLabel={pendingLabel}>
        {label}
      </SubmitButton>
      <FormMessage ok={state.ok} message={state.message} />
    </form>
  );
}
