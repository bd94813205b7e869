import { SECRET_FIELDS, tenantDataKey } from "@techsync/db";
import { GRAPH_SUBSCRIPTIONS_JOB, tenantSchedulerId } from "@techsync/jobs";
import { type ApiHarness, startApiHarness } from "../../../test/api-harness";

let api: ApiHarness;
beforeAll(async () => {
  api = await startApiHarness();
});
afterAll(() => api.close());

describe("tenant settings", () => {
  test("a new tenant has the defaults; every member can read them", async () => {
    const owner = await api.ownerWithTenant("Fabrikam");
    const viewer = await api.memberOf(owner.tenantId, "viewer");
    const res = await api.call(viewer.token, { method: "GET", url: `/v1/tenants/${owner.tenantId}` });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      id: owner.tenantId,
      name: "Fabrikam",
      scheduleIntervalMinutes: 30,
      paused: false,
      sandboxMode: false,
      safetyThreshold: { percent: 10, minimum: 5 },
      includeGuests: false,
      hasDefaultPassword: false,
      attentionReason: null,
    });
  });

  test("the full-reconcile interval is daily by default and an admin sets it within an hour and a week", async () => {
    const owner = await api.ownerWithTenant();
    const url = `/v1/tenants/${owner.tenantId}`;
    expect((await api.call(owner.token, { method: "GET", url })).json().fullReconcileMinutes).toBe(1440);
    const set = await api.call(owner.token, { method: "PATCH", url, payload: { fullReconcileMinutes: 120 } });
    expect(set.statusCode).toBe(200);
    expect(set.json().fullReconcileMinutes).toBe(120);
    for (const minutes of [30, 20_000]) {
      const bad = await api.call(owner.token, { method: "PATCH", url, payload: { fullReconcileMinutes: minutes } });
      expect(bad.statusCode).toBe(400);
      expect(bad.json().message).toContain("A full reconcile runs every 60 to 10080 minutes");
    }
    expect((await api.prisma.tenant.findUniqueOrThrow({ where: { id: owner.tenantId } })).fullReconcileMinutes).toBe(
      120,
    );
  });

  test("guests are opted in and out by an admin; anything but a boolean is refused by name", async () => {
    const owner = await api.ownerWithTenant();
    const url = `/v1/tenants/${owner.tenantId}`;
    const on = await api.call(owner.token, { method: "PATCH", url, payload: { includeGuests: true } });
    expect(on.statusCode).toBe(200);
    expect(on.json().includeGuests).toBe(true);
    expect((await api.prisma.tenant.findUniqueOrThrow({ where: { id: owner.tenantId } })).includeGuests).toBe(true);
    const bad = await api.call(owner.token, { method: "PATCH", url, payload: { includeGuests: "yes" } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().message).toContain("body.includeGuests");
    expect((await api.call(owner.token, { method: "GET", url })).json().includeGuests).toBe(true);
    const off = await api.call(owner.token, { method: "PATCH", url, payload: { includeGuests: false } });
    expect(off.json().includeGuests).toBe(false);
  });

  test("an admin's PATCH changes the settings, keeps the default password write-only and syncs the schedule", async () => {
    const owner = await api.ownerWithTenant("Contoso", { activated: true });
    const admin = await api.memberOf(owner.tenantId, "admin");
    const res = await api.call(admin.token, {
      method: "PATCH",
      url: `/v1/tenants/${owner.tenantId}`,
      payload: {
        scheduleIntervalMinutes: 15,
        safetyThreshold: { percent: 20, minimum: 3 },
        attributeMapping: { nick: ["givenName"] },
        defaultPassword: "Start-Here-2026!",
      },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      scheduleIntervalMinutes: 15,
      safetyThreshold: { percent: 20, minimum: 3 },
      attributeMapping: { nick: ["givenName"] },
      hasDefaultPassword: true,
      nextRunAt: expect.any(String),
    });
    expect(res.body).not.toContain("Start-Here-2026!");
    const tenant = await api.prisma.tenant.findUniqueOrThrow({ where: { id: owner.tenantId } });
    expect(
      api.secretBox.decrypt(
        tenant.id,
        tenantDataKey(tenant),
        SECRET_FIELDS.defaultPassword,
        tenant.defaultPasswordEnc!,
      ),
    ).toBe("Start-Here-2026!");
    expect((await api.syncQueue.getJobScheduler(tenantSchedulerId(owner.tenantId)))?.every).toBe(15 * 60_000);

    const paused = await api.call(admin.token, {
      method: "PATCH",
      url: `/v1/tenants/${owner.tenantId}`,
      payload: { paused: true },
    });
    expect(paused.json()).toMatchObject({ paused: true, nextRunAt: null });
    expect(await api.syncQueue.getJobScheduler(tenantSchedulerId(owner.tenantId))).toBeFalsy();

    const audit = await api.call(owner.token, { method: "GET", url: `/v1/tenants/${owner.tenantId}/audit-events` });
    const events = audit.json().events;
    expect(events.map((e: { action: string }) => e.action)).toEqual([
      "tenant.updated",
      "tenant.updated",
      "tenant.created",
    ]);
    expect(events[1]).toMatchObject({ actorType: "portal_user", actorId: admin.userId });
    expect(events[1].details.defaultPassword).toBe("changed");
    expect(audit.body).not.toContain("Start-Here-2026!");
  });

  test("rule 16: SSO ids stay Rescue's by default; an admin can choose Entra as their source, and back", async () => {
    const owner = await api.ownerWithTenant();
    const url = `/v1/tenants/${owner.tenantId}`;
    expect((await api.call(owner.token, { method: "GET", url })).json()).toMatchObject({ ssoIdSource: "rescue" });
    const toEntra = await api.call(owner.token, { method: "PATCH", url, payload: { ssoIdSource: "entra" } });
    expect(toEntra.statusCode).toBe(200);
    expect(toEntra.json()).toMatchObject({ ssoIdSource: "entra" });
    const audit = await api.prisma.auditEvent.findFirstOrThrow({
      where: { tenantId: owner.tenantId, action: "tenant.updated" },
      orderBy: { createdAt: "desc" },
    });
    expect(audit.details).toMatchObject({ ssoIdSource: "entra" });
    const bad = await api.call(owner.token, { method: "PATCH", url, payload: { ssoIdSource: "upn" } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().message).toContain("body.ssoIdSource");
    expect((await api.prisma.tenant.findUniqueOrThrow({ where: { id: owner.tenantId } })).ssoIdSource).toBe("entra");
    const back = await api.call(owner.token, { method: "PATCH", url, payload: { ssoIdSource: "rescue" } });
    expect(back.json()).toMatchObject({ ssoIdSource: "rescue" });
  });

  test("saving settings re-syncs the schedule but starts no run: the next one comes at its time", async () => {
    const owner = await api.ownerWithTenant("Contoso", { activated: true });
    const url = `/v1/tenants/${owner.tenantId}`;
    const save = async (payload: object) => {
      const res = await api.call(owner.token, { method: "PATCH", url, payload });
      expect(res.statusCode).toBe(200);
      return res.json().nextRunAt as string | null;
    };
    /** Jobs of this tenant a worker could take now that run a sync (not the upkeep of its Graph subscriptions). */
    const runnable = async () =>
      (await api.syncQueue.getJobs(["waiting", "prioritized", "active"])).filter(
        (job) => job.data.tenantId === owner.tenantId && job.name !== GRAPH_SUBSCRIPTIONS_JOB,
      );
    const minutesAhead = (iso: string | null) => (new Date(iso ?? 0).getTime() - Date.now()) / 60_000;

    // The first save schedules the tenant, a changed interval re-schedules it, resuming schedules it again:
    // each time the next run is one interval away, and nothing is there to run now.
    const first = await save({ scheduleIntervalMinutes: 15 });
    expect(minutesAhead(first)).toBeGreaterThan(14);
    expect(await runnable()).toEqual([]);
    expect(minutesAhead(await save({ scheduleIntervalMinutes: 60 }))).toBeGreaterThan(59);
    expect(await runnable()).toEqual([]);
    // A save that leaves the interval alone leaves the next run's time alone.
    const before = await save({ scheduleIntervalMinutes: 60 });
    expect(await save({ includeGuests: true })).toBe(before);
    expect(await save({ paused: true })).toBeNull();
    expect(minutesAhead(await save({ paused: false }))).toBeGreaterThan(59);
    expect(await runnable()).toEqual([]);
  });

  test("a settings change keeps a quarantined tenant's back-off", async () => {
    const owner = await api.ownerWithTenant("Contoso", { activated: true });
    await api.prisma.tenant.update({
      where: { id: owner.tenantId },
      data: { consecutiveFailures: 3, quarantinedUntil: new Date(Date.now() + 3600_000) },
    });
    const res = await api.call(owner.token, {
      method: "PATCH",
      url: `/v1/tenants/${owner.tenantId}`,
      payload: { scheduleIntervalMinutes: 10 },
    });
    expect(res.statusCode).toBe(200);
    // Quarantined after 3 failures: hourly, not every 10 minutes.
    expect((await api.syncQueue.getJobScheduler(tenantSchedulerId(owner.tenantId)))?.every).toBe(60 * 60_000);
  });

  test("a viewer cannot change settings, and out-of-range values are refused by name", async () => {
    const owner = await api.ownerWithTenant();
    const viewer = await api.memberOf(owner.tenantId, "viewer");
    const url = `/v1/tenants/${owner.tenantId}`;
    const refused = await api.call(viewer.token, { method: "PATCH", url, payload: { paused: true } });
    expect(refused.statusCode).toBe(403);
    const tooOften = await api.call(owner.token, { method: "PATCH", url, payload: { scheduleIntervalMinutes: 1 } });
    expect(tooOften.statusCode).toBe(400);
    expect(tooOften.json().message).toContain("body.scheduleIntervalMinutes");
    const badPercent = await api.call(owner.token, {
      method: "PATCH",
      url,
      payload: { safetyThreshold: { percent: 101, minimum: 1 } },
    });
    expect(badPercent.json().message).toContain("body.safetyThreshold.percent");
  });

  test("the summary shows the last run, linked technicians and the recent runs", async () => {
    const owner = await api.ownerWithTenant();
    for (let i = 0; i < 35; i++) {
      await api.prisma.syncRun.create({
        data: {
          tenantId: owner.tenantId,
          trigger: "schedule",
          dryRun: false,
          status: "succeeded",
          queuedAt: new Date(Date.UTC(2026, 10, 1, 0, i)),
        },
      });
    }
    await api.prisma.link.create({
      data: {
        tenantId: owner.tenantId,
        entraUserId: "u1",
        rescueNodeId: 1,
        name: "A",
        nick: "a",
        email: "a@x.test",
        ssoId: "a",
      },
    });
    const res = await api.call(owner.token, { method: "GET", url: `/v1/tenants/${owner.tenantId}/summary` });
    expect(res.statusCode).toBe(200);
    const summary = res.json();
    expect(summary.recentRuns).toHaveLength(30);
    expect(summary.linkedTechnicians).toBe(1);
    expect(summary.lastRun.queuedAt).toBe(new Date(Date.UTC(2026, 10, 1, 0, 34)).toISOString());
  });
});

