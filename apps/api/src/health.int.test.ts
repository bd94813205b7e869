import { Redis } from "ioredis";
import { type ApiHarness, startApiHarness } from "../test/api-harness";

describe("health endpoints", () => {
  let api: ApiHarness;
  beforeAll(async () => {
    api = await startApiHarness();
  });
  afterAll(() => api.close());

  test("/healthz answers while the process is up", async () => {
    const res = await api.app.inject({ method: "GET", url: "/healthz" });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: "ok" });
  });

  test("/readyz is 200 when the database and Redis answer", async () => {
    const res = await api.app.inject({ method: "GET", url: "/readyz" });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: "ok", checks: { database: "ok", redis: "ok" } });
  });

  test("an unknown route is a clear 404, not a 500", async () => {
    const res = await api.app.inject({ method: "GET", url: "/v1/nope" });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ error: "not_found", requestId: expect.any(String) });
  });
});

describe("/readyz with a dependency down", () => {
  test("is 503 and names the dependency that does not answer", async () => {
    // Nothing listens on port 1: a real connection failure, not a mock.
    const deadRedis = new Redis("redis://127.0.0.1:1", {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    deadRedis.on("error", () => {});
    await deadRedis.connect().catch(() => {});
    const api = await startApiHarness({ readiness: { database: async () => "ok", redis: () => deadRedis.ping() } });
    try {
      const res = await api.app.inject({ method: "GET", url: "/readyz" });
      expect(res.statusCode).toBe(503);
      expect(res.json().checks.database).toBe("ok");
      expect(res.json().checks.redis).not.toBe("ok");
    } finally {
      await api.close();
      deadRedis.disconnect();
    }
  });
});
