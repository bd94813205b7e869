// Composition root of the worker process: the environment, Postgres, the secret box, the sync
// worker on Redis, each tenant's schedule reconciled, and the ops server for health and metrics.
import { readFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { createMailer, scheduleSecretExpiryCheck } from "@techsync/alerts";
import { createPrismaClient, parseMasterKeyring, SecretBox } from "@techsync/db";
import { scheduleGraphSubscriptionRenewal } from "@techsync/jobs";
import { collectDefaultMetrics, Registry } from "prom-client";
import { startAlertWorker } from "./alert-worker";
import { loadWorkerEnv } from "./env";
import { createOpsServer } from "./ops-server";
import { reconcileTenantSchedules } from "./reconcile-tenant-schedules";
import { reapRuns } from "./run-maintenance";
import { startSyncWorker } from "./sync-worker";
import { createWorkerLogger } from "./worker-logger";

async function main(): Promise<void> {
  const env = loadWorkerEnv();
  const log = createWorkerLogger({ level: env.LOG_LEVEL });
  const metricsRegistry = new Registry();
  collectDefaultMetrics({ register: metricsRegistry });

  const prisma = createPrismaClient({ url: env.DATABASE_URL, maxConnections: Math.max(4, env.WORKER_CONCURRENCY * 2) });
  const secretBox = new SecretBox(parseMasterKeyring(env.SECRET_BOX_MASTER_KEYS, env.SECRET_BOX_ACTIVE_KEY_ID));
  const graphEmulatorCa = env.GRAPH_EMULATOR_CA_PATH ? readFileSync(env.GRAPH_EMULATOR_CA_PATH, "utf8") : undefined;

  const outbound = {
    emulators: { rescueUrl: env.RESCUE_EMULATOR_URL, graphUrl: env.GRAPH_EMULATOR_URL },
    graphEmulatorCa,
  };

  const allowLocalWebhooks = env.ALERT_WEBHOOKS_ALLOW_LOCAL && env.NODE_ENV !== "production";
  const alerts = startAlertWorker({
    prisma,
    secretBox,
    log,
    redisUrl: env.REDIS_URL,
    prefix: env.REDIS_PREFIX,
    portalUrl: env.PORTAL_ORIGIN,
    webhookPolicy: { allowHttp: allowLocalWebhooks, allowPrivateAddresses: allowLocalWebhooks },
    outbound,
    ...(env.SMTP_URL ? { mailer: createMailer({ smtpUrl: env.SMTP_URL, from: env.SMTP_FROM }) } : {}),
  });

  const sync = startSyncWorker({
    alertQueue: alerts.queue,
    prisma,
    secretBox,
    log,
    metricsRegistry,
    redisUrl: env.REDIS_URL,
    prefix: env.REDIS_PREFIX,
    concurrency: env.WORKER_CONCURRENCY,
    lockDurationMs: env.WORKER_LOCK_DURATION_MS,
    stalledIntervalMs: env.WORKER_STALLED_INTERVAL_MS,
    runLeaseMs: env.RUN_LEASE_MS,
    ...(env.PUBLIC_API_URL ? { publicApiUrl: env.PUBLIC_API_URL } : {}),
    ...(env.REAPER_INTERVAL_MS > 0
      ? {
          maintenance: {
            reaperIntervalMs: env.REAPER_INTERVAL_MS,
            scheduleReconcileMs: env.WORKER_RECONCILE_SCHEDULES ? env.SCHEDULE_RECONCILE_MS : 0,
          },
        }
      : {}),
    adapters: { outbound },
  });

  // At start, before the timer's first pass: runs nobody executes get their job back, schedules follow the database.
  // Postgres or Redis away at start is no reason to exit: the maintenance timer tries again on its next pass.
  try {
    const reaped = await reapRuns(prisma, sync.queue, 0);
    const reconciled = env.WORKER_RECONCILE_SCHEDULES ? await reconcileTenantSchedules(prisma, sync.queue) : undefined;
    log.info({ ...reaped, ...reconciled }, "runs and tenant schedules reconciled");
    // Graph subscriptions are renewed well before they expire (hourly sweep; idempotent across workers).
    await scheduleGraphSubscriptionRenewal(sync.queue);
    await scheduleSecretExpiryCheck(alerts.queue);
  } catch (err) {
    log.warn({ err }, "could not reconcile runs and schedules at start; the maintenance timer tries again");
  }

  const ops = createOpsServer({ registry: metricsRegistry, isHealthy: () => sync.worker.isRunning() });
  await new Promise<void>((resolve) => ops.listen(env.WORKER_PORT, env.WORKER_HOST, resolve));
  log.info({ port: (ops.address() as AddressInfo).port, concurrency: env.WORKER_CONCURRENCY }, "worker started");

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    log.info({ signal }, "shutting down: no new jobs; current runs stop at the next batch boundary");
    await sync.close();
    await alerts.close();
    ops.close();
    await prisma.$disconnect();
    log.info("worker stopped");
    process.exit(0);
  };
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));
}

main().catch((error: unknown) => {
  console.error("[worker] failed to start:", error instanceof Error ? error.message : error);
  process.exit(1);
});
