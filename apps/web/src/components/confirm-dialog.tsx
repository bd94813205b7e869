"use client";
// Asks "are you sure?" in the page instead of the browser's confirm(): an alert dialog labelled by its question,
// focus moved into it (onto the safe choice) and kept there, Escape or Cancel to keep things as they are, and focus
// given back to the button that opened it.
import {
  type FormEvent,
  type KeyboardEvent,
  type ReactNode,
  type RefObject,
  useEffect,
  useId,
  useRef,
  useState,
} from "react";

export function ConfirmDialog({
  question,
  confirmLabel,
  cancelLabel = "Cancel",
  onConfirm,
  onCancel,
}: {
  /** "Remove ana@contoso.example from this organisation?" */
  question: string;
  /** The destructive choice, named as the action: "Remove", "Revoke". */
  confirmLabel: string;
  /** The safe choice: "Cancel", or "Keep it running" where "Cancel" would be ambiguous. */
  cancelLabel?: string;
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
            {cancelLabel}
          </button>
        </div>
      </div>
    </div>
  );
}

/**
 * A form that asks first: its submit is held while the dialog asks `question`; "yes" submits the form (with the
 * button that was pressed), "no" or Escape keeps everything as it is; focus goes back to that button either way.
 * Without a question the form submits at once.
 */
export function useConfirmedSubmit(
  question: string | undefined,
  labels: { confirm: string; cancel?: string },
): {
  form: RefObject<HTMLFormElement | null>;
  onSubmit: (event: FormEvent<HTMLFormElement>) => void;
  dialog: ReactNode;
} {
  const [asking, setAsking] = useState<string | undefined>(undefined);
  const confirmed = useRef(false);
  const form = useRef<HTMLFormElement>(null);
  const trigger = () => form.current?.querySelector<HTMLButtonElement>("button[type=submit]:not([disabled])");

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    if (!question || confirmed.current) {
      confirmed.current = false;
      return;
    }
    event.preventDefault();
    setAsking(question);
  }

  const dialog = asking ? (
    <ConfirmDialog
      question={asking}
      confirmLabel={labels.confirm}
      cancelLabel={labels.cancel}
      onConfirm={() => {
        setAsking(undefined);
        confirmed.current = true;
        const button = trigger();
        button?.focus();
        form.current?.requestSubmit(button ?? undefined);
      }}
      onCancel={() => {
        setAsking(undefined);
        trigger()?.focus();
      }}
    />
  ) : null;
  return { form, onSubmit, dialog };
}
