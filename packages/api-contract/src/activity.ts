// What the portal's admin pages read: technicians with their state, one technician's history, the sync log as one
// line per action, and the audit log's filters and downloads.
import { z } from "zod";
import { bigintCursor, ZIsoDate, ZLimit, ZTenantParams } from "./common";
import { ZActionKind, ZActionStatus } from "./enums";

export const TECHNICIAN_STATUSES = ["enabled", "disabled"] as const;
export const ZTechnicianStatus = z.enum(TECHNICIAN_STATUSES, { error: "must be enabled or disabled" });
export type TechnicianStatus = z.infer<typeof ZTechnicianStatus>;

/** Part of a name or email, any case. */
const ZSearch = z.string().trim().min(1, "must not be empty").max(200, "must be at most 200 characters");

/** A date range bound: a full ISO date-time, or a day (YYYY-MM-DD; `to` takes in the whole day). */
export const ZDateBound = z.union([ZIsoDate, z.iso.date()], { error: "must be a date (YYYY-MM-DD) or a date-time" });

export const ZTechnicianParams = ZTenantParams.extend({
  linkId: z.uuid({ error: "must be a technician's id" }),
}).strict();

/** One changed field of an update: what it was and what it became. */
export const ZFieldChange = z.object({
  field: z.string(),
  before: z.string().nullable(),
  after: z.string().nullable(),
});
export type FieldChange = z.infer<typeof ZFieldChange>;

/**
 * One applied (or attempted) action as the history and the sync log show it: who, what changed from what to what,
 * when, by which run, and why.
 */
export const ZActivityEntry = z.object({
  /** The action's id (64-bit, as a string): the cursor of the sync log. */
  id: z.string(),
  runId: z.uuid(),
  dryRun: z.boolean(),
  kind: ZActionKind,
  status: ZActionStatus,
  entraUserId: z.string().nullable(),
  rescueNodeId: z.number().int().nullable(),
  displayName: z.string().nullable(),
  email: z.string().nullable(),
  rescueGroupId: z.number().int().nullable(),
  rescueGroupName: z.string().nullable(),
  changes: z.array(ZFieldChange),
  /** Why, in words. */
  reason: z.string(),
  error: z.string().nullable(),
  at: ZIsoDate,
});
export type ActivityEntry = z.infer<typeof ZActivityEntry>;

export const ZTechnicianHistoryQuery = z.strictObject({
  limit: ZLimit,
  /** The id of the last entry of the previous page. */
  cursor: bigintCursor("a history entry").optional(),
});
export const ZTechnicianHistoryReply = z.object({
  entries: z.array(ZActivityEntry),
  nextCursor: z.string().optional(),
});
export type TechnicianHistoryReply = z.infer<typeof ZTechnicianHistoryReply>;

/** Sync log filters: a run, an action kind, an outcome, a user (name or email), a date range. */
const ZActivityFilter = {
  runId: z.uuid({ error: "must be a run's id" }).optional(),
  kind: z.enum(["create", "adopt", "update", "enable", "disable"], { error: "must be an action kind" }).optional(),
  status: z.enum(["succeeded", "failed", "skipped"], { error: "must be succeeded, failed or skipped" }).optional(),
  q: ZSearch.optional(),
  from: ZDateBound.optional(),
  to: ZDateBound.optional(),
};
export const ZListActivityQuery = z.strictObject({
  ...ZActivityFilter,
  limit: ZLimit,
  cursor: bigintCursor("a sync log entry").optional(),
});
export type ListActivityQuery = z.input<typeof ZListActivityQuery>;
export const ZDownloadFormat = z.enum(["csv", "ndjson"], { error: "must be csv or ndjson" });
export const ZDownloadActivityQuery = z.strictObject({ ...ZActivityFilter, format: ZDownloadFormat.default("csv") });
export const ZActivityReply = z.object({ entries: z.array(ZActivityEntry), nextCursor: z.string().optional() });
export type ActivityReply = z.infer<typeof ZActivityReply>;

/** Audit log filters: who (part of an email, or "system"), what kind of change, a date range, free text. */
const ZAuditFilter = {
  actor: ZSearch.optional(),
  /** The action's first word, e.g. "mapping" for mapping.created and mapping.deleted. */
  kind: z
    .string()
    .trim()
    .regex(/^[a-z_]{1,40}(\.[a-z_]{1,40})?$/, "must be a kind of change such as mapping or mapping.created")
    .optional(),
  q: ZSearch.optional(),
  from: ZDateBound.optional(),
  to: ZDateBound.optional(),
};
export const ZListAuditEventsQuery = z.strictObject({
  ...ZAuditFilter,
  limit: ZLimit,
  cursor: bigintCursor("an audit event").optional(),
});
export type ListAuditEventsQuery = z.input<typeof ZListAuditEventsQuery>;
export const ZDownloadAuditEventsQuery = z.strictObject({ ...ZAuditFilter, format: ZDownloadFormat.default("csv") });

// The words the sync log, a technician's history and the CSV download use for an action, so all three agree.
const FIELD_WORDS: Record<string, string> = { name: "Name", nick: "Nickname", email: "Email", ssoId: "SSO ID" };

/** "Enabled", "Created in Support Tier 1", "Name: Alex Morgn → Alex Morgan; Email: …". */
export function changeInWords(entry: Pick<ActivityEntry, "kind" | "rescueGroupName" | "changes">): string {
  const group = entry.rescueGroupName ? ` in ${entry.rescueGroupName}` : "";
  switch (entry.kind) {
    case "create":
      return `Created${group}`;
    case "adopt":
      return `Linked to the existing technician${group}`;
    case "enable":
      return "Enabled";
    case "disable":
      return "Disabled";
    case "update":
      return entry.changes.length === 0
        ? "Updated"
        : entry.changes
            .map((c) => `${FIELD_WORDS[c.field] ?? c.field}: ${c.before ?? "(unknown)"} → ${c.after ?? "(empty)"}`)
            .join("; ");
  }
}

/** How the action ended, in words. */
export const OUTCOME_WORDS: Record<ActivityEntry["status"], string> = {
  planned: "Planned",
  succeeded: "Done",
  failed: "Failed",
  skipped: "Not applied",
};
