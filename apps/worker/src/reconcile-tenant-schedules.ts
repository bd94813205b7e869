// At start, Redis is made to match the database: every tenant's job scheduler (the API keeps them in
// step on each settings change, but Redis may have been flushed, or a tenant deleted while no API was up), and
// the job of every queued run.
import type { PrismaClient } from "@techsync/db";
import { enqueueRun, type SyncQueue, syncTenantSchedule, tenantScheduleOf, tenantSchedulerId } from "@techsync/jobs";

export async function reconcileTenantSchedules(
  prisma: PrismaClient,
  queue: SyncQueue,
): Promise<{ scheduled: number; removed: number }> {
  const tenants = await prisma.tenant.findMany({
    select: {
      id: true,
      scheduleIntervalMinutes: true,
      paused: true,
      consecutiveFailures: true,
      quarantinedUntil: true,
      attentionReason: true,
    },
  });
  let scheduled = 0;
  let removed = 0;
  const known = new Set<string>();
  for (const tenant of tenants) {
    known.add(tenantSchedulerId(tenant.id));
    if ((await syncTenantSchedule(queue, tenantScheduleOf(tenant))) === "scheduled") scheduled += 1;
    else removed += 1;
  }
  // Schedulers of tenants that no longer exist (only ours: the ids tenantSchedulerId makes).
  for (let start = 0; ; start += 1000) {
    const schedulers = await queue.getJobSchedulers(start, start + 999, true);
    for (const scheduler of schedulers) {
      if (scheduler.key.startsWith(tenantSchedulerId("")) && !known.has(scheduler.key)) {
        await queue.removeJobScheduler(scheduler.key);
        removed += 1;
      }
    }
    if (schedulers.length < 1000) break;
  }
  return { scheduled, removed };
}

/**
 * Runs the database holds as queued get their job back (Redis lost, or the API failed between the row and the
 * enqueue). Jobs that exist are untouched: BullMQ ignores a job id it has, and deduplicates per tenant.
 */
export async function requeueQueuedRuns(prisma: PrismaClient, queue: SyncQueue): Promise<number> {
  const runs = await prisma.syncRun.findMany({
    where: { status: "queued" },
    select: { id: true, tenantId: true },
    orderBy: { queuedAt: "asc" },
  });
  for (const run of runs) await enqueueRun(queue, { tenantId: run.tenantId, runId: run.id });
  return runs.length;
}
