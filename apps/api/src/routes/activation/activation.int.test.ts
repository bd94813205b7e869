// rule 14 at the API: no real run before a person starts syncing, and "Start syncing" only after a successful
// preview of the configuration as it is now. The worker's part (what a preview records, what a run does after a
// change) is in apps/worker's activation tests; here a finished preview is written as the worker writes it.
import { rescueSecretField, SECRET_FIELDS, tenantDataKey } from "@techsync/db";
import { tenantSchedulerId } from "@techsync/jobs";
import { loadConfigFingerprint } from "@techsync/runs";
import { type ApiHarness, startApiHarness } from "../../../test/api-harness";
import { configuredTenantOf, finishedPreviewOf, type Owner } from "../../../test/configured-tenant";

let api: ApiHarness;
beforeAll(async () => {
  api = await startApiHarness();
});
afterAll(() => api.close());

const configuredTenant = () => configuredTenantOf(api);
const finishedPreview = (tenantId: string, status?: "succeeded" | "failed", fingerprint?: string | null) =>
  finishedPreviewOf(api, tenantId, status, fingerprint);

const post = (owner: Owner, url: string, payload?: object) =>
  api.call(owner.token, {
    method: "POST",
    url: `/v1/tenants/${owner.tenantId}${url}`,
    ...(payload ? { payload } : {}),
  });
const get = (owner: Owner, url: string) =>
  api.call(owner.token, { method: "GET", url: `/v1/tenants/${owner.tenantId}${url}` });

