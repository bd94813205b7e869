// Composition root of the API process.
import { createPrismaClient } from "@techsync/db";
import { Redis } from "ioredis";
import { buildApp } from "./app";
import { loadApiEnv } from "./env";

async function main(): Promise<void> {
  const env = loadApiEnv();
  const prisma = createPrismaClient({ url: env.DATABASE_URL });
  // Fail fast for request-path Redis calls rather than queueing them while Redis is away.
  const redis = new Redis(env.REDIS_URL, { maxRetriesPerRequest: 1, enableOfflineQueue: false, lazyConnect: true });
  redis.on("error", () => {}); // reported through /readyz, not as an unhandled event
  redis.connect().catch(() => {});
  const app = await buildApp(
    {
      readiness: {
        database: () => prisma.$queryRaw`SELECT 1`,
        redis: () => redis.ping(),
      },
    },
    { logLevel: env.LOG_LEVEL },
  );

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, "shutting down");
    await app.close();
    await Promise.allSettled([prisma.$disconnect(), redis.quit()]);
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
