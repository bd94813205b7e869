// Producer side of incremental runs and Graph subscriptions: coalesce a burst of notifications into one job per
// tenant, the polling fallback's scheduler, and the subscription upkeep jobs.
import {
  GRAPH_SUBSCRIPTIONS_JOB,
  GRAPH_SUBSCRIPTIONS_RENEWAL_JOB,
  GRAPH_SUBSCRIPTIONS_RENEWAL_SCHEDULER,
  type GraphSubscriptionsJob,
  INCREMENTAL_RUN_JOB,
  type IncrementalRunJob,
  incrementalPollSchedulerId,
  incrementalRunJobId,
  ZGraphSubscriptionsJob,
  ZIncrementalRunJob,
} from "./definitions";
import type { SyncQueue } from "./producer";

/**
 * How long a tenant's notifications are gathered before its incremental run is created, counted from the first one
 * (later ones join it, never push it back, so a steady stream still gets a run every second). Short, because the
 * run is the real coalescer: while it is under way, every further notification waits on one job, which goes the
 * moment the run ends (releaseIncrementalRun). 5 s here alone put p95 from change to Rescue above 5 s.
 */
export const NOTIFICATION_DEBOUNCE_MS = 1_000;
/** How often a tenant without notifications (no public API URL) is polled for changes. */
export const INCREMENTAL_POLL_MINUTES = 2;

/**
 * Adds the tenant's incremental-run job with a delay unless one is already waiting: every notification of a burst
 * lands on the same job (its id is the tenant's), so the burst makes one run. A finished job is replaced.
 * Simultaneous callers may each answer "added": BullMQ keeps the first job of an id and ignores the others.
 */
export async function requestIncrementalRunSoon(
  queue: SyncQueue,
  job: IncrementalRunJob,
  delayMs = NOTIFICATION_DEBOUNCE_MS,
): Promise<"added" | "coalesced"> {
  const data = ZIncrementalRunJob.parse(job);
  const jobId = incrementalRunJobId(data.tenantId);
  const existing = await queue.getJob(jobId);
  if (existing) {
    const state = await existing.getState();
    if (state === "delayed" || state === "waiting" || state === "prioritized") return "coalesced";
    // An active job is creating its run now: a notification after it must still cause a run, so it is replaced
    // once finished; until then this one is coalesced into it (createRun would hand back the same run anyway).
    if (state === "active") return "coalesced";
    await existing.remove().catch(() => undefined);
  }
  await queue.add(INCREMENTAL_RUN_JOB, data, {
    jobId,
    delay: delayMs,
    removeOnComplete: true,
    removeOnFail: true,
    attempts: 1,
  });
  return "added";
}

/**
 * The tenant's run just ended: its notification job, waiting for that run (or still gathering), goes now. A change
 * notified while the run was under way may have come after the run read Graph's delta: the next incremental run
 * starts at once rather than after a fixed wait. Answers whether a job was released.
 */
export async function releaseIncrementalRun(queue: SyncQueue, tenantId: string): Promise<boolean> {
  const job = await queue.getJob(incrementalRunJobId(tenantId));
  if (!job || (await job.getState()) !== "delayed") return false;
  // It may have gone on its own meanwhile: then there is nothing left to release.
  return job.promote().then(
    () => true,
    () => false,
  );
}

/** Turns the polling fallback on (every 2 minutes) or off for a tenant. */
export async function setIncrementalPolling(queue: SyncQueue, tenantId: string, on: boolean): Promise<void> {
  const schedulerId = incrementalPollSchedulerId(tenantId);
  if (!on) {
    await queue.removeJobScheduler(schedulerId);
    return;
  }
  await queue.upsertJobScheduler(
    schedulerId,
    { every: INCREMENTAL_POLL_MINUTES * 60_000 },
    { name: INCREMENTAL_RUN_JOB, data: { tenantId, trigger: "poll" } satisfies IncrementalRunJob },
  );
}

/** Asks the worker to create, renew or remove a tenant's Graph subscriptions (Graph calls never run in a request). */
export async function requestGraphSubscriptions(queue: SyncQueue, job: GraphSubscriptionsJob): Promise<void> {
  const data = ZGraphSubscriptionsJob.parse(job);
  await queue.add(GRAPH_SUBSCRIPTIONS_JOB, data, { attempts: 5, backoff: { type: "exponential", delay: 30_000 } });
}

/** The hourly sweep that renews subscriptions well before they expire. */
export async function scheduleGraphSubscriptionRenewal(queue: SyncQueue, everyMs = 3600_000): Promise<void> {
  await queue.upsertJobScheduler(
    GRAPH_SUBSCRIPTIONS_RENEWAL_SCHEDULER,
    { every: everyMs },
    { name: GRAPH_SUBSCRIPTIONS_RENEWAL_JOB, data: {} },
  );
}
