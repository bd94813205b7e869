// Producer side, used by the API: enqueue runs and keep each tenant's schedule in step with its settings.
import { type ConnectionOptions, Queue } from "bullmq";
import { RUN_JOB, type RunJob, SCHEDULED_RUN_JOB, SYNC_QUEUE, tenantSchedulerId, ZRunJob } from "./definitions";

export type SyncQueue = Queue;

export interface SyncQueueOptions {
  connection: ConnectionOptions;
  /** Key prefix in Redis (tests use one per file). */
  prefix?: string;
}

export function createSyncQueue(options: SyncQueueOptions): SyncQueue {
  return new Queue(SYNC_QUEUE, {
    connection: options.connection,
    prefix: options.prefix,
    defaultJobOptions: {
      // A run retries inside itself; a job-level retry only covers a worker lost mid-run (stalled).
      attempts: 3,
      backoff: { type: "exponential", delay: 10_000 },
      removeOnComplete: { age: 24 * 3600, count: 10_000 },
      removeOnFail: { age: 7 * 24 * 3600 },
    },
  });
}

/**
 * Puts a run whose SyncRun row exists on the queue. The job's id is the run's id (job identity = run identity), so a
 * run has at most one live job, and nothing meant for another run (a tenant's other run, its schedule) can drop it.
 * A finished job of the same run (the run was approved, handed back, or resumed by the reaper) is replaced.
 */
export async function enqueueRun(queue: SyncQueue, job: RunJob): Promise<"added" | "present"> {
  const data = ZRunJob.parse(job);
  const existing = await queue.getJob(data.runId);
  if (existing) {
    const state = await existing.getState();
    if (state !== "completed" && state !== "failed" && state !== "unknown") return "present";
    await existing.remove().catch(() => undefined);
  }
  await queue.add(RUN_JOB, data, { jobId: data.runId });
  return "added";
}

export interface TenantSchedule {
  id: string;
  scheduleIntervalMinutes: number;
  paused: boolean;
  /** rule 14: false until a person started syncing; such a tenant has no scheduler at all. */
  activated: boolean;
  /** While quarantined, the schedule fires no earlier than this. */
  quarantinedUntil?: Date | null;
  /** Interval override while quarantined (1 h, 4 h, daily…). */
  quarantineIntervalMinutes?: number | null;
}

/** Whether the tenant should have a job scheduler at all: started syncing (rule 14) and not paused. */
export function isScheduled(tenant: Pick<TenantSchedule, "paused" | "activated">): boolean {
  return tenant.activated && !tenant.paused;
}

/** Creates, changes or removes the tenant's job scheduler to match its settings. */
export async function syncTenantSchedule(queue: SyncQueue, tenant: TenantSchedule): Promise<"scheduled" | "removed"> {
  const schedulerId = tenantSchedulerId(tenant.id);
  if (!isScheduled(tenant)) {
    await queue.removeJobScheduler(schedulerId);
    return "removed";
  }
  const minutes = tenant.quarantineIntervalMinutes ?? tenant.scheduleIntervalMinutes;
  const startDate =
    tenant.quarantinedUntil && tenant.quarantinedUntil > new Date() ? tenant.quarantinedUntil : undefined;
  await queue.upsertJobScheduler(
    schedulerId,
    { every: minutes * 60_000, ...(startDate ? { startDate } : {}) },
    { name: SCHEDULED_RUN_JOB, data: { tenantId: tenant.id } },
  );
  return "scheduled";
}

export async function removeTenantSchedule(queue: SyncQueue, tenantId: string): Promise<void> {
  await queue.removeJobScheduler(tenantSchedulerId(tenantId));
}
