// A recorded sync action as the sync log and a technician's history show it, and the words for what it changed.
import type { ActivityEntry, FieldChange } from "@techsync/api-contract";

export { changeInWords, OUTCOME_WORDS } from "@techsync/api-contract";

import type { Prisma } from "@techsync/db";
import { invalidField } from "../../errors";

export type ActionRow = Prisma.SyncActionGetPayload<{ include: { run: { select: { dryRun: true } } } }>;

function storedChanges(value: unknown): FieldChange[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((item) => {
    if (!item || typeof item !== "object") return [];
    const { field, before, after } = item as Record<string, unknown>;
    if (typeof field !== "string") return [];
    const text = (v: unknown) => (typeof v === "string" ? v : null);
    return [{ field, before: text(before), after: text(after) }];
  });
}

export function activityEntry(row: ActionRow): ActivityEntry {
  return {
    id: row.id.toString(),
    runId: row.runId,
    dryRun: row.run.dryRun,
    kind: row.kind,
    status: row.status,
    entraUserId: row.entraUserId,
    rescueNodeId: row.rescueNodeId,
    displayName: row.displayName,
    email: row.email,
    rescueGroupId: row.rescueGroupId,
    rescueGroupName: row.rescueGroupName,
    changes: storedChanges(row.changes),
    reason: row.reason,
    error: row.error,
    at: row.updatedAt.toISOString(),
  };
}

/** A date range filter's bounds: a day as `to` takes in the whole day; from after to is refused in words. */
export function dateRange(from: string | undefined, to: string | undefined): { gte?: Date; lt?: Date } | undefined {
  if (!from && !to) return undefined;
  const gte = from ? new Date(from) : undefined;
  let lt: Date | undefined;
  if (to) {
    lt = new Date(to);
    if (/^\d{4}-\d{2}-\d{2}$/.test(to)) lt = new Date(lt.getTime() + 24 * 60 * 60 * 1000);
    else lt = new Date(lt.getTime() + 1);
  }
  if (gte && Number.isNaN(gte.getTime())) throw invalidField("from", "is not a date.");
  if (lt && Number.isNaN(lt.getTime())) throw invalidField("to", "is not a date.");
  if (gte && lt && gte >= lt) throw invalidField("from", "must be before the end of the date range.");
  return { ...(gte ? { gte } : {}), ...(lt ? { lt } : {}) };
}
