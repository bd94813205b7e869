"use client";
// What a person may do with a run from its page or the run list: stop one that is queued or running (after a
// confirmation), then "Cancelling…" until its worker has stopped it; run again one that ended badly.
import { useActionState } from "react";
import type { SyncRun } from "../api/api-types";
import { ActionButton } from "../components/action-button";
import { useConfirmedSubmit } from "../components/confirm-dialog";
import { FormMessage } from "../components/form-field";
import { SubmitButton } from "../components/submit-button";
import type { FormState } from "../forms/form-state";
import { runCanRunAgain, runIsLive } from "./run-words";

export const CANCEL_CONFIRMATION = "Stop this run? Actions already applied stay applied.";

export interface RunControlActions {
  cancel?: () => Promise<FormState>;
  runAgain?: () => Promise<FormState>;
}

export function RunControls({
  run,
  cancel,
  runAgain,
}: { run: Pick<SyncRun, "status" | "cancelRequestedAt"> } & RunControlActions) {
  if (runIsLive(run.status) && cancel) {
    return <CancelRunButton cancel={cancel} requested={Boolean(run.cancelRequestedAt)} />;
  }
  if (runCanRunAgain(run.status) && runAgain) {
    return <ActionButton action={runAgain} label="Run again" pendingLabel="Starting…" />;
  }
  return null;
}

function CancelRunButton({ cancel, requested }: { cancel: () => Promise<FormState>; requested: boolean }) {
  const [state, submit] = useActionState<FormState>(() => cancel(), {});
  const { form, onSubmit, dialog } = useConfirmedSubmit(CANCEL_CONFIRMATION, {
    confirm: "Stop the run",
    cancel: "Keep it running",
  });
  if (requested || state.ok) {
    return (
      <span className="badge warn" role="status" data-run-cancelling>
        Cancelling…
      </span>
    );
  }
  return (
    <form ref={form} action={submit} onSubmit={onSubmit} style={{ display: "inline-block" }}>
      <SubmitButton className="danger" pendingLabel="Cancelling…">
        Cancel run
      </SubmitButton>
      {dialog}
      <FormMessage ok={state.ok} message={state.message} />
    </form>
  );
}
