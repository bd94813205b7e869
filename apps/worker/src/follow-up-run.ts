// A run whose actions failed only transiently (Rescue or Graph away for longer than the retries of one run) is
// followed by another run soon, without a person: it re-plans from the current state and applies what is still
// missing (rule 12). Consecutive follow-ups back off (15 s, 30 s, 1 min … up to the tenant's own interval), so a
// long outage costs a handful of runs, not a storm. The follow-up is a delayed schedule job: it creates its run only
// when it fires (a person's "Sync now" meanwhile is not held up by a waiting row), and skips if a run is active.
import type { PrismaClient } from "@techsync/db";
import { FOLLOW_UP_REQUESTER, SCHEDULED_RUN_JOB, type SyncQueue } from "@techsync/jobs";
import type { Logger } from "pino";

const FIRST_DELAY_MS = 15_000;

export async function scheduleFollowUpRun(
  deps: { prisma: PrismaClient; queue: SyncQueue; log: Logger },
  run: { id: string; tenantId: string },
): Promise<number> {
  const { prisma, queue } = deps;
  const [tenant, recent] = await Promise.all([
    prisma.tenant.findUnique({
      where: { id: run.tenantId },
      select: { scheduleIntervalMinutes: true, paused: true, activatedAt: true },
    }),
    prisma.syncRun.findMany({
      where: { tenantId: run.tenantId },
      orderBy: { queuedAt: "desc" },
      take: 12,
      select: { requestedBy: true },
    }),
  ]);
  // rule 14: no automatic run for a tenant nobody started (createScheduledRun refuses it too, when it fires).
  if (!tenant || tenant.paused || tenant.activatedAt === null) return 0;
  let consecutive = 0;
  for (const earlier of recent) {
    if (earlier.requestedBy !== FOLLOW_UP_REQUESTER) break;
    consecutive += 1;
  }
  const delayMs = Math.min(tenant.scheduleIntervalMinutes * 60_000, FIRST_DELAY_MS * 2 ** consecutive);
  await queue.add(
    SCHEDULED_RUN_JOB,
    { tenantId: run.tenantId, followUpOf: run.id },
    { jobId: `follow-up-${run.id}`, delay: delayMs },
  );
  deps.log.info({ runId: run.id, tenantId: run.tenantId, delayMs }, "follow-up run scheduled for transient failures");
  return delayMs;
}
