// A run that stops without an outcome of its own: a lost lease drops it (the new owner goes on), a shutdown hands it
// back to the queue, and a person's cancel that cut a step short ends it `cancelled`.
import type { PrismaClient } from "@techsync/db";
import * as runs from "@techsync/runs";
import type { RunTelemetryCollector } from "./run-telemetry";
import type { TenantRunResult } from "./run-tenant-sync";

export interface StoppedRun {
  prisma: PrismaClient;
  recorder: runs.DatabaseRunRecorder;
  telemetry: RunTelemetryCollector;
  lease: runs.LeaseKeeper;
  run: { id: string; tenantId: string };
  holder: runs.LeaseHolder;
  retryDb: runs.DatabaseRetryOptions;
  /** The worker's shutdown signal. */
  shutdown?: AbortSignal | undefined;
}

/** Settles a stopped run and answers the job's result, or undefined when the run did not stop (it goes on). */
export async function settleStoppedRun(stop: StoppedRun, failed: boolean): Promise<TenantRunResult | undefined> {
  const { lease, recorder, telemetry } = stop;
  if (lease.signal.reason === "lease-lost") return { kind: "interrupted" };
  const cancel = failed && lease.signal.reason === "cancel-requested";
  if (!cancel && (!stop.shutdown?.aborted || lease.signal.aborted)) return undefined;
  if (!cancel) {
    recorder.log("warn", "the worker is shutting down: run interrupted at a batch boundary; another worker resumes it");
  }
  await recorder.flush();
  const settle = cancel ? runs.cancelClaimedRun : runs.handBackRun;
  await runs.retryWhileDatabaseDown(() => settle(stop.prisma, stop.run, stop.holder), stop.retryDb);
  telemetry.observe(cancel ? "cancelled" : "interrupted");
  return cancel ? { kind: "finished", status: "cancelled" } : { kind: "interrupted" };
}
