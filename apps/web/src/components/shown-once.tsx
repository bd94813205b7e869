"use client";
// A value the API hands out once (an API key, an invitation link): shown with what to do with it, and a copy button.
import { useState } from "react";

interface ShownOnceProps {
  value: string;
  /** What to do with it, e.g. "Copy the key now: it will not be shown again." */
  message: string;
  /** Names the value for tests and scripts: rendered as data-<kind>. */
  kind: "api-key" | "invitation-link" | "webhook-secret";
}

export function ShownOnce({ value, message, kind }: ShownOnceProps) {
  const [copied, setCopied] = useState<boolean | null>(null);
  return (
    <div className="notice warn" role="status">
      <p style={{ marginTop: 0 }}>{message}</p>
      <p className="key-once" {...{ [`data-${kind}`]: "" }}>
        {value}
      </p>
      <div className="actions">
        <button
          type="button"
          className="secondary"
          onClick={() => {
            // The clipboard is refused on plain http or without permission: then the value stays to select by hand.
            navigator.clipboard?.writeText(value).then(
              () => setCopied(true),
              () => setCopied(false),
            ) ?? setCopied(false);
          }}
        >
          Copy
        </button>
        <span aria-live="polite" className="hint">
          {copied === true
            ? "Copied."
            : copied === false
              ? "Copying is not allowed here: select the text instead."
              : ""}
        </span>
      </div>
    </div>
  );
}
