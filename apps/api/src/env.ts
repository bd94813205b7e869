// The API's environment, parsed once at start (STYLE.md 7). Nothing else reads process.env.
import { envShapes, loadEnvOrExit } from "@techsync/config";
import { z } from "zod";

export const ApiEnvSchema = z.object({
  DATABASE_URL: envShapes.postgresUrl,
  REDIS_URL: envShapes.redisUrl,
  API_HOST: z.string().default("127.0.0.1"),
  API_PORT: envShapes.port(4000),
  LOG_LEVEL: envShapes.logLevel,
  /** HS256 secret shared with the portal's server for its short-lived user tokens. */
  API_TOKEN_SECRET: envShapes.secret(32),
  SECRET_BOX_MASTER_KEYS: z.string().min(1),
  SECRET_BOX_ACTIVE_KEY_ID: z.string().min(1),
});
export type ApiEnv = z.infer<typeof ApiEnvSchema>;

export function loadApiEnv(): ApiEnv {
  return loadEnvOrExit("api", ApiEnvSchema);
}