describe("rule 14: nothing before activation", () => {
  test("rule 14: a real run is refused before Start syncing (409, in words); a preview is allowed", async () => {
    const owner = await configuredTenant();
    const real = await post(owner, "/runs", { dryRun: false });
    expect(real.statusCode).toBe(409);
    expect(real.json().message).toBe(
      "Start syncing first: preview the current configuration, then press Start syncing.",
    );
    expect(await api.prisma.syncRun.count({ where: { tenantId: owner.tenantId, dryRun: false } })).toBe(0);
    const preview = await post(owner, "/runs", { dryRun: true });
    expect(preview.statusCode).toBe(202);
    expect(preview.json().run).toMatchObject({ dryRun: true, status: "queued" });
  });

  test("rule 14: saving settings before Start syncing makes no schedule; the summary shows no next run", async () => {
    const owner = await configuredTenant();
    const patch = await api.call(owner.token, {
      method: "PATCH",
      url: `/v1/tenants/${owner.tenantId}`,
      payload: { scheduleIntervalMinutes: 15, paused: false },
    });
    expect(patch.statusCode).toBe(200);
    expect(patch.json()).toMatchObject({ activatedAt: null, nextRunAt: null });
    expect(await api.syncQueue.getJobScheduler(tenantSchedulerId(owner.tenantId))).toBeFalsy();
    const summary = (await get(owner, "/summary")).json();
    expect(summary).toMatchObject({ activatedAt: null, nextRunAt: null });
  });

  test("rule 14: Start syncing without a preview is refused, saying to preview first", async () => {
    const owner = await configuredTenant();
    expect((await get(owner, "/activation")).json()).toMatchObject({
      activatedAt: null,
      canStart: false,
      reason: "No preview yet: preview the current configuration, then press Start syncing.",
      preview: null,
    });
    const res = await post(owner, "/activation");
    expect(res.statusCode).toBe(409);
    expect(res.json().message).toBe("No preview yet: preview the current configuration, then press Start syncing.");
    expect(await api.prisma.syncRun.count({ where: { tenantId: owner.tenantId } })).toBe(0);
  });

  test("rule 14: Start syncing after a failed preview is refused, saying why", async () => {
    const owner = await configuredTenant();
    await finishedPreview(owner.tenantId, "failed");
    const res = await post(owner, "/activation");
    expect(res.statusCode).toBe(409);
    expect(res.json().message).toBe(
      "The last preview of 2026-12-02 05:41 UTC did not succeed (The group Helpdesk does not exist in the directory): fix what it reports and preview again.",
    );
  });

  test.each([
    [
      "a pair added",
      (tenantId: string) =>
        api.prisma.groupMapping.create({
          data: { tenantId, entraGroupId: "g-2", entraGroupName: "Tier 2", rescueGroupId: 11, rescueGroupName: "T2" },
        }),
    ],
    [
      "a pair's filter",
      (tenantId: string) =>
        api.prisma.groupMapping.updateMany({
          where: { tenantId },
          data: { filterAttribute: "department", filterOperator: "equals", filterValue: "Support" },
        }),
    ],
    [
      "the Rescue API token saved again",
      async (tenantId: string) => {
        const tenant = await api.prisma.tenant.findUniqueOrThrow({ where: { id: tenantId } });
        const field = rescueSecretField(SECRET_FIELDS.rescueApiToken, "global");
        const apiTokenEnc = api.secretBox.encrypt(tenantId, tenantDataKey(tenant), field, "token-1");
        await api.prisma.rescueConnection.update({ where: { tenantId }, data: { apiTokenEnc } });
      },
    ],
    [
      "another Entra directory",
      (tenantId: string) =>
        api.prisma.entraConnection.update({
          where: { tenantId },
          data: { directoryId: "33333333-3333-3333-3333-333333333333" },
        }),
    ],
    [
      "guests included",
      (tenantId: string) => api.prisma.tenant.update({ where: { id: tenantId }, data: { includeGuests: true } }),
    ],
  ])("rule 14: Start syncing is refused after %s since the preview", async (_change, change) => {
    const owner = await configuredTenant();
    const previewId = await finishedPreview(owner.tenantId);
    expect((await get(owner, "/activation")).json()).toMatchObject({
      canStart: true,
      reason: null,
      preview: { runId: previewId, status: "succeeded", current: true },
    });
    await change(owner.tenantId);
    const res = await post(owner, "/activation");
    expect(res.statusCode).toBe(409);
    expect(res.json().message).toBe(
      "The configuration changed since the preview of 2026-12-02 05:41 UTC: preview it again, then press Start syncing.",
    );
    const state = (await get(owner, "/activation")).json();
    expect(state).toMatchObject({ canStart: false, preview: { runId: previewId, current: false } });
    expect(await api.prisma.syncRun.count({ where: { tenantId: owner.tenantId, dryRun: false } })).toBe(0);
    expect(await api.syncQueue.getJobScheduler(tenantSchedulerId(owner.tenantId))).toBeFalsy();
  });

  test("rule 14: what changes no plan (the schedule, the threshold, a group's shown name) keeps the preview current", async () => {
    const owner = await configuredTenant();
    await finishedPreview(owner.tenantId);
    await api.prisma.tenant.update({
      where: { id: owner.tenantId },
      data: { scheduleIntervalMinutes: 60, safetyThresholdPercent: 20, name: "Contoso EU" },
    });
    await api.prisma.groupMapping.updateMany({ where: { tenantId: owner.tenantId }, data: { entraGroupName: "Desk" } });
    expect((await get(owner, "/activation")).json()).toMatchObject({ canStart: true, reason: null });
  });

  test("rule 14: Start syncing after a fresh preview records who, unpauses, schedules from one interval ahead and queues the first real run", async () => {
    const owner = await configuredTenant();
    await api.prisma.tenant.update({ where: { id: owner.tenantId }, data: { paused: true } });
    // An older preview of another configuration, then a fresh one of the current configuration.
    await finishedPreview(owner.tenantId, "succeeded", "an-older-configuration");
    const previewId = await finishedPreview(owner.tenantId);
    const viewer = await api.memberOf(owner.tenantId, "viewer");
    const refused = await api.call(viewer.token, { method: "POST", url: `/v1/tenants/${owner.tenantId}/activation` });
    expect(refused.statusCode).toBe(403);

    const before = Date.now();
    const res = await post(owner, "/activation");
    expect(res.statusCode).toBe(202);
    const { activation, run } = res.json();
    expect(activation).toMatchObject({
      activatedBy: `portal_user:${owner.userId}`,
      canStart: false,
      reason: expect.stringMatching(/^Syncing already started on /),
    });
    expect(run).toMatchObject({ dryRun: false, status: "queued", requestedBy: `portal_user:${owner.userId}` });
    const tenant = await api.prisma.tenant.findUniqueOrThrow({ where: { id: owner.tenantId } });
    expect(tenant.paused).toBe(false);
    expect(tenant.activatedAt).not.toBeNull();
    expect(tenant.acknowledgedConfigFingerprint).toBe(await loadConfigFingerprint(api.prisma, owner.tenantId));
    expect((await api.syncQueue.getJob(run.id))?.data).toEqual({ tenantId: owner.tenantId, runId: run.id });
    const scheduler = await api.syncQueue.getJobScheduler(tenantSchedulerId(owner.tenantId));
    expect(scheduler?.every).toBe(30 * 60_000);
    // The first run is the one just queued: the schedule's first firing is one interval away.
    expect(Number(scheduler?.next)).toBeGreaterThanOrEqual(before + 29 * 60_000);
    const audit = await api.prisma.auditEvent.findFirst({
      where: { tenantId: owner.tenantId, action: "tenant.sync_started" },
    });
    expect(audit).toMatchObject({ actorId: owner.userId, details: { previewRunId: previewId, firstRunId: run.id } });
    expect((await get(owner, "/summary")).json().activatedAt).toBe(tenant.activatedAt?.toISOString());

    // Started once: a second press is refused, and real runs are now allowed.
    expect((await post(owner, "/activation")).statusCode).toBe(409);
    await api.prisma.syncRun.update({ where: { id: run.id }, data: { status: "succeeded", finishedAt: new Date() } });
    expect((await post(owner, "/runs", { dryRun: false })).statusCode).toBe(202);
  });
});
