// The API with Redis down, hung or not yet up: it degrades, never dies. Everything runs against a redis-server
// of this file's own (test/own-redis.ts), wired as server.ts wires production; the shared Redis is never touched.
import { randomUUID } from "node:crypto";
import { type ApiHarness, startApiHarness, TEST_TOKEN_SECRET } from "../test/api-harness";
import { configuredTenantOf, finishedPreviewOf } from "../test/configured-tenant";
import { type OwnRedis, startOwnRedis } from "../test/own-redis";
import { PORTAL_AUTH_SCOPE, portalTokenKey, signPortalToken } from "./auth/portal-token";

let redis: OwnRedis;
beforeAll(async () => {
  redis = await startOwnRedis();
});
afterAll(() => redis.close());

/** Asks until `done` holds; a bounded wait, for what happens in the background (a dropped connection noticed). */
async function eventually(what: string, done: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const readyz = (api: ApiHarness) => api.app.inject({ method: "GET", url: "/readyz" });

/** The routes a member reads with PostgreSQL alone. */
function readRoutes(tenantId: string, runId: string): string[] {
  const tenant = `/v1/tenants/${tenantId}`;
  return [
    "/v1/me",
    tenant,
    `${tenant}/summary`,
    `${tenant}/runs`,
    `${tenant}/runs/${runId}`,
    `${tenant}/runs/${runId}/actions`,
    `${tenant}/runs/${runId}/log`,
    `${tenant}/technicians`,
    `${tenant}/logs`,
    `${tenant}/members`,
    `${tenant}/mappings`,
    `${tenant}/audit-events`,
    `${tenant}/api-keys`,
  ];
}

describe("Redis goes down under a running API", () => {
  let api: ApiHarness;
  let owner: { userId: string; tenantId: string; token: string };
  let blockedRunId: string;
  let readKey: string;

  beforeAll(async () => {
    api = await startApiHarness({ redisUrl: redis.url, rateLimitPerMinute: 10_000 });
    owner = await api.ownerWithTenant("Outage Ltd", { activated: true });
    const key = await api.call(owner.token, {
      method: "POST",
      url: `/v1/tenants/${owner.tenantId}/api-keys`,
      payload: { name: "automation", scopes: ["read", "run"] },
    });
    readKey = key.json().key;
    const blocked = await api.prisma.syncRun.create({
      data: { tenantId: owner.tenantId, trigger: "portal", dryRun: false, status: "blocked" },
    });
    blockedRunId = blocked.id;
    await eventually("the API is ready", async () => (await readyz(api)).statusCode === 200);
    await redis.kill();
    await eventually("the API notices Redis is gone", async () => (await readyz(api)).statusCode === 503);
  });
  afterAll(async () => {
    await api.close();
    if (!(await redis.isRunning())) await redis.start();
  });

  test("/healthz answers 200; /readyz answers 503 naming Redis as down; /metrics answers", async () => {
    const health = await api.app.inject({ method: "GET", url: "/healthz" });
    expect(health.statusCode).toBe(200);
    expect(health.json()).toEqual({ status: "ok" });
    const ready = await readyz(api);
    expect(ready.statusCode).toBe(503);
    expect(ready.json()).toEqual({ status: "unavailable", checks: { database: "ok", redis: "down" } });
    expect((await api.app.inject({ method: "GET", url: "/metrics" })).statusCode).toBe(200);
  });

  test("what needs only PostgreSQL keeps working, for portal users and API keys", async () => {
    for (const url of readRoutes(owner.tenantId, blockedRunId)) {
      const res = await api.call(owner.token, { method: "GET", url });
      expect({ url, status: res.statusCode }).toEqual({ url, status: 200 });
    }
    const byKey = await api.call(readKey, { method: "GET", url: `/v1/tenants/${owner.tenantId}/runs` });
    expect(byKey.statusCode).toBe(200);
    // The schedule lives in Redis: its next time is unknown for now, the settings still load.
    expect((await api.call(owner.token, { method: "GET", url: `/v1/tenants/${owner.tenantId}` })).json()).toMatchObject(
      { nextRunAt: null },
    );
  });

  test("sync now and preview answer 503 naming the queue; the run is saved, queued for when it returns", async () => {
    for (const dryRun of [false, true]) {
      const tenant = await api.ownerWithTenant(dryRun ? "Preview Ltd" : "Sync Ltd", { activated: true });
      const res = await api.call(tenant.token, {
        method: "POST",
        url: `/v1/tenants/${tenant.tenantId}/runs`,
        payload: { dryRun },
      });
      expect(res.statusCode).toBe(503);
      expect(res.json()).toMatchObject({
        error: "queue_unavailable",
        message: "The job queue is unavailable; the run is saved and will start when it returns.",
        requestId: expect.any(String),
      });
      const runs = await api.prisma.syncRun.findMany({ where: { tenantId: tenant.tenantId } });
      expect(runs.map((run) => ({ status: run.status, dryRun: run.dryRun }))).toEqual([{ status: "queued", dryRun }]);
    }
    // An API key with the run scope is told the same.
    const byKey = await api.call(readKey, {
      method: "POST",
      url: `/v1/tenants/${owner.tenantId}/runs`,
      payload: { dryRun: false },
    });
    expect(byKey.statusCode).toBe(503);
    expect(byKey.json().error).toBe("queue_unavailable");
  });

  test("approving a blocked run answers 503 and leaves it blocked", async () => {
    const res = await api.call(owner.token, {
      method: "POST",
      url: `/v1/tenants/${owner.tenantId}/runs/${blockedRunId}/approve`,
    });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({ error: "queue_unavailable", message: expect.stringContaining("stays blocked") });
    const run = await api.prisma.syncRun.findUniqueOrThrow({ where: { id: blockedRunId } });
    expect(run).toMatchObject({ status: "blocked", approvedBy: null });
  });

  test("rule 14: Start syncing answers 503 and records nothing: not activated, no run, still the same preview", async () => {
    const tenant = await configuredTenantOf(api);
    await finishedPreviewOf(api, tenant.tenantId);
    const res = await api.call(tenant.token, { method: "POST", url: `/v1/tenants/${tenant.tenantId}/activation` });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({
      error: "queue_unavailable",
      message: "The job queue is unavailable; syncing has not started; press Start syncing again when it returns.",
    });
    const row = await api.prisma.tenant.findUniqueOrThrow({ where: { id: tenant.tenantId } });
    expect(row).toMatchObject({ activatedAt: null, acknowledgedConfigFingerprint: null });
    expect(await api.prisma.syncRun.count({ where: { tenantId: tenant.tenantId, dryRun: false } })).toBe(0);
    expect(
      await api.prisma.auditEvent.count({ where: { tenantId: tenant.tenantId, action: "tenant.sync_started" } }),
    ).toBe(0);
    const state = await api.call(tenant.token, { method: "GET", url: `/v1/tenants/${tenant.tenantId}/activation` });
    expect(state.json()).toMatchObject({ canStart: true, activatedAt: null });
  });

  test("estimating a change of the pairs says no estimate can be made now, and leaves no run behind", async () => {
    const tenant = await api.ownerWithTenant("Estimate Ltd");
    const pair = (entraGroupId: string) =>
      api.prisma.groupMapping.create({
        data: {
          tenantId: tenant.tenantId,
          entraGroupId,
          entraGroupName: entraGroupId,
          rescueGroupId: 1,
          rescueGroupName: "Support",
        },
      });
    const helpdesk = await pair("Helpdesk");
    await pair("Tier 2");
    await api.prisma.link.create({
      data: {
        tenantId: tenant.tenantId,
        entraUserId: "u1",
        rescueNodeId: 7,
        name: "U",
        nick: "U",
        email: "u@x",
        ssoId: "",
      },
    });
    const res = await api.call(tenant.token, {
      method: "POST",
      url: `/v1/tenants/${tenant.tenantId}/mappings/impact`,
      payload: { proposal: { change: "remove", mappingId: helpdesk.id } },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      estimate: "unavailable",
      message: "The job queue is unavailable, so the effect cannot be estimated now.",
      run: null,
    });
    expect(await api.prisma.syncRun.count({ where: { tenantId: tenant.tenantId } })).toBe(0);
    expect(await api.prisma.groupMapping.count({ where: { tenantId: tenant.tenantId } })).toBe(2);
  });

  test("saving settings answers 503 and changes nothing: the schedule could not follow", async () => {
    const res = await api.call(owner.token, {
      method: "PATCH",
      url: `/v1/tenants/${owner.tenantId}`,
      payload: { scheduleIntervalMinutes: 15 },
    });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({ error: "queue_unavailable", message: expect.stringContaining("not saved") });
    const tenant = await api.prisma.tenant.findUniqueOrThrow({ where: { id: owner.tenantId } });
    expect(tenant.scheduleIntervalMinutes).toBe(30);
  });

  test("sign-in keeps working, and its pacing still holds, counted in this process", async () => {
    const portal = await signPortalToken(portalTokenKey(TEST_TOKEN_SECRET), {
      sub: "portal",
      scope: PORTAL_AUTH_SCOPE,
      clientAddress: "203.0.113.50",
    });
    const email = `outage-${randomUUID()}@example.test`;
    const password = "Correct-Horse-Battery-Staple-2026";
    const signUp = await api.call(portal, { method: "POST", url: "/v1/auth/signup", payload: { email, password } });
    expect(signUp.statusCode).toBeLessThan(300);
    const logIn = (pw: string) =>
      api.call(portal, { method: "POST", url: "/v1/auth/login", payload: { email, password: pw } });
    expect((await logIn(password)).statusCode).toBe(200);
    // Five wrong passwords are checked, then each further try must wait (1 s, 2 s, 4 s …): one is refused.
    const statuses: number[] = [];
    for (let i = 0; i < 12 && !statuses.includes(429); i++) statuses.push((await logIn(`wrong ${i}`)).statusCode);
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses).toContain(429);
  });

  test("a hung Redis (not answering, connection open) is waited on boundedly: reads answer, the queue is 503", async () => {
    await redis.start();
    await eventually("the API reconnects", async () => (await readyz(api)).statusCode === 200);
    const other = await api.ownerWithTenant("Hung Ltd", { activated: true });
    redis.freeze();
    try {
      // Not a speed target: a guard so that a request waiting on the hung Redis fails the test instead of hanging it.
      const answers = <T>(request: Promise<T>) =>
        Promise.race([
          request,
          new Promise<never>((_, reject) =>
            setTimeout(() => reject(new Error("no answer while Redis hangs")), 15_000).unref(),
          ),
        ]);
      const tenant = `/v1/tenants/${other.tenantId}`;
      expect((await answers(api.call(other.token, { method: "GET", url: `${tenant}/runs` }))).statusCode).toBe(200);
      expect((await answers(api.call(other.token, { method: "GET", url: tenant }))).statusCode).toBe(200);
      expect((await answers(readyz(api))).json()).toEqual({
        status: "unavailable",
        checks: { database: "ok", redis: "down" },
      });
      const sync = await answers(
        api.call(other.token, { method: "POST", url: `${tenant}/runs`, payload: { dryRun: false } }),
      );
      expect(sync.statusCode).toBe(503);
      expect(sync.json().error).toBe("queue_unavailable");
    } finally {
      redis.thaw();
    }
  });

  test("once Redis is back the API is ready again and runs go on the queue", async () => {
    if (!(await redis.isRunning())) await redis.start();
    await eventually("the API reconnects", async () => (await readyz(api)).statusCode === 200);
    const tenant = await api.ownerWithTenant("Back Again Ltd", { activated: true });
    const res = await api.call(tenant.token, {
      method: "POST",
      url: `/v1/tenants/${tenant.tenantId}/runs`,
      payload: { dryRun: false },
    });
    expect(res.statusCode).toBe(202);
    expect(await api.syncQueue.getJob(res.json().run.id)).toBeDefined();
  });
});

describe("an API started while Redis is down", () => {
  test("serves reads, answers 503 for the queue without waiting on it, and is ready once Redis is up", async () => {
    await redis.kill();
    const api = await startApiHarness({ redisUrl: redis.url, rateLimitPerMinute: 10_000 });
    try {
      const owner = await api.ownerWithTenant("Cold Start Ltd", { activated: true });
      expect((await api.app.inject({ method: "GET", url: "/healthz" })).statusCode).toBe(200);
      expect((await readyz(api)).statusCode).toBe(503);
      expect((await api.call(owner.token, { method: "GET", url: `/v1/tenants/${owner.tenantId}` })).statusCode).toBe(
        200,
      );
      const sync = await api.call(owner.token, {
        method: "POST",
        url: `/v1/tenants/${owner.tenantId}/runs`,
        payload: { dryRun: false },
      });
      expect(sync.statusCode).toBe(503);
      expect(sync.json().error).toBe("queue_unavailable");
      await redis.start();
      await eventually("the API connects", async () => (await readyz(api)).statusCode === 200);
    } finally {
      await api.close();
      if (!(await redis.isRunning())) await redis.start();
    }
  });
});
