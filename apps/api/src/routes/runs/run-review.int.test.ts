// Reviewing a blocked run (rule 11): approve all or a chosen subset, dismiss; and estimating a change of the pairs
// before it is saved. The worker's side (what an approval applies) is apps/worker/src/run-review.int.test.ts.
import { type ApiHarness, startApiHarness } from "../../../test/api-harness";

let api: ApiHarness;
beforeAll(async () => {
  api = await startApiHarness();
});
afterAll(() => api.close());

/** A run the safety threshold blocked, with `disables` planned disables (users u1…uN), as the worker leaves it. */
async function blockedRun(tenantId: string, disables = 4) {
  const run = await api.prisma.syncRun.create({
    data: { tenantId, trigger: "schedule", dryRun: false, status: "blocked", finishedAt: new Date() },
  });
  await api.prisma.syncAction.createMany({
    data: Array.from({ length: disables }, (_, i) => ({
      runId: run.id,
      tenantId,
      seq: i + 1,
      kind: "disable" as const,
      entraUserId: `u${i + 1}`,
      rescueNodeId: 1000 + i,
      displayName: `User ${i + 1}`,
      reason: "no longer in scope of any mapping",
    })),
  });
  return { runId: run.id, base: `/v1/tenants/${tenantId}/runs/${run.id}` };
}

const statuses = async (runId: string) =>
  Object.fromEntries(
    (await api.prisma.syncAction.findMany({ where: { runId }, orderBy: { seq: "asc" } })).map((a) => [
      a.entraUserId,
      a.status === "skipped" ? `${a.status}: ${a.error}` : a.status,
    ]),
  );

describe("approving a blocked run", () => {
  test("rule 11: a chosen subset is approved; the others read not applied, named by who left them out, and the audit says how many of how many", async () => {
    const owner = await api.ownerWithTenant();
    await api.prisma.portalUser.update({ where: { id: owner.userId }, data: { name: "Dana Holder" } });
    const { runId, base } = await blockedRun(owner.tenantId, 4);
    const res = await api.call(owner.token, {
      method: "POST",
      url: `${base}/approve`,
      payload: { actionIds: ["disable:u1", "disable:u3"] },
    });
    expect(res.statusCode).toBe(202);
    expect(res.json()).toMatchObject({ id: runId, status: "queued" });
    expect(await statuses(runId)).toEqual({
      u1: "planned",
      u2: "skipped: Not approved by Dana Holder.",
      u3: "planned",
      u4: "skipped: Not approved by Dana Holder.",
    });
    expect((await api.syncQueue.getJob(runId))?.data).toEqual({ tenantId: owner.tenantId, runId });
    const audit = await api.prisma.auditEvent.findFirstOrThrow({
      where: { tenantId: owner.tenantId, action: "run.approved" },
    });
    expect(audit.details).toEqual({ approvedActions: 2, plannedActions: 4 });
  });

  test("rule 11: no body approves every planned action", async () => {
    const owner = await api.ownerWithTenant();
    const { runId, base } = await blockedRun(owner.tenantId, 3);
    expect((await api.call(owner.token, { method: "POST", url: `${base}/approve`, payload: {} })).statusCode).toBe(202);
    expect(Object.values(await statuses(runId))).toEqual(["planned", "planned", "planned"]);
  });

  test("rule 11: another run's or another tenant's action ids, and an empty choice, are refused in words and change nothing", async () => {
    const owner = await api.ownerWithTenant();
    const { runId, base } = await blockedRun(owner.tenantId, 3);
    const other = await api.ownerWithTenant();
    const foreign = await blockedRun(other.tenantId, 6);
    const before = await statuses(runId);

    // u5 is a planned action of the other tenant's run only.
    const foreignIds = await api.call(owner.token, {
      method: "POST",
      url: `${base}/approve`,
      payload: { actionIds: ["disable:u1", "disable:u5"] },
    });
    expect(foreignIds.statusCode).toBe(400);
    expect(foreignIds.json().message).toBe(
      "Only actions this run is waiting to apply can be approved; not one of them: disable:u5. Nothing was approved.",
    );
    const empty = await api.call(owner.token, { method: "POST", url: `${base}/approve`, payload: { actionIds: [] } });
    expect(empty.statusCode).toBe(400);
    expect(empty.json().message).toBe("Choose at least one action to approve, or dismiss the run.");
    // The other tenant's run, by its id under this tenant: as if it did not exist.
    const crossTenant = await api.call(owner.token, {
      method: "POST",
      url: `/v1/tenants/${owner.tenantId}/runs/${foreign.runId}/approve`,
      payload: { actionIds: ["disable:u1"] },
    });
    expect(crossTenant.statusCode).toBe(404);

    expect(await statuses(runId)).toEqual(before);
    const rows = await api.prisma.syncRun.findMany({ where: { id: { in: [runId, foreign.runId] } } });
    expect(rows.map((r) => r.status)).toEqual(["blocked", "blocked"]);
    expect(await api.syncQueue.getJob(runId)).toBeUndefined();
  });
});

