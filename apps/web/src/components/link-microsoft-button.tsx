"use client";
import { signIn } from "next-auth/react";
import { useState } from "react";

/** Links the signed-in user's account to a Microsoft account: an intent only this user's session can leave. */
export function LinkMicrosoftButton({ startLink }: { startLink: () => Promise<void> }) {
  const [pending, setPending] = useState(false);
  return (
    <button
      type="button"
      className="secondary"
      disabled={pending}
      onClick={async () => {
        setPending(true);
        await startLink();
        await signIn("azure-ad", { callbackUrl: window.location.pathname });
      }}
    >
      Link Microsoft account
    </button>
  );
}
