// The sync queue's consumer: the job registry, the BullMQ Worker and the queue it reports on,
// wired to the run use case. main.ts composes it from the environment; tests and benchmarks start it directly.
import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import type { AlertQueue } from "@techsync/alerts";
import type { PrismaClient, SecretBox } from "@techsync/db";
import {
  createSyncQueue,
  enqueueRun,
  FOLLOW_UP_REQUESTER,
  GRAPH_SUBSCRIPTIONS_JOB,
  GRAPH_SUBSCRIPTIONS_RENEWAL_JOB,
  INCREMENTAL_RUN_JOB,
  NOTIFICATION_DEBOUNCE_MS,
  RUN_JOB,
  releaseIncrementalRun,
  SCHEDULED_RUN_JOB,
  SYNC_QUEUE,
  type SyncQueue,
  syncTenantSchedule,
  tenantScheduleOf,
  ZGraphSubscriptionsJob,
  ZIncrementalRunJob,
  ZRunJob,
  ZScheduledRunJob,
} from "@techsync/jobs";
import { requestIncrementalRun } from "@techsync/runs";
import type { RetryPolicy } from "@techsync/sync-core";
import { DelayedError, UnrecoverableError, Worker } from "bullmq";
import { Redis } from "ioredis";
import type { Logger } from "pino";
import type { Registry } from "prom-client";
import { z } from "zod";
import { createScheduledRun } from "./create-scheduled-run";
import { scheduleFollowUpRun } from "./follow-up-run";
import {
  ensureGraphSubscriptions,
  removeGraphSubscriptions,
  renewDueGraphSubscriptions,
  type SubscriptionUpkeepDeps,
} from "./graph-subscription-upkeep";
import { createJobProcessor, createJobRegistry, defineJob, type JobContext } from "./job-registry";
import { createRunAlerts } from "./run-alerts";
import { type RunMaintenanceOptions, startRunMaintenance } from "./run-maintenance";
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
  /** A claimed run's lease in Postgres, renewed every third of it (default 30 s). */
  runLeaseMs?: number;
  /** The reaper and schedule reconciliation on a timer (off unless given: tests drive them themselves). */
  maintenance?: RunMaintenanceOptions;
  /** The API's public origin, where Graph sends change notifications (PUBLIC_API_URL); unset: polling instead. */
  publicApiUrl?: string;
  /** The clock subscriptions are renewed by (tests move it). */
  now?: () => number;
  /** How long a notification's job waits for the tenant's run under way to finish before asking again (5 s). */
  incrementalRetryMs?: number;
  /** Where run outcomes raise alerts (the alert worker's queue); absent: no alerts. */
  alertQueue?: AlertQueue;
}

export interface SyncWorker {
  worker: Worker;
  /** The producer side, for schedules and queue depth. */
  queue: SyncQueue;
  /** This worker's id, the prefix of its runs' lease owners. */
  workerId: string;
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
  const workerId = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const leaseMs = options.runLeaseMs ?? 30_000;

  const runDeps: TenantRunDeps = {
    workerId,
    leaseMs,
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
    ...(options.alertQueue ? { alerts: createRunAlerts({ prisma, queue: options.alertQueue, log }) } : {}),
  };

  /**
   * Turns a run's result into the job's: failures fail once (no retry storm); an interrupted run, or one that waits
   * behind another run of its tenant or behind a lease that may still be live, is tried again later — delayed, not
   * failed, since waiting is not an attempt.
   */
  const settle = async (result: TenantRunResult, context: JobContext): Promise<TenantRunResult> => {
    if (result.kind === "failed") throw new UnrecoverableError(result.message);
    if (result.kind === "interrupted" || result.kind === "wait") {
      const delay = result.kind === "wait" ? Math.max(1000, Math.round(leaseMs / 3)) : (options.resumeDelayMs ?? 1000);
      if (result.kind === "wait") log.info({ runId: context.job.id, behind: result.behindRunId }, "run waits");
      await context.job.moveToDelayed(Date.now() + delay, context.token);
      throw new DelayedError();
    }
    if (result.kind === "skipped") log.info({ jobId: context.job.id, reason: result.reason }, "run skipped");
    if (result.kind === "finished" && result.retryLater) {
      const { tenantId, runId } = ZRunJob.parse(context.job.data);
      await scheduleFollowUpRun({ prisma, queue, log }, { id: runId, tenantId });
    }
    return result;
  };

