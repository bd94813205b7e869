// Incremental runs: the schedule's runs read only what Graph's delta says changed since the last round, through the
// real Entra client against the Graph emulator; a run that cannot trust its delta links is full, and says why.
import { enqueueRun, requestIncrementalRunSoon } from "@techsync/jobs";
import { createRun } from "@techsync/runs";
import {
  createSyncWorld,
  createTestTenant,
  requestRun,
  type SyncWorld,
  startTestWorker,
  type TestTenant,
  techniciansByEmail,
  waitForRun,
} from "../test/sync-world";
import type { SyncWorker } from "./sync-worker";

jest.setTimeout(60_000);

let world: SyncWorld;
let worker: SyncWorker;

beforeAll(async () => {
  world = await createSyncWorld("incremental");
  // A notification's job that finds the tenant's run under way asks again only after a minute here: what makes the
  // next run promptly is the run's end releasing it, which the tests below must see.
  worker = startTestWorker(world, { incrementalRetryMs: 60_000 });
});
afterAll(async () => {
  await worker?.close();
  await world?.close();
});
afterEach(() => world.graph.admin.setFaults({}));

/** What the interval schedule creates: an incremental run. */
async function requestIncrementalRun(tenantId: string): Promise<string> {
  const created = await createRun(world.db.prisma, {
    tenantId,
    trigger: "schedule",
    dryRun: false,
    mode: "incremental",
  });
  if (created.outcome !== "created") throw new Error(`no run: ${created.outcome}`);
  await enqueueRun(world.queue, { tenantId, runId: created.run.id });
  return created.run.id;
}

async function runRow(runId: string) {
  return world.db.prisma.syncRun.findUniqueOrThrow({ where: { id: runId } });
}

async function actionsOf(runId: string) {
  const actions = await world.db.prisma.syncAction.findMany({ where: { runId }, orderBy: { seq: "asc" } });
  return actions.map((action) => `${action.kind}:${action.status}:${action.email}`);
}

/**
 * A tenant whose mapped group holds a nested group, synced once in full (which takes the first delta links). Nadia
 * exists in the directory but in no group: adding her later changes a membership and nothing of her user object,
 * so only the group delta can tell.
 */
async function syncedTenant(seed: number, safetyThreshold?: { percent: number; minimum: number }) {
  const tenant = await createTestTenant(world, { users: 20, seed, ...(safetyThreshold ? { safetyThreshold } : {}) });
  const nested = tenant.directory.addGroup({ displayName: "Helpdesk nights" });
  tenant.directory.addMember(tenant.groupId, nested.id);
  const outsider = addUser(tenant, "Nadia");
  const first = await waitForRun(world, await requestRun(world, tenant.id));
  expect(first.status).toBe("succeeded");
  const states = await world.db.prisma.deltaState.findMany({ where: { tenantId: tenant.id } });
  expect(states.map((state) => state.scope).sort()).toEqual(["groups:0", "users"]);
  return { tenant, nestedGroupId: nested.id, outsider };
}

function addUser(tenant: TestTenant, name: string) {
  const domain = tenant.directory.domain;
  return tenant.directory.addUser({
    displayName: `${name} Example`,
    givenName: name,
    surname: "Example",
    mail: `${name.toLowerCase()}@${domain}`,
    userPrincipalName: `${name.toLowerCase()}@${domain}`,
  });
}

