"use client";
// One button bound to one server action; the action's answer (an error in plain words) shows beside it and takes
// the focus. With `confirm`, the button first asks in an in-page dialog (confirm-dialog.tsx); only "yes" sends it.
import { useActionState, useEffect, useRef } from "react";
import type { FormState } from "../forms/form-state";
import { useConfirmedSubmit } from "./confirm-dialog";
import { FormMessage } from "./form-field";
import { SubmitButton } from "./submit-button";

interface ActionButtonProps {
  action: () => Promise<FormState>;
  label: string;
  pendingLabel: string;
  className?: string;
  /** A question in words, asked before the action runs (for destructive actions: remove, revoke, delete). */
  confirm?: string;
  /** Words for screen readers after the label ("Remove" → "Remove ana@contoso.example"). */
  labelSuffix?: string;
}

export function ActionButton({ action, label, pendingLabel, className, confirm, labelSuffix }: ActionButtonProps) {
  const [state, run] = useActionState<FormState>(() => action(), {});
  const { form, onSubmit, dialog } = useConfirmedSubmit(confirm, { confirm: label });
  const answer = useRef<HTMLDivElement>(null);

  // After the action, the focus goes to its answer, so a screen reader says what happened.
  useEffect(() => {
    if (state.message) answer.current?.querySelector<HTMLElement>(".notice")?.focus();
  }, [state]);

  return (
    <form ref={form} action={run} onSubmit={onSubmit} className="action-button">
      <SubmitButton className={className} pendingLabel={pendingLabel}>
        {label}
        {labelSuffix ? <span className="sr-only"> {labelSuffix}</span> : null}
      </SubmitButton>
      {dialog}
      <div ref={answer}>
        <FormMessage ok={state.ok} message={state.message} fix={state.fix} />
      </div>
    </form>
  );
}
