import { createTestDatabase, type TestDatabase } from "@techsync/db/testing";
import { Redis } from "ioredis";
import { buildApp } from "./app";

const redisUrl = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
let db: TestDatabase;
let redis: Redis;

beforeAll(async () => {
  db = await createTestDatabase();
  redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  await redis.ping();
});
afterAll(async () => {
  await redis.quit();
  await db.drop();
});

describe("health endpoints", () => {
  test("/healthz answers while the process is up", async () => {
    const app = await buildApp({ readiness: {} }, { logLevel: "silent" });
    const res = await app.inject({ method: "GET", url: "/healthz" });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: "ok" });
    await app.close();
  });

  test("/readyz is 200 when the database and Redis answer", async () => {
    const app = await buildApp(
      { readiness: { database: () => db.prisma.$queryRaw`SELECT 1`, redis: () => redis.ping() } },
      { logLevel: "silent" },
    );
    const res = await app.inject({ method: "GET", url: "/readyz" });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: "ok", checks: { database: "ok", redis: "ok" } });
    await app.close();
  });

  test("/readyz is 503 and names the dependency that does not answer", async () => {
    // Nothing listens on port 1: a real connection failure, not a mock.
    const deadRedis = new Redis("redis://127.0.0.1:1", {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    deadRedis.on("error", () => {});
    await deadRedis.connect().catch(() => {});
    const app = await buildApp(
      { readiness: { database: () => db.prisma.$queryRaw`SELECT 1`, redis: () => deadRedis.ping() } },
      { logLevel: "silent" },
    );
    const res = await app.inject({ method: "GET", url: "/readyz" });
    expect(res.statusCode).toBe(503);
    expect(res.json().checks.database).toBe("ok");
    expect(res.json().checks.redis).not.toBe("ok");
    await app.close();
    deadRedis.disconnect();
  });

  test("an unknown route is a clear 404, not a 500", async () => {
    const app = await buildApp({ readiness: {} }, { logLevel: "silent" });
    const res = await app.inject({ method: "GET", url: "/v1/nope" });
    expect(res.statusCode).toBe(404);
    await app.close();
  });
});
