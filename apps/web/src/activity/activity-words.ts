// Words for the admin pages: times to the second, audit actions as sentences, and the filters a page's address
// may carry, kept to values the API takes so a hand-edited address shows a note instead of an error.
import type { ACTION_KINDS } from "@techsync/api-contract";

/** "2 Dec 2026, 09:05:12 UTC": the admin pages say when to the second. */
export function formatSecond(iso: string | null | undefined): string {
  if (!iso) return "—";
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return "—";
  return `${date.toLocaleString("en-GB", { dateStyle: "medium", timeStyle: "medium", timeZone: "UTC" })} UTC`;
}

const AUDIT_WORDS: Record<string, string> = {
  "tenant.created": "Created the organisation",
  "tenant.updated": "Changed the settings",
  "tenant.sync_started": "Started syncing",
  "mapping.created": "Added a pair",
  "mapping.updated": "Changed a pair",
  "mapping.deleted": "Removed a pair",
  "mapping.change_estimated": "Estimated a change of the pairs",
  "rescue_connection.created": "Connected Rescue",
  "rescue_connection.updated": "Saved the Rescue connection",
  "rescue_connection.moved_away": "Moved the Rescue organisation to another TechSync organisation",
  "rescue_connection.moved_here": "Moved the Rescue organisation here",
  "entra_connection.created": "Connected Entra ID",
  "entra_connection.updated": "Saved the Entra connection",
  "api_key.created": "Created an API key",
  "api_key.revoked": "Revoked an API key",
  "invitation.created": "Invited someone",
  "invitation.revoked": "Withdrew an invitation",
  "invitation.accepted": "Accepted an invitation",
  "member.role_changed": "Changed a member's role",
  "member.removed": "Removed a member",
  "run.approved": "Approved a blocked run",
  "run.dismissed": "Dismissed a blocked run",
  "run.retried": "Ran a run again",
  "run.cancelled": "Cancelled a run",
  "run.cancel_requested": "Asked a running run to stop",
  "run.user_sync_started": "Synced one user now",
  "sandbox.created": "Filled the organisation with demo data",
  "sandbox.reseeded": "Replaced the demo data",
};

/** The audit action as a sentence; an action without words yet reads as its name without dots and underscores. */
export function auditActionWords(action: string): string {
  const known = AUDIT_WORDS[action];
  if (known) return known;
  const text = action.replaceAll(/[._]/g, " ");
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** The kinds of change the audit page filters on (the first word of an action). */
export const AUDIT_KINDS: { value: string; label: string }[] = [
  { value: "tenant", label: "Organisation and settings" },
  { value: "mapping", label: "Pairs" },
  { value: "rescue_connection", label: "Rescue connection" },
  { value: "entra_connection", label: "Entra connection" },
  { value: "api_key", label: "API keys" },
  { value: "invitation", label: "Invitations" },
  { value: "member", label: "Members" },
  { value: "run", label: "Runs" },
  { value: "sandbox", label: "Demo data" },
];

/** "rescue_connection:…" targets: the kind of thing in words, without its internal id. */
export function auditTargetWords(target: string | null): string {
  if (!target) return "—";
  const [kind] = target.split(":");
  const words: Record<string, string> = {
    tenant: "The organisation",
    mapping: "A pair",
    run: "A run",
    api_key: "An API key",
    invitation: "An invitation",
    member: "A member",
    user: "A member",
    rescue_connection: "The Rescue connection",
    entra_connection: "The Entra connection",
  };
  return (kind && words[kind]) ?? target;
}

export const ACTION_KIND_WORDS: Record<(typeof ACTION_KINDS)[number], string> = {
  create: "Created",
  adopt: "Linked to an existing technician",
  update: "Details changed",
  enable: "Enabled",
  disable: "Disabled",
};

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A filter value the API takes, or undefined (with the filter's name noted as ignored). */
export function keepFilter(
  value: string | undefined,
  accepts: "day" | "uuid" | "digits" | readonly string[] | "text",
  ignored: string[],
  label: string,
): string | undefined {
  const text = value?.trim();
  if (!text) return undefined;
  const ok =
    accepts === "day"
      ? DAY.test(text) && !Number.isNaN(new Date(text).getTime())
      : accepts === "uuid"
        ? UUID.test(text)
        : accepts === "digits"
          ? /^\d{1,9}$/.test(text)
          : accepts === "text"
            ? text.length <= 200
            : accepts.includes(text);
  if (!ok) ignored.push(label);
  return ok ? text : undefined;
}

/** An address's query without empty values (for paging and download links). */
export function queryOf(values: Record<string, string | undefined>): URLSearchParams {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(values)) if (value) params.set(name, value);
  return params;
}
