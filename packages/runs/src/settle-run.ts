// How a claimed run ends: finished (succeeded / partial / blocked / cancelled) with its counts and report, failed
// with a reason, or handed back to the queue (shutdown). Each write is owner-guarded (settleRun): a worker that lost
// its lease cannot overwrite the run.
import { ACTION_KINDS, type RunCounts, type RunReport as StoredRunReport } from "@techsync/api-contract";
import type { PrismaClient } from "@techsync/db";
import type { RunReport, ScopeChange, UserExplanation } from "@techsync/sync-core";
import { type LeaseHolder, settleRun } from "./run-lease";

/** Failure lists kept in the run report (the actions table holds them all). */
const REPORT_LIST_LIMIT = 200;

export type FinishedRunStatus = "succeeded" | "partial" | "blocked" | "cancelled";

/** What the worker measured around the engine: calls and retries per system, wall time. */
export interface RunTelemetry {
  durationMs: number;
  calls: { entra: number; rescue: number; rescueByMethod: Record<string, number> };
  retries: { graph: number; graphThrottled: number; rescue: number; engine: number };
}

export function finishedStatusOf(report: Pick<RunReport, "status">): FinishedRunStatus {
  switch (report.status) {
    case "completed-with-failures":
      return "partial";
    case "blocked":
      return "blocked";
    case "cancelled":
      return "cancelled";
    default:
      return "succeeded";
  }
}

/** Counts of the run's actions by kind and status, from the table (a resumed run's attempts together). */
async function actionCounts(prisma: PrismaClient, runId: string) {
  const groups = await prisma.syncAction.groupBy({ by: ["kind", "status"], where: { runId }, _count: { _all: true } });
  const counts = Object.fromEntries(
    ACTION_KINDS.map((kind) => [kind, { planned: 0, succeeded: 0, failed: 0, skipped: 0 }]),
  ) as Record<(typeof ACTION_KINDS)[number], Record<"planned" | "succeeded" | "failed" | "skipped", number>>;
  for (const group of groups) counts[group.kind][group.status] = group._count._all;
  return counts;
}

/** Records the finished run; false when the holder no longer owns it (nothing written). */
export async function finishRun(
  prisma: PrismaClient,
  run: { id: string; tenantId: string },
  holder: Pick<LeaseHolder, "owner">,
  report: RunReport,
  telemetry: RunTelemetry,
  /**
   * An estimate run's comparison of the saved pairs with the proposed ones; a run of one user's explanation of the
   * decision.
   */
  extra?: { scopeChanges?: readonly ScopeChange[]; explanation?: UserExplanation },
): Promise<{ status: FinishedRunStatus; settled: boolean }> {
  const status = finishedStatusOf(report);
  const counts = await actionCounts(prisma, run.id);
  const settled = await settleRun(prisma, run, holder, {
    status,
    phase: "done",
    finishedAt: new Date(),
    counts: { ...counts, calls: { entra: telemetry.calls.entra, rescue: telemetry.calls.rescue } } satisfies RunCounts,
    report: {
      status: report.status,
      dryRun: report.dryRun,
      durationMs: telemetry.durationMs,
      calls: telemetry.calls,
      retries: telemetry.retries,
      safety: report.safety,
      warningCount: report.warnings.length,
      warnings: report.warnings.slice(0, REPORT_LIST_LIMIT),
      skippedMemberCount: report.skippedMembers.reduce((sum, skipped) => sum + skipped.count, 0),
      skippedMembers: report.skippedMembers.slice(0, REPORT_LIST_LIMIT),
      failureCount: report.failures.length,
      failures: report.failures.slice(0, REPORT_LIST_LIMIT),
      ...(report.pairs ? { pairs: report.pairs.slice(0, REPORT_LIST_LIMIT) } : {}),
      ...(report.licencesNeeded !== undefined ? { licencesNeeded: report.licencesNeeded } : {}),
      ...(report.licenceShortfall ? { licenceShortfall: report.licenceShortfall } : {}),
      ...(report.keyDataReads !== undefined ? { keyDataReads: report.keyDataReads } : {}),
      ...(extra?.scopeChanges
        ? {
            scopeChangeCount: extra.scopeChanges.length,
            scopeChanges: extra.scopeChanges.slice(0, REPORT_LIST_LIMIT),
          }
        : {}),
      ...(extra?.explanation ? { explanation: extra.explanation } : {}),
    } satisfies StoredRunReport as object,
    error:
      status === "partial"
        ? report.licenceShortfall
          ? `${report.licenceShortfall.message}.${report.failures.length > 1 ? ` ${report.failures.length} action(s) failed; see the run's actions for each reason.` : ""}`
          : `${report.failures.length} action(s) failed; see the run's actions for each reason.`
        : status === "blocked"
          ? (report.approvalReason ??
            `Safety threshold: ${report.safety.disableCount} disables planned, ${report.safety.allowed} allowed without approval.`)
          : status === "cancelled"
            ? "Cancelled by a person; actions not started were not applied."
            : null,
  });
  return { status, settled };
}

type RunRef = { id: string; tenantId: string };

export function failRun(prisma: PrismaClient, run: RunRef, holder: Pick<LeaseHolder, "owner">, message: string) {
  return settleRun(prisma, run, holder, { status: "failed", phase: "done", finishedAt: new Date(), error: message });
}

/** Shutdown: the run goes back to the queue where it stands (its actions say how far it got), for any worker. */
export function handBackRun(prisma: PrismaClient, run: RunRef, holder: Pick<LeaseHolder, "owner">) {
  return settleRun(prisma, run, holder, { status: "queued", phase: "interrupted" });
}

/** A person's cancel reached the run while it was failing (a read cut short by the abort): it ends as cancelled. */
export function cancelClaimedRun(prisma: PrismaClient, run: RunRef, holder: Pick<LeaseHolder, "owner">) {
  const error = "Cancelled by a person before it finished; what it had applied stays applied.";
  return settleRun(prisma, run, holder, { status: "cancelled", phase: "done", finishedAt: new Date(), error });
}
