// The sync queue's consumer: the job registry, the BullMQ Worker and the queue it reports on,
// wired to the run use case. main.ts composes it from the environment; tests and benchmarks start it directly.
import type { PrismaClient, SecretBox } from "@techsync/db";
import {
  createSyncQueue,
  RUN_JOB,
  SCHEDULED_RUN_JOB,
  SYNC_QUEUE,
  type SyncQueue,
  syncTenantSchedule,
  tenantScheduleOf,
  ZRunJob,
  ZScheduledRunJob,
} from "@techsync/jobs";
import type { RetryPolicy } from "@techsync/sync-core";
import { DelayedError, UnrecoverableError, Worker } from "bullmq";
import { Redis } from "ioredis";
import type { Logger } from "pino";
import type { Registry } from "prom-client";
import { createScheduledRun } from "./create-scheduled-run";
import { createJobProcessor, createJobRegistry, defineJob, type JobContext } from "./job-registry";
import { runTenantSync, type TenantRunDeps, type TenantRunResult } from "./run-tenant-sync";
import type { TenantAdapterOptions } from "./tenant-adapters";
import { createWorkerMetrics } from "./worker-metrics";

export interface SyncWorkerOptions {
  prisma: PrismaClient;
  secretBox: SecretBox;
  log: Logger;
  metricsRegistry: Registry;
  redisUrl: string;
  /** BullMQ key prefix (tests and benchmarks use their own). */
  prefix?: string;
  concurrency: number;
  lockDurationMs?: number;
  stalledIntervalMs?: number;
  adapters?: Omit<TenantAdapterOptions, "onBackoff">;
  retry?: Partial<RetryPolicy>;
  /** Rescue calls in flight per run. */
  runConcurrency?: number;
  /** Delay before an interrupted run's job is picked up again (default 1 s). */
  resumeDelayMs?: number;
}

export interface SyncWorker {
  worker: Worker;
  /** The producer side, for schedules and queue depth. */
  queue: SyncQueue;
  /** Shutdown: stop taking jobs, let the current runs stop at a batch boundary, then close. */
  close(): Promise<void>;
}

export function startSyncWorker(options: SyncWorkerOptions): SyncWorker {
  const { prisma, log } = options;
  // Producer connection fails fast (a request should not hang on Redis); the worker's waits forever (BullMQ guide).
  const producerConnection = new Redis(options.redisUrl, { maxRetriesPerRequest: 1, enableOfflineQueue: false });
  const workerConnection = new Redis(options.redisUrl, { maxRetriesPerRequest: null });
  producerConnection.on("error", (error) => log.warn({ err: error }, "producer Redis connection error"));
  const queue = createSyncQueue({
    connection: producerConnection,
    ...(options.prefix ? { prefix: options.prefix } : {}),
  });
  const metrics = createWorkerMetrics(options.metricsRegistry, queue);
  const shutdown = new AbortController();

  const runDeps: TenantRunDeps = {
    prisma,
    secretBox: options.secretBox,
    log,
    metrics,
    adapters: options.adapters ?? {},
    rescheduleTenant: async (tenant) => {
      const schedule = tenantScheduleOf(tenant);
      // BullMQ fires a scheduler whose interval changed at once: after a quarantine is lifted (by a run that just
      // succeeded) the next run is one normal interval away instead.
      const notBefore = schedule.quarantinedUntil ?? new Date(Date.now() + schedule.scheduleIntervalMinutes * 60_000);
      await syncTenantSchedule(queue, { ...schedule, quarantinedUntil: notBefore });
    },
    ...(options.retry ? { retry: options.retry } : {}),
    ...(options.runConcurrency ? { concurrency: options.runConcurrency } : {}),
  };

  /** Turns a run's result into the job's: failures fail once (no retry storm), interruptions go back to the queue. */
  const settle = async (result: TenantRunResult, context: JobContext): Promise<TenantRunResult> => {
    if (result.kind === "failed") throw new UnrecoverableError(result.message);
    if (result.kind === "interrupted") {
      // Delayed, not failed: an interruption is not an attempt, and the tenant's deduplication key stays held.
      await context.job.moveToDelayed(Date.now() + (options.resumeDelayMs ?? 1000), context.token);
      throw new DelayedError();
    }
    if (result.kind === "skipped") log.info({ jobId: context.job.id, reason: result.reason }, "run skipped");
    return result;
  };

  const registry = createJobRegistry([
    defineJob({
      name: RUN_JOB,
      schema: ZRunJob,
      handler: async ({ tenantId, runId }, context) =>
        settle(
          await runTenantSync(runDeps, {
            tenantId,
            runId,
            signal: context.signal,
          }),
          context,
        ),
    }),
    defineJob({
      name: SCHEDULED_RUN_JOB,
      schema: ZScheduledRunJob,
      handler: async ({ tenantId, runId: createdRunId }, context) => {
        let runId = createdRunId;
        if (!runId) {
          const decision = await createScheduledRun(prisma, tenantId);
          if ("skipped" in decision) {
            log.info({ tenantId, reason: decision.skipped }, "scheduled run skipped");
            return decision;
          }
          runId = decision.runId;
          // Remembered in the job, so a stalled job resumes this run (rule 12) rather than creating another.
          await context.job.updateData({ tenantId, runId });
        }
        return settle(
          await runTenantSync(runDeps, {
            tenantId,
            runId,
            signal: context.signal,
          }),
          context,
        );
      },
    }),
  ]);

  const worker = new Worker(SYNC_QUEUE, createJobProcessor(registry, log, shutdown.signal), {
    connection: workerConnection,
    ...(options.prefix ? { prefix: options.prefix } : {}),
    concurrency: options.concurrency,
    ...(options.lockDurationMs ? { lockDuration: options.lockDurationMs } : {}),
    ...(options.stalledIntervalMs ? { stalledInterval: options.stalledIntervalMs } : {}),
    // A run whose worker died is resumed (rule 12); twice is a pattern, not bad luck.
    maxStalledCount: 2,
  });
  worker.on("error", (error) => log.error({ err: error }, "worker error"));
  worker.on("failed", (job, error) =>
    log.warn({ jobId: job?.id, jobName: job?.name, err: error.message }, "job failed"),
  );

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      // Close order: stop taking jobs and abort the runs (they stop at a batch boundary), then the
      // worker (waits for them to record where they stand), then the queue, then the connections.
      const closed = worker.close();
      shutdown.abort();
      await closed;
      await queue.close();
      await Promise.allSettled([workerConnection.quit(), producerConnection.quit()]);
    })();
    return closing;
  };
  return { worker, queue, close };
}
