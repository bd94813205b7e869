"use client";
// Asks before a change of the pairs is saved, showing its estimated effect: an in-page dialog (not the browser's
// confirm), labelled by its question and described by the estimate, focus moved into it and Escape to keep things
// as they are. While the estimate runs it says so; when none could be made it says why, and the person may still go
// ahead, clearly labelled "without an estimate".
import { useEffect, useId, useRef } from "react";
import type { ChangeEstimate } from "./change-estimate";

/** Names listed in the dialog; the summary counts them all. */
const LISTED = 50;

export function ChangeConfirmDialog({
  question,
  estimate,
  confirmLabel,
  busy,
  onConfirm,
  onCancel,
}: {
  /** "Remove Helpdesk → Support Tier 1?" */
  question: string;
  /** Undefined while the estimate runs. */
  estimate: ChangeEstimate | undefined;
  /** "Remove the pair", "Change the filter". */
  confirmLabel: string;
  busy: boolean;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  const ids = useId();
  const dialog = useRef<HTMLDivElement>(null);
  useEffect(() => {
    dialog.current?.focus();
  }, []);
  const blind = estimate?.outcome === "unavailable";
  return (
    <div
      ref={dialog}
      className="notice warn confirm-dialog"
      role="dialog"
      aria-modal="true"
      aria-labelledby={`${ids}-question`}
      aria-describedby={`${ids}-estimate`}
      tabIndex={-1}
      data-change-dialog
      onKeyDown={(event) => {
        if (event.key === "Escape") onCancel();
      }}
    >
      <h2 id={`${ids}-question`} style={{ marginTop: 0 }}>
        {question}
      </h2>
      <div id={`${ids}-estimate`} aria-live="polite" aria-busy={estimate ? undefined : true}>
        {!estimate ? (
          <p>Estimating the effect: a preview with this change is running. Nothing is saved yet.</p>
        ) : (
          <>
            <p data-estimate-summary>{estimate.summary}</p>
            {blind ? <p>You can still go ahead without an estimate, or keep things as they are.</p> : null}
            {estimate.disables.length > 0 ? (
              <>
                <h3>Would be disabled</h3>
                <ul data-estimate-disables>
                  {estimate.disables.slice(0, LISTED).map((name) => (
                    <li key={name}>{name}</li>
                  ))}
                </ul>
                {estimate.disableCount > LISTED ? (
                  <p className="hint">and {estimate.disableCount - LISTED} more.</p>
                ) : null}
              </>
            ) : null}
            {estimate.moves.length > 0 ? (
              <>
                <h3>Would move to another pair (technician stays in its Rescue group)</h3>
                <ul data-estimate-moves>
                  {estimate.moves.slice(0, LISTED).map((move) => (
                    <li key={move.name}>
                      {move.name} → {move.to}
                    </li>
                  ))}
                </ul>
                {estimate.moveCount > LISTED ? <p className="hint">and {estimate.moveCount - LISTED} more.</p> : null}
              </>
            ) : null}
          </>
        )}
      </div>
      <div className="actions">
        <button type="button" className="danger" onClick={onConfirm} disabled={busy || !estimate}>
          {blind ? `${confirmLabel} without an estimate` : confirmLabel}
        </button>
        <button type="button" className="secondary" onClick={onCancel} disabled={busy}>
          Keep it as it is
        </button>
      </div>
    </div>
  );
}
