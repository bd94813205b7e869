// A run as the API shows it: the row's progress columns folded into one object.
import type { Prisma } from "@techsync/db";
import { z } from "zod";
import { isoOrNull, ZIsoDate } from "../common.types";

export const RUN_STATUSES = ["queued", "running", "succeeded", "partial", "failed", "blocked", "cancelled"] as const;
/** Statuses after which a run changes no more until a person acts (blocked waits for approval). */
export const SETTLED_RUN_STATUSES: readonly string[] = ["succeeded", "partial", "failed", "blocked", "cancelled"];

export const ZRun = z.object({
  id: z.uuid(),
  trigger: z.enum(["schedule", "portal", "api", "notification"]),
  dryRun: z.boolean(),
  status: z.enum(RUN_STATUSES),
  requestedBy: z.string().nullable(),
  approvedBy: z.string().nullable(),
  approvedAt: ZIsoDate.nullable(),
  counts: z.unknown().nullable(),
  report: z.unknown().nullable(),
  phase: z.string().nullable(),
  progress: z.object({ done: z.number().int(), total: z.number().int() }),
  error: z.string().nullable(),
  queuedAt: ZIsoDate,
  startedAt: ZIsoDate.nullable(),
  finishedAt: ZIsoDate.nullable(),
});
export type RunView = z.infer<typeof ZRun>;

export function runView(run: Prisma.SyncRunModel): RunView {
  return {
    id: run.id,
    trigger: run.trigger,
    dryRun: run.dryRun,
    status: run.status,
    requestedBy: run.requestedBy,
    approvedBy: run.approvedBy,
    approvedAt: isoOrNull(run.approvedAt),
    counts: run.counts ?? null,
    report: run.report ?? null,
    phase: run.phase,
    progress: { done: run.progressDone, total: run.progressTotal },
    error: run.error,
    queuedAt: run.queuedAt.toISOString(),
    startedAt: isoOrNull(run.startedAt),
    finishedAt: isoOrNull(run.finishedAt),
  };
}
