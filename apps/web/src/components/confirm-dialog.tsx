"use client";
// Asks "are you sure?" in the page instead of the browser's confirm(): an alert dialog labelled by its question,
// focus moved into it (onto the safe choice) and kept there, Escape or Cancel to keep things as they are, and focus
// given back to the button that opened it.
import { type KeyboardEvent, useEffect, useId, useRef } from "react";

export function ConfirmDialog({
  question,
  confirmLabel,
  onConfirm,
  onCancel,
}: {
  /** "Remove ana@contoso.example from this organisation?" */
  question: string;
  /** The destructive choice, named as the action: "Remove", "Revoke". */
  confirmLabel: string;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  const ids = useId();
  const dialog = useRef<HTMLDivElement>(null);
  const cancel = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    cancel.current?.focus();
  }, []);

  function keepFocusInside(event: KeyboardEvent<HTMLDivElement>) {
    if (event.key === "Escape") {
      event.preventDefault();
      event.stopPropagation();
      onCancel();
      return;
    }
    if (event.key !== "Tab") return;
    const buttons = [...(dialog.current?.querySelectorAll<HTMLButtonElement>("button:not([disabled])") ?? [])];
    const first = buttons[0];
    const last = buttons.at(-1);
    if (!first || !last) return;
    if (event.shiftKey && document.activeElement === first) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && document.activeElement === last) {
      event.preventDefault();
      first.focus();
    }
  }

  return (
    <div className="dialog-backdrop">
      <div
        ref={dialog}
        className="confirm-dialog"
        role="alertdialog"
        aria-modal="true"
        aria-labelledby={`${ids}-question`}
        onKeyDown={keepFocusInside}
      >
        <p id={`${ids}-question`} className="dialog-question">
          {question}
        </p>
        <div className="actions">
          <button type="button" className="danger" onClick={onConfirm}>
            {confirmLabel}
          </button>
          <button type="button" className="secondary" ref={cancel} onClick={onCancel}>
            Cancel
          </button>
        </div>
      </div>
    </div>
  );
}