describe("dismissing a blocked run", () => {
  test("rule 11: dismiss ends the run cancelled; every planned action reads not applied, naming who dismissed it; the tenant's warning stays", async () => {
    const owner = await api.ownerWithTenant();
    const warning =
      "A run was stopped by the safety threshold: review what it would disable, then approve or dismiss it.";
    const { runId, base } = await blockedRun(owner.tenantId, 2);
    await api.prisma.tenant.update({
      where: { id: owner.tenantId },
      data: { attentionReason: warning, attentionRunId: runId },
    });
    const user = await api.prisma.portalUser.findUniqueOrThrow({ where: { id: owner.userId } });
    const res = await api.call(owner.token, { method: "POST", url: `${base}/dismiss`, payload: {} });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      status: "cancelled",
      error: `Dismissed by ${user.name || user.email}: nothing of it was applied.`,
    });
    expect(Object.values(await statuses(runId))).toEqual([
      `skipped: Dismissed by ${user.name || user.email}.`,
      `skipped: Dismissed by ${user.name || user.email}.`,
    ]);
    const settings = (await api.call(owner.token, { method: "GET", url: `/v1/tenants/${owner.tenantId}` })).json();
    expect(settings.attentionReason).toBe(warning);
  });
});

describe("estimating a change of the pairs", () => {
  async function tenantWithPairs() {
    const owner = await api.ownerWithTenant("Contoso", { activated: true });
    const pair = (entraGroupId: string, rescueGroupId: number, priority: number) =>
      api.prisma.groupMapping.create({
        data: {
          tenantId: owner.tenantId,
          entraGroupId,
          entraGroupName: entraGroupId,
          rescueGroupId,
          rescueGroupName: `Rescue ${rescueGroupId}`,
          priority,
        },
      });
    const helpdesk = await pair("Helpdesk", 11, 100);
    const tier2 = await pair("Tier 2", 12, 200);
    await api.prisma.link.create({
      data: {
        tenantId: owner.tenantId,
        entraUserId: "u1",
        rescueNodeId: 1001,
        name: "U",
        nick: "U",
        email: "u@x",
        ssoId: "",
      },
    });
    return { owner, helpdesk, tier2, url: `/v1/tenants/${owner.tenantId}/mappings/impact` };
  }

  test("removing a pair starts a preview carrying the proposal; the saved pairs stay as they are", async () => {
    const { owner, helpdesk, url } = await tenantWithPairs();
    const pairsBefore = await api.prisma.groupMapping.findMany({
      where: { tenantId: owner.tenantId },
      orderBy: { priority: "asc" },
    });
    const proposal = { change: "remove", mappingId: helpdesk.id };
    const res = await api.call(owner.token, { method: "POST", url, payload: { proposal } });
    expect(res.statusCode).toBe(202);
    const reply = res.json();
    expect(reply).toMatchObject({ estimate: "run", run: { status: "queued", dryRun: true } });
    const run = await api.prisma.syncRun.findUniqueOrThrow({ where: { id: reply.run.id } });
    expect(run.proposal).toEqual(proposal);
    expect((await api.syncQueue.getJob(run.id))?.data).toEqual({ tenantId: owner.tenantId, runId: run.id });
    expect(
      await api.prisma.groupMapping.findMany({ where: { tenantId: owner.tenantId }, orderBy: { priority: "asc" } }),
    ).toEqual(pairsBefore);

    // While it runs, another estimate cannot (the tenant is busy), but "sync now" gets a run of its own.
    const busy = await api.call(owner.token, { method: "POST", url, payload: { proposal } });
    expect(busy.statusCode).toBe(200);
    expect(busy.json()).toMatchObject({ estimate: "unavailable", run: null });
    expect(busy.json().message).toContain("Another run of this tenant is going");
    const syncNow = (
      await api.call(owner.token, {
        method: "POST",
        url: `/v1/tenants/${owner.tenantId}/runs`,
        payload: { dryRun: false },
      })
    ).json();
    expect(syncNow.deduplicated).toBe(false);
    expect(syncNow.run.id).not.toBe(run.id);

    // An estimate is left out of the dashboard, and is not "run again" as a plain preview.
    const summary = (
      await api.call(owner.token, { method: "GET", url: `/v1/tenants/${owner.tenantId}/summary` })
    ).json();
    expect(summary.recentRuns.map((r: { id: string }) => r.id)).toEqual([syncNow.run.id]);
    await api.prisma.syncRun.update({ where: { id: run.id }, data: { status: "failed", finishedAt: new Date() } });
    const again = await api.call(owner.token, {
      method: "POST",
      url: `/v1/tenants/${owner.tenantId}/runs/${run.id}/retry`,
      payload: {},
    });
    expect(again.statusCode).toBe(409);
    expect(again.json().message).toBe(
      "An estimate of a change is not run again: estimate the change again where you make it.",
    );
  });

  test("a change needing no run says why: the only pair, or no technician linked yet", async () => {
    const { owner, helpdesk, tier2, url } = await tenantWithPairs();
    await api.prisma.groupMapping.delete({ where: { id: tier2.id } });
    const only = await api.call(owner.token, {
      method: "POST",
      url,
      payload: { proposal: { change: "remove", mappingId: helpdesk.id } },
    });
    expect(only.json()).toMatchObject({ estimate: "not_needed", run: null });
    expect(only.json().message).toContain("This is the only pair");
    await api.prisma.link.deleteMany({ where: { tenantId: owner.tenantId } });
    const filter = { attribute: "department", operator: "equals", value: "Support" };
    const unlinked = await api.call(owner.token, {
      method: "POST",
      url,
      payload: { proposal: { change: "update", mappingId: helpdesk.id, filter } },
    });
    expect(unlinked.json()).toEqual({
      estimate: "not_needed",
      message: "No technician is linked yet, so this change disables and moves nobody.",
      run: null,
    });
    expect(await api.prisma.syncRun.count({ where: { tenantId: owner.tenantId } })).toBe(0);
  });

  test("another tenant's pair answers 404; a viewer may not estimate; a malformed proposal is a 400", async () => {
    const { owner, url } = await tenantWithPairs();
    const other = await tenantWithPairs();
    const foreign = await api.call(owner.token, {
      method: "POST",
      url,
      payload: { proposal: { change: "remove", mappingId: other.helpdesk.id } },
    });
    expect(foreign.statusCode).toBe(404);
    expect(foreign.json().message).toBe("The pair was not found.");
    const viewer = await api.memberOf(owner.tenantId, "viewer");
    const denied = await api.call(viewer.token, {
      method: "POST",
      url,
      payload: { proposal: { change: "remove", mappingId: other.helpdesk.id } },
    });
    expect(denied.statusCode).toBe(403);
    const bad = await api.call(owner.token, { method: "POST", url, payload: { proposal: { change: "rename" } } });
    expect(bad.statusCode).toBe(400);
    expect(await api.prisma.syncRun.count({ where: { tenantId: owner.tenantId } })).toBe(0);
  });
});
