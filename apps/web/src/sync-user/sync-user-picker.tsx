"use client";
// The search results of "Sync this user now", one button per user, and the answer for the user synced last. Focus
// moves to the answer's heading when it arrives, so a screen reader reads it next.
import Link from "next/link";
import { useActionState, useEffect, useRef } from "react";
import type { EntraUsersReply, SyncUserReply } from "../api/api-types";
import { FormMessage } from "../components/form-field";
import { SubmitButton } from "../components/submit-button";
import type { FormState } from "../forms/form-state";
import { UserExplanationSteps } from "./user-explanation";

export interface SyncUserState extends FormState {
  reply?: SyncUserReply;
  userName?: string;
}

type User = EntraUsersReply["users"][number];

const nameOf = (user: User) => user.displayName ?? user.mail ?? user.userPrincipalName;

export function SyncUserPicker({
  tenantId,
  users,
  syncUser,
}: {
  tenantId: string;
  users: User[];
  syncUser: (state: SyncUserState, formData: FormData) => Promise<SyncUserState>;
}) {
  const [state, run] = useActionState(syncUser, {});
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (state.reply || state.message) heading.current?.focus();
  }, [state]);
  const reply = state.reply;
  return (
    <>
      <ul className="user-results" aria-label="Users found">
        {users.map((user) => (
          <li key={user.id}>
            <form action={run} style={{ display: "flex", gap: 12, alignItems: "center" }}>
              <input type="hidden" name="entraUserId" value={user.id} />
              <input type="hidden" name="userName" value={nameOf(user)} />
              <span>
                <strong>{nameOf(user)}</strong> <span className="hint">{user.mail ?? user.userPrincipalName}</span>
              </span>
              <SubmitButton pendingLabel="Syncing…" aria-label={`Sync this user now: ${nameOf(user)}`}>
                Sync this user now
              </SubmitButton>
            </form>
          </li>
        ))}
      </ul>
      {reply || state.message ? (
        <section className="card" aria-labelledby="sync-user-result" data-sync-user-result>
          <h2 id="sync-user-result" ref={heading} tabIndex={-1} style={{ marginTop: 0 }}>
            {state.userName ? `Result for ${state.userName}` : "Result"}
            {reply?.dryRun ? " (dry run)" : ""}
          </h2>
          {state.message ? <FormMessage ok={state.ok} message={state.message} /> : null}
          {reply?.explanation ? <UserExplanationSteps explanation={reply.explanation} dryRun={reply.dryRun} /> : null}
          {reply && !reply.finished ? (
            <p role="status">
              Still running. <Link href={`/t/${tenantId}/runs/${reply.runId}`}>Follow the run</Link> to see the result.
            </p>
          ) : null}
          {reply?.error ? <p className="notice warn">{reply.error}</p> : null}
          {reply?.finished ? (
            <p className="hint">
              <Link href={`/t/${tenantId}/runs/${reply.runId}`}>Open the run</Link> for its log.
            </p>
          ) : null}
        </section>
      ) : null}
    </>
  );
}
