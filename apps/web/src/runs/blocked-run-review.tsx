"use client";
// rule 11: a blocked run's planned actions with a checkbox each (all checked at first): a person approves the ones
// they choose — the others are not applied — or dismisses the run. Plain form controls, labelled, so it works from
// the keyboard and a screen reader names each box by its user and action.
import { useActionState, useState } from "react";
import type { SyncAction } from "../api/api-types";
import { ActionButton } from "../components/action-button";
import { useConfirmedSubmit } from "../components/confirm-dialog";
import { FormMessage } from "../components/form-field";
import { SubmitButton } from "../components/submit-button";
import type { FormState } from "../forms/form-state";
import { explainReason } from "./run-actions-table";
import { actionKindLabel, actionStatusLabel } from "./run-words";

/** The plan's id of an action, as the approve route takes it. */
export function planActionId(action: Pick<SyncAction, "kind" | "entraUserId">): string {
  return `${action.kind}:${action.entraUserId ?? ""}`;
}

/** Who an action is about, as the table shows them. */
function personOf(action: SyncAction): string {
  return action.displayName ?? action.email ?? `Entra user ${action.entraUserId ?? "?"}`;
}

export function BlockedRunReview({
  actions,
  total,
  approve,
  dismiss,
  mappingNames = {},
}: {
  /** The run's actions awaiting approval, in plan order. */
  actions: SyncAction[];
  /** How many actions await approval in all (more than listed when the list was cut). */
  total: number;
  /** null approves every planned action of the run. */
  approve: (actionIds: string[] | null) => Promise<FormState>;
  dismiss: () => Promise<FormState>;
  mappingNames?: Record<string, string>;
}) {
  const [chosen, setChosen] = useState<ReadonlySet<string>>(() => new Set(actions.map(planActionId)));
  const everything = chosen.size === actions.length && actions.length === total;
  const [state, submit] = useActionState<FormState>(() => approve(everything ? null : [...chosen]), {});
  const toggle = (id: string, on: boolean) =>
    setChosen((before) => {
      const next = new Set(before);
      if (on) next.add(id);
      else next.delete(id);
      return next;
    });
  const left = total - chosen.size;
  const { form, onSubmit, dialog } = useConfirmedSubmit(
    left > 0
      ? `Apply the ${chosen.size} selected action(s)? The other ${left} will not be applied.`
      : `Apply all ${chosen.size} action(s), including every disable listed?`,
    { confirm: "Apply", cancel: "Not yet" },
  );
  return (
    <section aria-labelledby="review-heading" data-blocked-review>
      <h2 id="review-heading">Review what this run would do</h2>
      <p className="hint">
        Uncheck what must not happen. Approving applies the checked actions; the others are not applied (the next run
        plans them again while their cause remains).
        {actions.length < total ? ` Showing the first ${actions.length} of ${total}; the rest are not approved.` : ""}
      </p>
      <div className="actions" style={{ marginTop: 0 }}>
        <button type="button" className="secondary" onClick={() => setChosen(new Set(actions.map(planActionId)))}>
          Select all
        </button>
        <button type="button" className="secondary" onClick={() => setChosen(new Set())}>
          Select none
        </button>
      </div>
      <form ref={form} action={submit} onSubmit={onSubmit}>
        <div className="table-wrap">
          <table className="responsive">
            <caption className="sr-only">Actions awaiting approval</caption>
            <thead>
              <tr>
                <th scope="col">Apply</th>
                <th scope="col">User</th>
                <th scope="col">Action</th>
                <th scope="col">Status</th>
                <th scope="col">Why</th>
              </tr>
            </thead>
            <tbody>
              {actions.map((action) => {
                const id = planActionId(action);
                const boxId = `approve-${action.seq}`;
                return (
                  <tr key={action.seq} data-kind={action.kind} data-review-row>
                    <td data-label="Apply">
                      <input
                        id={boxId}
                        type="checkbox"
                        name="actionIds"
                        value={id}
                        checked={chosen.has(id)}
                        onChange={(event) => toggle(id, event.currentTarget.checked)}
                        aria-label={`Apply: ${actionKindLabel(action.kind, true)}, ${personOf(action)}`}
                      />
                    </td>
                    <td data-label="User">
                      <label htmlFor={boxId}>{personOf(action)}</label>
                      <br />
                      <span className="hint">{action.email}</span>
                    </td>
                    <td data-label="Action">
                      <span className={`badge ${action.kind}`}>{actionKindLabel(action.kind, true)}</span>
                    </td>
                    <td data-label="Status">
                      <span className="badge planned" data-action-status="planned">
                        {actionStatusLabel(action.status, "blocked")}
                      </span>
                    </td>
                    <td data-label="Why">{explainReason(action.reason, mappingNames)}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
        <p aria-live="polite" className="hint" data-review-selection>
          {chosen.size} of {total} selected.
        </p>
        <div className="actions">
          <SubmitButton pendingLabel="Approving…" disabled={chosen.size === 0}>
            Approve {chosen.size} selected
          </SubmitButton>
        </div>
        {dialog}
        <FormMessage ok={state.ok} message={state.message} />
      </form>
      <div className="actions">
        <ActionButton action={dismiss} label="Dismiss" pendingLabel="Dismissing…" className="secondary" />
      </div>
    </section>
  );
}