describe("members", () => {
  test("the owner re-roles and removes members; the last owner stays", async () => {
    const owner = await api.ownerWithTenant();
    const base = `/v1/tenants/${owner.tenantId}/members`;
    const added = await api.memberOf(owner.tenantId, "admin");

    const newId = added.userId;
    const promoted = await api.call(owner.token, {
      method: "PATCH",
      url: `${base}/${newId}`,
      payload: { role: "owner" },
    });
    expect(promoted.json().role).toBe("owner");
    // Two owners: one may step down; then the remaining one may not.
    expect(
      (await api.call(owner.token, { method: "PATCH", url: `${base}/${owner.userId}`, payload: { role: "admin" } }))
        .statusCode,
    ).toBe(200);
    const newOwnerToken = await api.userToken(newId);
    const lastDemoted = await api.call(newOwnerToken, {
      method: "PATCH",
      url: `${base}/${newId}`,
      payload: { role: "viewer" },
    });
    expect(lastDemoted.statusCode).toBe(409);
    expect(lastDemoted.json().message).toContain("last owner");
    const lastRemoved = await api.call(newOwnerToken, { method: "DELETE", url: `${base}/${newId}` });
    expect(lastRemoved.statusCode).toBe(409);

    const removed = await api.call(newOwnerToken, { method: "DELETE", url: `${base}/${owner.userId}` });
    expect(removed.statusCode).toBe(204);
    const list = await api.call(newOwnerToken, { method: "GET", url: base });
    expect(list.json().members.map((m: { userId: string }) => m.userId)).toEqual([newId]);
  });

  test("admins and viewers can list members but not manage them", async () => {
    const owner = await api.ownerWithTenant();
    const admin = await api.memberOf(owner.tenantId, "admin");
    const base = `/v1/tenants/${owner.tenantId}/members`;
    expect((await api.call(admin.token, { method: "GET", url: base })).json().members).toHaveLength(2);
    const promote = await api.call(admin.token, {
      method: "PATCH",
      url: `${base}/${admin.userId}`,
      payload: { role: "owner" },
    });
    expect(promote.statusCode).toBe(403);
    expect((await api.call(admin.token, { method: "DELETE", url: `${base}/${owner.userId}` })).statusCode).toBe(403);
  });
});