describe("incremental runs from Graph delta", () => {
  test("a user added to a nested group of a mapped group becomes a technician, in a handful of Graph calls", async () => {
    const { tenant, nestedGroupId, outsider: newcomer } = await syncedTenant(21);
    tenant.directory.addMember(nestedGroupId, newcomer.id);
    const graphBefore = world.graph.admin.stats.graphRequests;

    const runId = await requestIncrementalRun(tenant.id);
    const run = await waitForRun(world, runId);
    expect(run.status).toBe("succeeded");
    const row = await runRow(runId);
    expect(row.mode).toBe("incremental");
    expect(row.modeReason).toBe("incremental: 1 changed user");
    expect(techniciansByEmail(tenant).has(String(newcomer.mail))).toBe(true);
    // Only the newcomer: no other of the 20 linked technicians is touched.
    expect(await actionsOf(runId)).toEqual([`create:succeeded:${newcomer.mail}`]);
    // Group delta, user delta, one $batch (the user's memberships): not the group's member list.
    const graphCalls = world.graph.admin.stats.graphRequests - graphBefore;
    expect(graphCalls).toBeLessThanOrEqual(6);
    // The run's report counts them too (the delta reads included).
    expect((run.report as { calls: { entra: number } }).calls.entra).toBeLessThanOrEqual(6);

    // The links moved on: the next round has nothing to do.
    const again = await requestIncrementalRun(tenant.id);
    expect((await waitForRun(world, again)).status).toBe("succeeded");
    expect((await runRow(again)).modeReason).toBe("incremental: 0 changed users");
    expect(await actionsOf(again)).toEqual([]);
  });

  test("a notification's job makes the incremental run: a user added to a nested group becomes a technician", async () => {
    const { tenant, nestedGroupId, outsider: newcomer } = await syncedTenant(23);
    tenant.directory.addMember(nestedGroupId, newcomer.id);
    // What the API's notification endpoint enqueues (its debounce shortened); the worker's job creates the run.
    await requestIncrementalRunSoon(world.queue, { tenantId: tenant.id, trigger: "notification" }, 0);
    const deadline = Date.now() + 30_000;
    let created = await world.db.prisma.syncRun.findFirst({ where: { tenantId: tenant.id, trigger: "notification" } });
    while (!created && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      created = await world.db.prisma.syncRun.findFirst({ where: { tenantId: tenant.id, trigger: "notification" } });
    }
    if (!created) throw new Error("the notification's job created no run");
    const run = await waitForRun(world, created.id);
    expect(run.status).toBe("succeeded");
    expect(await runRow(created.id)).toMatchObject({ mode: "incremental", modeReason: "incremental: 1 changed user" });
    expect(await actionsOf(created.id)).toEqual([`create:succeeded:${newcomer.mail}`]);
    expect(techniciansByEmail(tenant).get(String(newcomer.mail).toLowerCase())).toBe(1);
  });

  test("ten changed users: at most 6 Graph calls and writes for those ten only", async () => {
    const { tenant, nestedGroupId } = await syncedTenant(26);
    const names = ["Ada", "Ben", "Cem", "Dia", "Eli", "Fay", "Gus", "Hal", "Ida", "Jon"];
    const added = names.map((name) => addUser(tenant, name));
    for (const [i, user] of added.entries()) {
      tenant.directory.addMember(i % 2 ? nestedGroupId : tenant.groupId, user.id);
    }
    const batchesBefore = world.graph.admin.stats.batchRequests;
    const nodesBefore = tenant.rescue.organisation.snapshot().nodes.length;

    const runId = await requestIncrementalRun(tenant.id);
    const run = await waitForRun(world, runId);
    expect(run.status).toBe("succeeded");
    expect((await runRow(runId)).mode).toBe("incremental");
    expect((await actionsOf(runId)).sort()).toEqual(added.map((user) => `create:succeeded:${user.mail}`).sort());
    // Round trips to Graph (a $batch is one, whatever it carries): group delta, user delta, one $batch.
    expect((run.report as { calls: { entra: number } }).calls.entra).toBeLessThanOrEqual(6);
    expect(world.graph.admin.stats.batchRequests - batchesBefore).toBe(1);
    expect(tenant.rescue.organisation.snapshot().nodes.length).toBe(nodesBefore + 10);
  });

  test("a user removed from the group and a user disabled in Entra are disabled by an incremental run", async () => {
    const { tenant } = await syncedTenant(22);
    const [leaver, disabled] = tenant.userIds.map((id) => tenant.directory.users.get(id)).filter((u) => u?.mail);
    if (!leaver || !disabled) throw new Error("generated users without mail");
    tenant.directory.removeMember(tenant.groupId, leaver.id);
    tenant.directory.updateUser(disabled.id, { accountEnabled: false });

    const runId = await requestIncrementalRun(tenant.id);
    expect((await waitForRun(world, runId)).status).toBe("succeeded");
    expect((await runRow(runId)).mode).toBe("incremental");
    expect((await actionsOf(runId)).sort()).toEqual(
      [`disable:succeeded:${leaver.mail}`, `disable:succeeded:${disabled.mail}`].sort(),
    );
    const nodes = tenant.rescue.organisation.snapshot().nodes;
    const statusOf = (email: string | null) =>
      nodes.find((node) => node.type === "Technician" && node.email.toLowerCase() === email?.toLowerCase())?.enabled;
    expect(statusOf(leaver.mail)).toBe(false);
    expect(statusOf(disabled.mail)).toBe(false);
  });

  test("rule 11: an incremental plan over the safety threshold stops blocked and leaves the delta links as they were", async () => {
    const { tenant } = await syncedTenant(27, { percent: 0, minimum: 1 });
    const before = await world.db.prisma.deltaState.findMany({
      where: { tenantId: tenant.id },
      orderBy: { scope: "asc" },
    });
    for (const id of tenant.userIds.slice(0, 2)) tenant.directory.removeMember(tenant.groupId, id);

    const runId = await requestIncrementalRun(tenant.id);
    expect((await waitForRun(world, runId)).status).toBe("blocked");
    expect((await runRow(runId)).mode).toBe("incremental");
    expect(await actionsOf(runId)).toHaveLength(2);
    expect(tenant.rescue.organisation.technicians().every((node) => node.enabled)).toBe(true);
    const after = await world.db.prisma.deltaState.findMany({
      where: { tenantId: tenant.id },
      orderBy: { scope: "asc" },
    });
    expect(after.map((state) => state.deltaLink)).toEqual(before.map((state) => state.deltaLink));
  });

  test("an expired delta link (410 Gone) turns the run full; it succeeds and stores fresh links", async () => {
    const { tenant } = await syncedTenant(23);
    const before = await world.db.prisma.deltaState.findMany({ where: { tenantId: tenant.id } });
    const newcomer = addUser(tenant, "Omar");
    tenant.directory.addMember(tenant.groupId, newcomer.id);
    await new Promise((resolve) => setTimeout(resolve, 5));
    world.graph.admin.setFaults({ deltaTokenTtlMs: 1, deltaExpiry: "gone" });

    const runId = await requestIncrementalRun(tenant.id);
    expect((await waitForRun(world, runId)).status).toBe("succeeded");
    const row = await runRow(runId);
    expect(row.mode).toBe("full");
    expect(row.modeReason).toBe("full: delta link expired");
    expect(techniciansByEmail(tenant).has(String(newcomer.mail))).toBe(true);
    const after = await world.db.prisma.deltaState.findMany({ where: { tenantId: tenant.id } });
    expect(after).toHaveLength(before.length);
    const links = new Set(before.map((state) => state.deltaLink));
    expect(after.every((state) => !links.has(state.deltaLink))).toBe(true);

    world.graph.admin.setFaults({});
    const next = await requestIncrementalRun(tenant.id);
    expect((await waitForRun(world, next)).status).toBe("succeeded");
    expect((await runRow(next)).mode).toBe("incremental");
  });

  test("a mapping change, or a full reconcile due, makes the next run full", async () => {
    const { tenant } = await syncedTenant(24);
    await world.db.prisma.groupMapping.updateMany({ where: { tenantId: tenant.id }, data: { priority: 5 } });
    const changed = await requestIncrementalRun(tenant.id);
    expect((await waitForRun(world, changed)).status).toBe("succeeded");
    expect(await runRow(changed)).toMatchObject({
      mode: "full",
      modeReason: "full: the configuration changed since the delta links were taken",
    });

    const incremental = await requestIncrementalRun(tenant.id);
    expect((await waitForRun(world, incremental)).status).toBe("succeeded");
    expect((await runRow(incremental)).mode).toBe("incremental");

    // The last full run was longer ago than the tenant's full-reconcile interval.
    await world.db.prisma.syncRun.updateMany({
      where: { tenantId: tenant.id, mode: "full" },
      data: { finishedAt: new Date(Date.now() - 25 * 3600_000) },
    });
    const due = await requestIncrementalRun(tenant.id);
    expect((await waitForRun(world, due)).status).toBe("succeeded");
    expect(await runRow(due)).toMatchObject({ mode: "full", modeReason: "full: the periodic full reconcile is due" });
  });

  test("rule 12: a replayed incremental round (the links were not stored) creates no duplicate", async () => {
    const { tenant, nestedGroupId, outsider } = await syncedTenant(25);
    const saved = await world.db.prisma.deltaState.findMany({ where: { tenantId: tenant.id } });
    tenant.directory.addMember(nestedGroupId, outsider.id);

    const first = await requestIncrementalRun(tenant.id);
    expect((await waitForRun(world, first)).status).toBe("succeeded");
    const technicians = tenant.rescue.organisation.snapshot().nodes.filter((node) => node.type === "Technician");

    // As if the worker had crashed after applying, before storing the new links: the same round is read again.
    for (const state of saved) {
      await world.db.prisma.deltaState.update({ where: { id: state.id }, data: { deltaLink: state.deltaLink } });
    }
    const replay = await requestIncrementalRun(tenant.id);
    expect((await waitForRun(world, replay)).status).toBe("succeeded");
    expect(await runRow(replay)).toMatchObject({ mode: "incremental", modeReason: "incremental: 1 changed user" });
    expect(await actionsOf(replay)).toEqual([]);
    const after = tenant.rescue.organisation.snapshot().nodes.filter((node) => node.type === "Technician");
    expect(after).toHaveLength(technicians.length);
  });
  /** Waits for the tenant's next run created by the incremental-run job (a notification's or a poll's). */
  async function runOfJob(tenantId: string, trigger: "notification" | "schedule", after: Date) {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const created = await world.db.prisma.syncRun.findFirst({
        where: { tenantId, trigger, queuedAt: { gt: after } },
        orderBy: { queuedAt: "desc" },
      });
      if (created) return waitForRun(world, created.id);
      if (Date.now() > deadline) throw new Error(`the ${trigger} job created no run`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  test("a lost notification is caught by the poll: the change it announced is applied by the poll's run", async () => {
    const { tenant, nestedGroupId, outsider: newcomer } = await syncedTenant(27);
    // Graph drops the notification (nothing reaches the API); the polling fallback's job fires as it does every
    // 2 minutes (the scheduler's own job, run now).
    tenant.directory.addMember(nestedGroupId, newcomer.id);
    const before = new Date();
    await requestIncrementalRunSoon(world.queue, { tenantId: tenant.id, trigger: "poll" }, 0);
    const run = await runOfJob(tenant.id, "schedule", before);
    expect(run.status).toBe("succeeded");
    expect(await runRow(run.id)).toMatchObject({ mode: "incremental", modeReason: "incremental: 1 changed user" });
    expect(techniciansByEmail(tenant).get(String(newcomer.mail).toLowerCase())).toBe(1);
  });

  test("a narrowed incremental run (a few users' links, part of the tree) decides as a full preview of the same state does", async () => {
    const { tenant } = await syncedTenant(33);
    const [adopteeId, renamedId, leaverId, holderId] = tenant.userIds;
    const holder = holderId ? tenant.directory.users.get(holderId) : undefined;
    if (!adopteeId || !renamedId || !leaverId || !holder) throw new Error("the tenant has too few users");
    // Adoptee: its link is gone (its technician is still there, unlinked), and it changed in Entra: adopt (rule 3).
    await world.db.prisma.link.deleteMany({ where: { tenantId: tenant.id, entraUserId: adopteeId } });
    tenant.directory.updateUser(adopteeId, { displayName: "Adoptee Again" });
    // Renamed: update (rule 4). Leaver: disable (rule 6).
    tenant.directory.updateUser(renamedId, { displayName: "Renamed Person" });
    tenant.directory.removeMember(tenant.groupId, leaverId);
    // A newcomer whose email a technician linked to an unchanged user holds: never a duplicate, never a takeover.
    const twin = tenant.directory.addUser({
      displayName: "Twin Example",
      mail: holder.mail,
      userPrincipalName: `twin@${tenant.directory.domain}`,
    });
    tenant.directory.addMember(tenant.groupId, twin.id);

    const decisions = async (runId: string) =>
      (await world.db.prisma.syncAction.findMany({ where: { runId } })).map((a) => `${a.kind}:${a.entraUserId}`).sort();
    const preview = await waitForRun(world, await requestRun(world, tenant.id, true));
    expect(preview.mode).toBe("full");
    const runId = await requestIncrementalRun(tenant.id);
    const run = await waitForRun(world, runId);
    expect(run.status).toBe("succeeded");
    expect(await runRow(runId)).toMatchObject({ mode: "incremental", modeReason: "incremental: 4 changed users" });
    // It read the tree once and only a part of it, yet decided the same, for the same users.
    const rescueCalls = (run.report as { calls: { rescueByMethod: Record<string, number> } }).calls.rescueByMethod;
    expect(rescueCalls.getHierarchy_v2).toBe(1);
    expect(await decisions(runId)).toEqual(await decisions(preview.id));
    expect(await decisions(runId)).toEqual(
      [`adopt:${adopteeId}`, `update:${adopteeId}`, `update:${renamedId}`, `disable:${leaverId}`].sort(),
    );
    expect(techniciansByEmail(tenant).get(String(holder.mail).toLowerCase())).toBe(1);
  });

  test("a change notified while a run is under way, after it read Graph, is applied by the next run as soon as it ends", async () => {
    const { tenant, nestedGroupId, outsider: newcomer } = await syncedTenant(31);
    // The run under way: slow Rescue calls keep it going after it read Graph's delta (which had nothing new).
    tenant.rescue.faults.set({ latencyMs: 700 });
    const underWay = await requestIncrementalRun(tenant.id);
    for (;;) {
      const row = await runRow(underWay);
      if (row.modeReason !== null) break;
      if (row.finishedAt) throw new Error("the run ended before the test could change anything");
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    // Now the change and its notification: that run cannot see it.
    tenant.directory.addMember(nestedGroupId, newcomer.id);
    const notified = new Date();
    await requestIncrementalRunSoon(world.queue, { tenantId: tenant.id, trigger: "notification" }, 0);
    const first = await waitForRun(world, underWay);
    tenant.rescue.faults.set({});
    expect(first.finishedAt?.getTime()).toBeGreaterThan(notified.getTime());
    expect(await actionsOf(underWay)).toEqual([]);
    // The notification's job waited for it, and went as it ended (not after its minute's retry).
    const next = await runOfJob(tenant.id, "notification", notified);
    expect(next.status).toBe("succeeded");
    expect((next.queuedAt.getTime() - (first.finishedAt?.getTime() ?? 0)) / 1000).toBeLessThan(5);
    expect(await actionsOf(next.id)).toEqual([`create:succeeded:${newcomer.mail}`]);
    expect(techniciansByEmail(tenant).get(String(newcomer.mail).toLowerCase())).toBe(1);
  });

  test("duplicate and out-of-order notifications make no duplicate and no wrong state: delta, not the message, decides", async () => {
    const { tenant, nestedGroupId, outsider: nadia } = await syncedTenant(29);
    const leaverId = tenant.userIds[0];
    const leaver = leaverId ? tenant.directory.users.get(leaverId) : undefined;
    if (!leaverId || !leaver) throw new Error("the tenant has no user");
    // Nadia joins, leaves and joins again; a member leaves. Their notifications arrive twice each and in any order:
    // they only ask for a run, which the debounce gathers into one.
    tenant.directory.addMember(nestedGroupId, nadia.id);
    tenant.directory.removeMember(nestedGroupId, nadia.id);
    tenant.directory.removeMember(tenant.groupId, leaverId);
    tenant.directory.addMember(nestedGroupId, nadia.id);
    const before = new Date();
    const answers = [];
    for (let i = 0; i < 8; i += 1) {
      answers.push(await requestIncrementalRunSoon(world.queue, { tenantId: tenant.id, trigger: "notification" }, 300));
    }
    expect(answers.filter((answer) => answer === "added")).toHaveLength(1);
    const run = await runOfJob(tenant.id, "notification", before);
    expect(run.status).toBe("succeeded");
    expect(await world.db.prisma.syncRun.count({ where: { tenantId: tenant.id, trigger: "notification" } })).toBe(1);
    // The end state is Entra's: Nadia a technician once, the leaver disabled.
    expect(techniciansByEmail(tenant).get(String(nadia.mail).toLowerCase())).toBe(1);
    expect((await actionsOf(run.id)).sort()).toEqual(
      [`create:succeeded:${nadia.mail}`, `disable:succeeded:${leaver.mail}`].sort(),
    );

    // A late duplicate of the same notifications: a run that finds nothing left to do.
    const late = new Date();
    await requestIncrementalRunSoon(world.queue, { tenantId: tenant.id, trigger: "notification" }, 0);
    const again = await runOfJob(tenant.id, "notification", late);
    expect(again.status).toBe("succeeded");
    expect(await actionsOf(again.id)).toEqual([]);
    expect(techniciansByEmail(tenant).get(String(nadia.mail).toLowerCase())).toBe(1);
  });
});
