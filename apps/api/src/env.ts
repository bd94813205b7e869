// The API's environment, parsed once at start. Nothing else reads process.env.
import { envShapes, loadEnvOrExit } from "@techsync/config";
import { z } from "zod";

export const ApiEnvSchema = z.object({
  DATABASE_URL: envShapes.postgresUrl,
  REDIS_URL: envShapes.redisUrl,
  /** Prefix of every Redis key the API writes (sync queue, rate limits, failed attempts); the same as the worker's. */
  REDIS_PREFIX: envShapes.redisPrefix,
  API_HOST: z.string().default("127.0.0.1"),
  API_PORT: envShapes.port(4000),
  LOG_LEVEL: envShapes.logLevel,
  /** HS256 secret shared with the portal's server for its short-lived user tokens. */
  API_TOKEN_SECRET: envShapes.secret(32),
  SECRET_BOX_MASTER_KEYS: z.string().min(1),
  SECRET_BOX_ACTIVE_KEY_ID: z.string().min(1),
  /** Bearer token for /admin/queues (Bull Board). */
  OPERATOR_TOKEN: envShapes.secret(32),
  /** Bull Board is read-only unless this is "true" (retry, promote, clean and remove jobs). */
  BULL_BOARD_WRITABLE: envShapes.flag(false),
  /** The portal's origin, the only one CORS lets in. */
  PORTAL_ORIGIN: z.url().default("http://localhost:3000"),
  /**
   * The operator's emulators: with them set, sandbox tenants may pick the `sandbox` destination. Tenants never
   * give a URL; without these, only the real Rescue regions and Entra clouds exist.
   */
  RESCUE_EMULATOR_URL: envShapes.emulatorUrl("http or https"),
  GRAPH_EMULATOR_URL: envShapes.emulatorUrl("https"),
  /** Where Graph sends change notifications (this API's public origin); unset: tenants are polled instead. */
  PUBLIC_API_URL: envShapes.publicApiUrl,
  /** PEM file of the Graph emulator's CA, trusted for the sandbox destination only. */
  GRAPH_EMULATOR_CA_PATH: z.string().min(1).optional(),
  /** Requests per minute per API key, per portal user, else per client address (docs/security.md). */
  API_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(600),
  /** Mail for invitations and password reset links (docs/alerts.md); unset: no mail is sent. */
  SMTP_URL: envShapes.smtpUrl,
  SMTP_FROM: envShapes.smtpFrom,
  /** Webhooks to http:// and loopback or private addresses: development and tests only, never in production. */
  ALERT_WEBHOOKS_ALLOW_LOCAL: envShapes.flag(false),
  NODE_ENV: z.string().optional(),
});
export type ApiEnv = z.infer<typeof ApiEnvSchema>;

export function loadApiEnv(): ApiEnv {
  return loadEnvOrExit("api", ApiEnvSchema);
}
