// Whose budget a request spends, counted where production counts it: in Redis (this file's own redis-server,
// test/own-redis.ts), shared by the API processes of a deployment, and in the process while Redis is down.
import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { type ApiHarness, startApiHarness, TEST_TOKEN_SECRET } from "../test/api-harness";
import { type OwnRedis, startOwnRedis } from "../test/own-redis";
import { apiRedisKeys } from "./api-redis";
import { PORTAL_AUTH_SCOPE, portalTokenKey, signPortalToken } from "./auth/portal-token";

const BUDGET = 5;
const prefix = `test-rate-${randomUUID().slice(0, 8)}`;
let redis: OwnRedis;
let api: ApiHarness;
let owner: { userId: string; tenantId: string; token: string };

beforeAll(async () => {
  redis = await startOwnRedis();
  api = await startApiHarness({ redisUrl: redis.url, redisPrefix: prefix, rateLimitPerMinute: BUDGET });
  owner = await api.ownerWithTenant("Budget Ltd");
  await eventually("the API is ready", async () => (await readyz(api)).statusCode === 200);
});
afterAll(async () => {
  await api.close();
  await redis.close();
});

/** The portal's service token vouching for the browser at `clientAddress`. */
const portalFor = (clientAddress: string) =>
  signPortalToken(portalTokenKey(TEST_TOKEN_SECRET), { sub: "portal", scope: PORTAL_AUTH_SCOPE, clientAddress });

/** Statuses of `count` requests as made by `send`. */
async function statusesOf(count: number, send: () => Promise<{ statusCode: number }>): Promise<number[]> {
  const statuses: number[] = [];
  for (let i = 0; i < count; i++) statuses.push((await send()).statusCode);
  return statuses;
}

const spent = Array(BUDGET).fill(200);

const readyz = (harness: ApiHarness) => harness.app.inject({ method: "GET", url: "/readyz" });

/** Asks until `done` holds; a bounded wait, for what happens in the background (a connection coming back). */
async function eventually(what: string, done: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

describe("each identity has a budget of its own", () => {
  test("portal users each have theirs, though all arrive from the portal's one address", async () => {
    const busy = await api.memberOf(owner.tenantId, "viewer");
    const quiet = await api.memberOf(owner.tenantId, "viewer");
    const me = (token: string) => api.call(token, { method: "GET", url: "/v1/me" });
    expect(await statusesOf(BUDGET, () => me(busy.token))).toEqual(spent);
    const over = await me(busy.token);
    expect(over.statusCode).toBe(429);
    expect(over.json()).toMatchObject({ error: "rate_limited" });
    expect(Number(over.headers["retry-after"])).toBeGreaterThanOrEqual(1);
    expect((await me(quiet.token)).statusCode).toBe(200);
  });

  test("each API key has its own, apart from the person who made it", async () => {
    const makeKey = async () => {
      const res = await api.call(owner.token, {
        method: "POST",
        url: `/v1/tenants/${owner.tenantId}/api-keys`,
        payload: { name: `key-${randomUUID()}`, scopes: ["read"] },
      });
      return res.json().key as string;
    };
    const [busyKey, quietKey] = [await makeKey(), await makeKey()];
    const runs = (token: string) => api.call(token, { method: "GET", url: `/v1/tenants/${owner.tenantId}/runs` });
    expect(await statusesOf(BUDGET, () => runs(busyKey))).toEqual(spent);
    expect((await runs(busyKey)).statusCode).toBe(429);
    expect((await runs(quietKey)).statusCode).toBe(200);
    expect((await runs(owner.token)).statusCode).toBe(200);
  });

  test("anyone else spends their address's: the browser's as the portal signed it, never a header", async () => {
    const preview = async (clientAddress: string, headers: Record<string, string> = {}) =>
      api.call(await portalFor(clientAddress), { method: "GET", url: `/v1/invitations/${"x".repeat(43)}`, headers });
    const notLimited = (await statusesOf(BUDGET, () => preview("203.0.113.10"))).filter((s) => s !== 429);
    expect(notLimited).toHaveLength(BUDGET);
    expect((await preview("203.0.113.10")).statusCode).toBe(429);
    // Naming another browser in a header changes nothing; another browser the portal vouches for is not held back.
    expect((await preview("203.0.113.10", { "x-forwarded-for": "203.0.113.11" })).statusCode).toBe(429);
    expect((await preview("203.0.113.11")).statusCode).not.toBe(429);
    // Without the portal's token, the socket's address, whatever the header says.
    const bare = (forwardedFor: string) =>
      api.app.inject({
        method: "GET",
        url: "/openapi.json",
        remoteAddress: "192.0.2.30",
        headers: { "x-forwarded-for": forwardedFor },
      });
    const byHeader = await statusesOf(BUDGET + 1, () => bare(`198.51.100.${Math.floor(Math.random() * 250)}`));
    expect(byHeader).toEqual([...spent, 429]);
  });
});

describe("what is never limited", () => {
  test("health and metrics answer beyond a spent budget, also on an API restarted on the same Redis", async () => {
    const from = "192.0.2.40";
    const docs = (harness: ApiHarness) =>
      harness.app.inject({ method: "GET", url: "/openapi.json", remoteAddress: from });
    expect(await statusesOf(BUDGET + 1, () => docs(api))).toEqual([...spent, 429]);
    const probes = async (harness: ApiHarness) => {
      for (const url of ["/healthz", "/readyz", "/metrics"]) {
        for (let i = 0; i < BUDGET + 2; i++) {
          const res = await harness.app.inject({ method: "GET", url, remoteAddress: from });
          expect({ url, status: res.statusCode }).toEqual({ url, status: 200 });
        }
      }
    };
    await probes(api);
    // Another process of the deployment (or this one restarted): the budget is shared through Redis, for its
    // minute; readiness is not part of it.
    const restarted = await startApiHarness({ redisUrl: redis.url, redisPrefix: prefix, rateLimitPerMinute: BUDGET });
    try {
      // Traffic reaches it once it is ready (until its Redis connection is up it counts in its own memory).
      await eventually("the restarted API is ready", async () => (await readyz(restarted)).statusCode === 200);
      await probes(restarted);
      expect((await docs(restarted)).statusCode).toBe(429);
    } finally {
      await restarted.close();
    }
  });
});

describe("with Redis down", () => {
  test("the limit still holds, counted in the process; once Redis is back it is counted there again", async () => {
    const me = (token: string) => api.call(token, { method: "GET", url: "/v1/me" });
    await redis.kill();
    try {
      const during = await api.memberOf(owner.tenantId, "viewer");
      expect(await statusesOf(BUDGET + 1, () => me(during.token))).toEqual([...spent, 429]);
    } finally {
      await redis.start();
    }
    await eventually("the API reconnects", async () => (await readyz(api)).statusCode === 200);
    // Once the cool-down after the failure has passed, requests count in Redis again (a new member each time,
    // so the budget is not what is being watched).
    const probe = new Redis(redis.url);
    try {
      await eventually("requests are counted in Redis again", async () => {
        const member = await api.memberOf(owner.tenantId, "viewer");
        expect((await me(member.token)).statusCode).toBe(200);
        return (await probe.get(`${apiRedisKeys(prefix).rateLimitNameSpace}user:${member.userId}`)) === "1";
      });
    } finally {
      probe.disconnect();
    }
  });
});
