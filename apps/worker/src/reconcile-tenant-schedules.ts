// Redis is made to match the database: every tenant's job scheduler follows its settings (Redis may have lost its
// data, or a tenant was deleted while no API was up). Run at start and on a timer (run-maintenance.ts). A scheduler
// that already matches is left alone: re-writing it would move its next firing.
import type { PrismaClient } from "@techsync/db";
import { isScheduled, type SyncQueue, syncTenantSchedule, tenantScheduleOf, tenantSchedulerId } from "@techsync/jobs";

export interface ScheduleReconcileResult {
  created: number;
  unchanged: number;
  removed: number;
}

async function existingSchedulers(queue: SyncQueue): Promise<Map<string, number | undefined>> {
  const every = new Map<string, number | undefined>();
  for (let start = 0; ; start += 1000) {
    const schedulers = await queue.getJobSchedulers(start, start + 999, true);
    for (const scheduler of schedulers) {
      if (scheduler.key.startsWith(tenantSchedulerId(""))) every.set(scheduler.key, scheduler.every ?? undefined);
    }
    if (schedulers.length < 1000) return every;
  }
}

export async function reconcileTenantSchedules(
  prisma: PrismaClient,
  queue: SyncQueue,
): Promise<ScheduleReconcileResult> {
  const tenants = await prisma.tenant.findMany({
    select: {
      id: true,
      scheduleIntervalMinutes: true,
      paused: true,
      activatedAt: true,
      consecutiveFailures: true,
      quarantinedUntil: true,
      attentionReason: true,
    },
  });
  const existing = await existingSchedulers(queue);
  const result: ScheduleReconcileResult = { created: 0, unchanged: 0, removed: 0 };
  for (const tenant of tenants) {
    const key = tenantSchedulerId(tenant.id);
    const schedule = tenantScheduleOf(tenant);
    const every = (schedule.quarantineIntervalMinutes ?? schedule.scheduleIntervalMinutes) * 60_000;
    const present = existing.has(key);
    const current = existing.get(key);
    existing.delete(key);
    if (isScheduled(schedule) ? present && current === every : !present) {
      result.unchanged += 1;
      continue;
    }
    if ((await syncTenantSchedule(queue, schedule)) === "scheduled") result.created += 1;
    else result.removed += 1;
  }
  // Schedulers of tenants that no longer exist (only ours: the ids tenantSchedulerId makes).
  for (const key of existing.keys()) {
    await queue.removeJobScheduler(key);
    result.removed += 1;
  }
  return result;
}
