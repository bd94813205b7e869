// At start, every tenant's job scheduler is made to match the database (issue 7): the API keeps them in step
// on each settings change, but Redis may have been flushed, or a tenant deleted while no API was up.
import type { PrismaClient } from "@techsync/db";
import { type SyncQueue, syncTenantSchedule, tenantScheduleOf, tenantSchedulerId } from "@techsync/jobs";

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
