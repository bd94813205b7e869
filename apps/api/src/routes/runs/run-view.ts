// A run as the API shows it: the row's progress columns folded into one object, counts and report in the
// contract's one shape whatever shape the row was written in.
import { type Run, ZRun } from "@techsync/api-contract";
import type { Prisma } from "@techsync/db";
import { isoOrNull } from "../common.types";
import { storedRunCounts, storedRunReport } from "./stored-run-counts";

export { RUN_STATUSES, SETTLED_RUN_STATUSES } from "@techsync/api-contract";
export { ZRun };
export type RunView = Run;

export function runView(run: Prisma.SyncRunModel): RunView {
  return {
    id: run.id,
    trigger: run.trigger,
    dryRun: run.dryRun,
    estimate: run.proposal !== null,
    mode: run.mode,
    modeReason: run.modeReason,
    status: run.status,
    requestedBy: run.requestedBy,
    approvedBy: run.approvedBy,
    approvedAt: isoOrNull(run.approvedAt),
    cancelRequestedAt: isoOrNull(run.cancelRequestedAt),
    counts: storedRunCounts(run.counts, run),
    report: storedRunReport(run.report),
    phase: run.phase,
    progress: { done: run.progressDone, total: run.progressTotal },
    error: run.error,
    queuedAt: run.queuedAt.toISOString(),
    startedAt: isoOrNull(run.startedAt),
    finishedAt: isoOrNull(run.finishedAt),
  };
}
