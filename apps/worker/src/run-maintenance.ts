// Nothing stuck: every worker, on a timer of its own (not a BullMQ repeatable job, which a Redis that lost its data
// would lose too), makes Redis match Postgres, the source of truth:
// - runs whose lease expired (worker killed, Postgres away longer than the lease) are requeued or ended;
// - `queued` runs without a live job (Redis lost it, or the API could not enqueue) get their job back;
// - every tenant's schedule is re-derived from its settings (a Redis that lost its data loses no schedule for
//   longer than one reconcile interval).
// Each step is idempotent, so several workers doing it at once only repeat each other.
import type { PrismaClient } from "@techsync/db";
import { enqueueRun, type SyncQueue } from "@techsync/jobs";
import { listWaitingRuns, reapExpiredRuns } from "@techsync/runs";
import type { Logger } from "pino";
import { reconcileTenantSchedules } from "./reconcile-tenant-schedules";

export interface RunMaintenanceOptions {
  /** How often runs are reaped and queued runs checked against the queue. */
  reaperIntervalMs: number;
  /** How often schedules are reconciled; 0 turns it off (tests that manage schedules themselves). */
  scheduleReconcileMs: number;
  /** A queued run younger than this may be between its insert and its enqueue: left alone. */
  queuedGraceMs?: number;
}

export interface ReaperTick {
  requeued: number;
  interrupted: number;
  reenqueued: number;
}

/** One pass of the reaper: expired leases, then queued runs without a live job. */
export async function reapRuns(prisma: PrismaClient, queue: SyncQueue, queuedGraceMs: number): Promise<ReaperTick> {
  const reaped = await reapExpiredRuns(prisma);
  let reenqueued = 0;
  for (const run of [...reaped.requeued, ...(await listWaitingRuns(prisma, queuedGraceMs))]) {
    if ((await enqueueRun(queue, { tenantId: run.tenantId, runId: run.id })) === "added") reenqueued += 1;
  }
  return { requeued: reaped.requeued.length, interrupted: reaped.interrupted.length, reenqueued };
}

export function startRunMaintenance(
  deps: { prisma: PrismaClient; queue: SyncQueue; log: Logger },
  options: RunMaintenanceOptions,
): { stop(): void; tick(): Promise<void> } {
  const { prisma, queue, log } = deps;
  let lastReconcile = 0;
  let running: Promise<void> | undefined;
  const pass = async () => {
    try {
      const tick = await reapRuns(prisma, queue, options.queuedGraceMs ?? 10_000);
      if (tick.requeued + tick.interrupted + tick.reenqueued > 0) log.warn(tick, "reaper: runs nobody was executing");
      if (options.scheduleReconcileMs > 0 && Date.now() - lastReconcile >= options.scheduleReconcileMs) {
        const reconciled = await reconcileTenantSchedules(prisma, queue);
        lastReconcile = Date.now();
        if (reconciled.created + reconciled.removed > 0) log.info(reconciled, "tenant schedules reconciled");
      }
    } catch (err) {
      // Postgres or Redis away: the next pass tries again.
      log.warn({ err }, "run maintenance could not complete a pass");
    }
  };
  const tick = () => {
    running ??= pass().finally(() => {
      running = undefined;
    });
    return running;
  };
  const timer = setInterval(() => void tick(), options.reaperIntervalMs);
  timer.unref();
  void tick();
  return { stop: () => clearInterval(timer), tick };
}
