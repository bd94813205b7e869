// Composition root of the worker process. Runs of sync jobs are wired in by the worker issue;
// here the process connects to Redis, consumes the queue, and exposes health and metrics.
import { Worker } from "bullmq";
import { Redis } from "ioredis";
import pino from "pino";
import { collectDefaultMetrics, Registry } from "prom-client";
import { loadWorkerEnv } from "./env";
import { createOpsServer } from "./ops-server";
import { SYNC_QUEUE } from "./queue-names";

async function main(): Promise<void> {
  const env = loadWorkerEnv();
  const log = pino({ level: env.LOG_LEVEL, base: { app: "worker" } });
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });

  // A worker's connection waits for Redis forever rather than failing jobs (BullMQ production guide).
  const connection = new Redis(env.REDIS_URL, { maxRetriesPerRequest: null });
  const worker = new Worker(
    SYNC_QUEUE,
    async (job) => {
      // Unknown job names are logged and completed, never retried forever (STYLE.md 8).
      log.warn({ jobName: job.name, jobId: job.id }, "no handler for this job name; completing it");
    },
    { connection, concurrency: env.WORKER_CONCURRENCY },
  );
  worker.on("error", (error) => log.error({ err: error }, "worker error"));

  const ops = createOpsServer({ registry, isHealthy: () => worker.isRunning() && connection.status === "ready" });
  await new Promise<void>((resolve) => ops.listen(env.WORKER_PORT, env.WORKER_HOST, resolve));
  log.info({ port: env.WORKER_PORT, queue: SYNC_QUEUE }, "worker started");

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    log.info({ signal }, "shutting down: finishing the current jobs");
    // Close order: workers, then connections (STYLE.md 8).
    await worker.close();
    ops.close();
    await connection.quit();
    process.exit(0);
  };
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));
}

main().catch((error: unknown) => {
  console.error("[worker] failed to start:", error instanceof Error ? error.message : error);
  process.exit(1);
});
