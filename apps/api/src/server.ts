// Composition root of the API process.
import { readFileSync } from "node:fs";
import { createMailer } from "@techsync/alerts";
import { createPrismaClient, parseMasterKeyring, pingDatabase, SecretBox } from "@techsync/db";
import { RunEventListener } from "@techsync/runs";
import { connectApiRedis } from "./api-redis";
import { buildApp } from "./app";
import { portalTokenKey } from "./auth/portal-token";
import { loadApiEnv } from "./env";
import { createApiMetrics } from "./metrics";

async function main(): Promise<void> {
  const env = loadApiEnv();
  const prisma = createPrismaClient({ url: env.DATABASE_URL });
  const apiRedis = connectApiRedis({ url: env.REDIS_URL, prefix: env.REDIS_PREFIX });
  const { redis, syncQueue } = apiRedis;
  // One LISTEN connection for the process: it tells the open run event streams when their run changed.
  const allowLocalWebhooks = env.ALERT_WEBHOOKS_ALLOW_LOCAL && env.NODE_ENV !== "production";
  const runEvents = new RunEventListener({ connectionString: env.DATABASE_URL });
  const app = await buildApp(
    {
      prisma,
      secretBox: new SecretBox(parseMasterKeyring(env.SECRET_BOX_MASTER_KEYS, env.SECRET_BOX_ACTIVE_KEY_ID)),
      syncQueue,
      metrics: createApiMetrics(),
      portalTokenKey: portalTokenKey(env.API_TOKEN_SECRET),
      outbound: {
        emulators: { rescueUrl: env.RESCUE_EMULATOR_URL, graphUrl: env.GRAPH_EMULATOR_URL },
        graphEmulatorCa: env.GRAPH_EMULATOR_CA_PATH ? readFileSync(env.GRAPH_EMULATOR_CA_PATH, "utf8") : undefined,
      },
      runEvents,
      // Only while the listener is down: notifications drive the streams otherwise.
      runEventsPollMs: 5000,
      upstreamTimeoutMs: 15_000,
      portalOrigin: env.PORTAL_ORIGIN,
      alertQueue: apiRedis.alertQueue,
      webhookPolicy: { allowHttp: allowLocalWebhooks, allowPrivateAddresses: allowLocalWebhooks },
      ...(env.SMTP_URL ? { mailer: createMailer({ smtpUrl: env.SMTP_URL, from: env.SMTP_FROM }) } : {}),
      rateLimitRedis: redis,
      rateLimitNameSpace: apiRedis.rateLimitNameSpace,
      attemptCounter: apiRedis.attemptCounter,
      readiness: {
        database: () => pingDatabase(prisma),
        redis: () => apiRedis.ping(),
      },
    },
    {
      logLevel: env.LOG_LEVEL,
      portalOrigin: env.PORTAL_ORIGIN,
      operatorToken: env.OPERATOR_TOKEN,
      queueBoardWritable: env.BULL_BOARD_WRITABLE,
      rateLimitPerMinute: env.API_RATE_LIMIT_PER_MINUTE,
    },
  );

  await runEvents.start(app.log.child({ component: "run-events" }));

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, "shutting down");
    await app.close();
    await Promise.allSettled([prisma.$disconnect(), apiRedis.close(), runEvents.close()]);
    process.exit(0);
  };
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));

  await app.listen({ host: env.API_HOST, port: env.API_PORT });
}

main().catch((error: unknown) => {
  console.error("[api] failed to start:", error instanceof Error ? error.message : error);
  process.exit(1);
});