describe("API keys", () => {
  test("a key is shown once, stored as a hash, limited to its scopes, records its use and can be revoked", async () => {
    const owner = await api.ownerWithTenant();
    const base = `/v1/tenants/${owner.tenantId}`;
    const created = await api.call(owner.token, {
      method: "POST",
      url: `${base}/api-keys`,
      payload: { name: "reporting", scopes: ["read"] },
    });
    expect(created.statusCode).toBe(201);
    const { key, apiKey } = created.json();
    expect(key).toMatch(/^tsk_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/);
    expect(key.startsWith(apiKey.prefix)).toBe(true);
    const row = await api.prisma.apiKey.findUniqueOrThrow({ where: { id: apiKey.id } });
    expect(row.hash).not.toContain(key.split("_")[2]);

    const listed = await api.call(owner.token, { method: "GET", url: `${base}/api-keys` });
    expect(listed.body).not.toContain(key);
    expect(listed.json().apiKeys[0]).toMatchObject({ name: "reporting", scopes: ["read"], lastUsedAt: null });

    expect((await api.call(key, { method: "GET", url: base })).statusCode).toBe(200);
    expect((await api.prisma.apiKey.findUniqueOrThrow({ where: { id: apiKey.id } })).lastUsedAt).not.toBeNull();
    expect((await api.call(key, { method: "PATCH", url: base, payload: { paused: true } })).statusCode).toBe(403);
    expect((await api.call(key, { method: "POST", url: `${base}/runs`, payload: { dryRun: true } })).statusCode).toBe(
      403,
    );
    expect((await api.call(key, { method: "GET", url: `${base}/api-keys` })).statusCode).toBe(403);
    // A key reaches its own tenant only, and no user routes.
    expect((await api.call(key, { method: "GET", url: "/v1/me" })).statusCode).toBe(403);

    const revoked = await api.call(owner.token, { method: "DELETE", url: `${base}/api-keys/${apiKey.id}` });
    expect(revoked.statusCode).toBe(204);
    expect((await api.call(key, { method: "GET", url: base })).statusCode).toBe(401);
    const audit = (await api.call(owner.token, { method: "GET", url: `${base}/audit-events` })).json().events;
    expect(audit.map((e: { action: string }) => e.action).slice(0, 2)).toEqual(["api_key.revoked", "api_key.created"]);
  });

  test("a key with the write scope changes settings, and the audit names the key", async () => {
    const owner = await api.ownerWithTenant();
    const base = `/v1/tenants/${owner.tenantId}`;
    const { key, apiKey } = (
      await api.call(owner.token, {
        method: "POST",
        url: `${base}/api-keys`,
        payload: { name: "ci", scopes: ["write", "read"] },
      })
    ).json();
    expect((await api.call(key, { method: "PATCH", url: base, payload: { name: "Via key" } })).statusCode).toBe(200);
    const events = (await api.call(key, { method: "GET", url: `${base}/audit-events?limit=1` })).json();
    expect(events.events[0]).toMatchObject({ action: "tenant.updated", actorType: "api_key", actorId: apiKey.id });
    expect(events.nextCursor).toEqual(expect.any(String));
    const next = (
      await api.call(key, { method: "GET", url: `${base}/audit-events?limit=1&cursor=${events.nextCursor}` })
    ).json();
    expect(next.events[0].action).toBe("api_key.created");
  });
});

describe("empty changes", () => {
  test("a PATCH with nothing to change is refused, and leaves no audit event", async () => {
    const owner = await api.ownerWithTenant();
    const before = await api.prisma.auditEvent.count({ where: { tenantId: owner.tenantId } });
    const res = await api.call(owner.token, { method: "PATCH", url: `/v1/tenants/${owner.tenantId}`, payload: {} });
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toBe("body: send at least one field to change");
    expect(await api.prisma.auditEvent.count({ where: { tenantId: owner.tenantId } })).toBe(before);
  });
});
