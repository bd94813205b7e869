// The worker's environment, parsed once at start. Nothing else reads process.env.
import { envShapes, loadEnvOrExit } from "@techsync/config";
import { z } from "zod";

export const WorkerEnvSchema = z.object({
  DATABASE_URL: envShapes.postgresUrl,
  REDIS_URL: envShapes.redisUrl,
  /** BullMQ key prefix in Redis, the same as the API's; tests and benchmarks use one of their own. */
  REDIS_PREFIX: envShapes.redisPrefix,
  /** Health and Prometheus metrics. */
  WORKER_HOST: z.string().default("127.0.0.1"),
  /** 0 picks a free port (tests and benchmarks start several workers). */
  WORKER_PORT: z.coerce.number().int().min(0).max(65535).default(4100),
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
  /**
   * How long a job's lock lives without renewal, and how often stalled jobs are looked for: a worker killed
   * mid-run is noticed within about lockDuration + stalledInterval, then another worker resumes its run.
   */
  WORKER_LOCK_DURATION_MS: z.coerce.number().int().min(1000).default(30_000),
  WORKER_STALLED_INTERVAL_MS: z.coerce.number().int().min(1000).default(30_000),
  /** A claimed run's lease in Postgres: a run whose worker stops renewing it is resumed by another after this. */
  RUN_LEASE_MS: z.coerce.number().int().min(1000).default(30_000),
  /** How often the reaper looks for runs nobody executes (expired leases, queued runs without a job); 0: never. */
  REAPER_INTERVAL_MS: z.coerce.number().int().min(0).default(30_000),
  /** How often every tenant's schedule is re-derived from the database (0: only at start). */
  SCHEDULE_RECONCILE_MS: z.coerce.number().int().min(0).default(60_000),
  /** Reconcile every tenant's job scheduler with the database (at start and every SCHEDULE_RECONCILE_MS). */
  WORKER_RECONCILE_SCHEDULES: z
    .enum(["true", "false"])
    .default("true")
    .transform((value) => value === "true"),
  LOG_LEVEL: envShapes.logLevel,
  SECRET_BOX_MASTER_KEYS: z.string().min(1),
  SECRET_BOX_ACTIVE_KEY_ID: z.string().min(1),
  /** The operator's emulators: the `sandbox` destination of sandbox tenants (same values as the API's). */
  RESCUE_EMULATOR_URL: envShapes.emulatorUrl("http or https"),
  GRAPH_EMULATOR_URL: envShapes.emulatorUrl("https"),
  /** Where Graph sends change notifications (this API's public origin); unset: tenants are polled instead. */
  PUBLIC_API_URL: envShapes.publicApiUrl,
  /** The Graph emulator's CA (PEM file), trusted for the sandbox destination only. */
  GRAPH_EMULATOR_CA_PATH: z.string().min(1).optional(),
  /** Alerts by email (docs/alerts.md): the SMTP server and sender; the portal's origin for links in mails. */
  SMTP_URL: envShapes.smtpUrl,
  SMTP_FROM: envShapes.smtpFrom,
  PORTAL_ORIGIN: z.string().url().default("http://localhost:3000"),
  /**
   * Alert webhooks to http:// and to loopback or private addresses (a receiver on this machine): development and
   * tests only; production refuses both, whatever this says.
   */
  ALERT_WEBHOOKS_ALLOW_LOCAL: envShapes.flag(false),
  NODE_ENV: z.string().optional(),
});
export type WorkerEnv = z.infer<typeof WorkerEnvSchema>;

export function loadWorkerEnv(): WorkerEnv {
  return loadEnvOrExit("worker", WorkerEnvSchema);
}
