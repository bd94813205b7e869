import { z } from "zod";
import { bigintCursor, ZIsoDate, ZLimit, ZTenantParams } from "../common.types";
import { RUN_STATUSES, ZRun } from "./run-view";

export const ZRunParams = ZTenantParams.extend({ runId: z.uuid() }).strict();

export const ZStartRunBody = z.strictObject({ dryRun: z.boolean() });
export const ZStartRunReply = z.object({ run: ZRun, deduplicated: z.boolean() });

export const ZListRunsQuery = z.strictObject({
  status: z.enum(RUN_STATUSES).optional(),
  limit: ZLimit,
  /** The id of the last run of the previous page. */
  cursor: z.uuid().optional(),
});
export const ZRunsReply = z.object({ runs: z.array(ZRun), nextCursor: z.string().optional() });

export const ZListActionsQuery = z.strictObject({
  kind: z.enum(["create", "adopt", "update", "enable", "disable"]).optional(),
  status: z.enum(["planned", "succeeded", "failed", "skipped"]).optional(),
  /** Part of a name or email, any case. */
  q: z.string().trim().min(1).max(200).optional(),
  limit: ZLimit,
  /** The seq of the last action of the previous page. */
  cursor: z.coerce.number().int().min(0).max(2_147_483_647).optional(),
});
export const ZAction = z.object({
  seq: z.number().int(),
  kind: z.enum(["create", "adopt", "update", "enable", "disable"]),
  status: z.enum(["planned", "succeeded", "failed", "skipped"]),
  entraUserId: z.string().nullable(),
  rescueNodeId: z.number().int().nullable(),
  rescueGroupId: z.number().int().nullable(),
  displayName: z.string().nullable(),
  email: z.string().nullable(),
  reason: z.string(),
  changes: z.unknown().nullable(),
  errorCode: z.string().nullable(),
  error: z.string().nullable(),
});
export const ZActionsReply = z.object({ actions: z.array(ZAction), nextCursor: z.string().optional() });

export const ZLogLevel = z.enum(["debug", "info", "warn", "error"]);
export const ZLogEntry = z.object({
  id: z.string(),
  runId: z.string().nullable(),
  level: ZLogLevel,
  message: z.string(),
  context: z.unknown().nullable(),
  createdAt: ZIsoDate,
});
export const ZRunLogQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(1000).default(500),
  /** The id of the last entry of the previous page. */
  cursor: bigintCursor("a log entry").optional(),
});
export const ZRunLogReply = z.object({ entries: z.array(ZLogEntry), nextCursor: z.string().optional() });

export function logEntryView(row: {
  id: bigint;
  runId: string | null;
  level: z.infer<typeof ZLogLevel>;
  message: string;
  context: unknown;
  createdAt: Date;
}): z.infer<typeof ZLogEntry> {
  return {
    id: row.id.toString(),
    runId: row.runId,
    level: row.level,
    message: row.message,
    context: row.context ?? null,
    createdAt: row.createdAt.toISOString(),
  };
}
