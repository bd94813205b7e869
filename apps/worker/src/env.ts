// The worker's environment, parsed once at start (STYLE.md 7). Nothing else reads process.env.
import { envShapes, loadEnvOrExit } from "@techsync/config";
import { z } from "zod";

export const WorkerEnvSchema = z.object({
  DATABASE_URL: envShapes.postgresUrl,
  REDIS_URL: envShapes.redisUrl,
  /** Health and Prometheus metrics. */
  WORKER_HOST: z.string().default("127.0.0.1"),
  WORKER_PORT: envShapes.port(4100),
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
  LOG_LEVEL: envShapes.logLevel,
  SECRET_BOX_MASTER_KEYS: z.string().min(1),
  SECRET_BOX_ACTIVE_KEY_ID: z.string().min(1),
});
export type WorkerEnv = z.infer<typeof WorkerEnvSchema>;

export function loadWorkerEnv(): WorkerEnv {
  return loadEnvOrExit("worker", WorkerEnvSchema);
}
