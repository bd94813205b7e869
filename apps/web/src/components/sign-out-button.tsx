"use client";
import { signOut } from "next-auth/react";

/** `callbackUrl`: where to land afterwards (e.g. signing in again as someone else, then back to an invitation). */
export function SignOutButton({
  callbackUrl = "/sign-in",
  label = "Sign out",
}: {
  callbackUrl?: string;
  label?: string;
}) {
  return (
    <button type="button" className="secondary" onClick={() => void signOut({ callbackUrl })}>
      {label}
    </button>
  );
}