  const upkeepDeps: SubscriptionUpkeepDeps = {
    prisma,
    secretBox: options.secretBox,
    queue,
    log,
    publicApiUrl: options.publicApiUrl,
    ...(options.adapters?.outbound ? { outbound: options.adapters.outbound } : {}),
    ...(options.now ? { now: options.now } : {}),
  };

  const registry = createJobRegistry([
    defineJob({
      name: RUN_JOB,
      schema: ZRunJob,
      handler: async ({ tenantId, runId }, context) => {
        const result = await runTenantSync(runDeps, { tenantId, runId, signal: context.signal });
        // The tenant's run is over: a notification that waited for it makes the next incremental run now.
        if (result.kind === "finished" || result.kind === "failed") {
          await releaseIncrementalRun(queue, tenantId).catch((error: unknown) =>
            log.warn({ tenantId, err: (error as Error).message }, "releasing the waiting incremental run failed"),
          );
        }
        return settle(result, context);
      },
    }),
    defineJob({
      name: INCREMENTAL_RUN_JOB,
      schema: ZIncrementalRunJob,
      // A notification's debounce ended (or the poll fired): create the incremental run; its own job executes it.
      handler: async ({ tenantId, trigger }, context) => {
        const enqueue = (job: { tenantId: string; runId: string }) => enqueueRun(queue, job);
        const decision = await requestIncrementalRun({ prisma, enqueue }, tenantId, trigger);
        if ("skipped" in decision) log.info({ tenantId, trigger, reason: decision.skipped }, "incremental run skipped");
        // A change notified while the tenant's run is under way may have come after that run read the directory:
        // the job waits (later notifications keep landing on it) and asks again once the run is over (the run's
        // end releases it at once; the retry is the fallback).
        if ("running" in decision && trigger === "notification") {
          await context.job.moveToDelayed(
            Date.now() + (options.incrementalRetryMs ?? NOTIFICATION_DEBOUNCE_MS),
            context.token,
          );
          throw new DelayedError();
        }
        return decision;
      },
    }),
    defineJob({
      name: GRAPH_SUBSCRIPTIONS_JOB,
      schema: ZGraphSubscriptionsJob,
      handler: async ({ tenantId, action }) => {
        if (action === "remove") await removeGraphSubscriptions(upkeepDeps, tenantId);
        else await ensureGraphSubscriptions(upkeepDeps, tenantId, { renewAll: action === "renew" });
        return { tenantId, action };
      },
    }),
    defineJob({
      name: GRAPH_SUBSCRIPTIONS_RENEWAL_JOB,
      schema: z.object({}),
      handler: async () => ({ renewed: await renewDueGraphSubscriptions(upkeepDeps) }),
    }),
    defineJob({
      name: SCHEDULED_RUN_JOB,
      schema: ZScheduledRunJob,
      // The schedule only creates the run; the run's own job (its id is the run's) executes it.
      handler: async ({ tenantId, runId: earlierRunId, followUpOf }) => {
        const requestedBy = followUpOf ? FOLLOW_UP_REQUESTER : undefined;
        const decision = earlierRunId
          ? { runId: earlierRunId }
          : await createScheduledRun(prisma, tenantId, requestedBy);
        if ("skipped" in decision) {
          log.info({ tenantId, reason: decision.skipped }, "scheduled run skipped");
          return decision;
        }
        await enqueueRun(queue, { tenantId, runId: decision.runId });
        return decision;
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
  const maintenance = options.maintenance
    ? startRunMaintenance({ prisma, queue, log }, options.maintenance)
    : undefined;
  worker.on("failed", (job, error) =>
    log.warn({ jobId: job?.id, jobName: job?.name, err: error.message }, "job failed"),
  );

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      // Close order: stop taking jobs and abort the runs (they stop at a batch boundary), then the
      // worker (waits for them to record where they stand), then the queue, then the connections.
      maintenance?.stop();
      const closed = worker.close();
      shutdown.abort();
      await closed;
      await queue.close();
      await Promise.allSettled([workerConnection.quit(), producerConnection.quit()]);
    })();
    return closing;
  };
  return { worker, queue, workerId, close };
}
