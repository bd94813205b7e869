// How fresh a tenant is, for the dashboard: when Graph last told of a change, the last incremental and full real
// runs that applied, and how changes reach TechSync (Graph notifications, polling, or not at all).
import type { PrismaClient } from "@techsync/db";
import { incrementalPollSchedulerId, type SyncQueue } from "@techsync/jobs";
import { withinBound } from "../../job-queue";

/** A read beside the dashboard's others: not worth a long wait when Redis is hung. */
const POLL_READ_TIMEOUT_MS = 1000;

export interface TenantFreshness {
  lastChangeReceivedAt: Date | null;
  lastIncrementalRunAt: Date | null;
  lastFullRunAt: Date | null;
  changeFeed: "notifications" | "polling" | "off";
}

/** The polling fallback is on when the tenant's poll scheduler exists; unknown (Redis silent) reads as off. */
async function pollingOn(queue: Pick<SyncQueue, "getJobScheduler">, tenantId: string): Promise<boolean> {
  try {
    const scheduler = await withinBound(
      () => queue.getJobScheduler(incrementalPollSchedulerId(tenantId)),
      POLL_READ_TIMEOUT_MS,
    );
    return Boolean(scheduler);
  } catch {
    return false;
  }
}

export async function tenantFreshness(
  deps: { prisma: PrismaClient; syncQueue: Pick<SyncQueue, "getJobScheduler"> },
  tenantId: string,
): Promise<TenantFreshness> {
  // A real run that applied; runs of one user and estimates say nothing of the whole tenant.
  const applied = {
    tenantId,
    dryRun: false,
    subjectEntraUserId: null,
    status: { in: ["succeeded", "partial"] as ("succeeded" | "partial")[] },
  };
  const lastOf = (mode: "full" | "incremental") =>
    deps.prisma.syncRun.findFirst({
      where: { ...applied, mode },
      orderBy: { finishedAt: "desc" },
      select: { finishedAt: true },
    });
  const [subscriptions, incremental, full, polling] = await Promise.all([
    deps.prisma.graphSubscription.findMany({ where: { tenantId }, select: { lastNotificationAt: true } }),
    lastOf("incremental"),
    lastOf("full"),
    pollingOn(deps.syncQueue, tenantId),
  ]);
  const received = subscriptions
    .map((subscription) => subscription.lastNotificationAt)
    .filter((at): at is Date => at !== null)
    .sort((a, b) => b.getTime() - a.getTime())[0];
  return {
    lastChangeReceivedAt: received ?? null,
    lastIncrementalRunAt: incremental?.finishedAt ?? null,
    lastFullRunAt: full?.finishedAt ?? null,
    changeFeed: subscriptions.length > 0 ? "notifications" : polling ? "polling" : "off",
  };
}
