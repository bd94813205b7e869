// A blocked run reviewed through the API as the portal does it (the real API process, its approve, dismiss and
// estimate routes), then run by the real worker against the emulators: exactly what was approved is applied.
import { randomUUID } from "node:crypto";
import { type ApiProcess, startApiProcess } from "../chaos/harness/api-process";
import {
  createSyncWorld,
  createTestTenant,
  requestRun,
  type SyncWorld,
  startTestWorker,
  type TestTenant,
  waitForRun,
} from "../test/sync-world";
import type { SyncWorker } from "./sync-worker";
import { blockedRunAttention } from "./tenant-health";

jest.setTimeout(90_000);

let world: SyncWorld;
let worker: SyncWorker;
let api: ApiProcess;

beforeAll(async () => {
  world = await createSyncWorld("review");
  worker = startTestWorker(world);
  api = await startApiProcess({
    databaseUrl: world.db.url,
    redisUrl: world.redisUrl,
    redisPrefix: world.prefix,
    masterKeys: world.masterKeys,
    rescueEmulatorUrl: world.rescueRouter.url,
    graphEmulatorUrl: world.graph.url,
    graphEmulatorCaPath: world.graph.caPath,
  });
});
afterAll(async () => {
  await api?.stop();
  await worker?.close();
  await world?.close();
});

/** An owner of the tenant, as a portal user the API process accepts. */
async function ownerOf(tenantId: string): Promise<string> {
  const user = await world.db.prisma.portalUser.create({
    data: { email: `owner-${randomUUID()}@review.example`, name: "Dana Holder" },
  });
  await world.db.prisma.membership.create({ data: { tenantId, portalUserId: user.id, role: "owner" } });
  return user.id;
}

/** A synced tenant of 12 whose next run blocks: `leaving` users left the group, over max(2, 10 % of 12). */
async function blockedTenant(leavingCount: number) {
  const tenant = await createTestTenant(world, { users: 12, safetyThreshold: { percent: 10, minimum: 2 } });
  const ownerId = await ownerOf(tenant.id);
  expect((await waitForRun(world, await requestRun(world, tenant.id))).status).toBe("succeeded");
  const leaving = tenant.userIds.slice(0, leavingCount);
  for (const id of leaving) tenant.directory.removeMember(tenant.groupId, id);
  const runId = await requestRun(world, tenant.id);
  expect((await waitForRun(world, runId)).status).toBe("blocked");
  return { tenant, ownerId, leaving, runId };
}

/** Entra user id → whether their technician is enabled in the tenant's Rescue emulator. */
async function enabledByUser(tenant: TestTenant): Promise<Record<string, boolean>> {
  const links = await world.db.prisma.link.findMany({ where: { tenantId: tenant.id } });
  const nodes = new Map(tenant.rescue.organisation.technicians().map((node) => [node.id, node.enabled]));
  return Object.fromEntries(links.map((link) => [link.entraUserId, nodes.get(link.rescueNodeId) ?? false]));
}

const attentionOf = async (tenantId: string) =>
  (await world.db.prisma.tenant.findUniqueOrThrow({ where: { id: tenantId } })).attentionReason;

test("rule 11: approving a subset through the API disables exactly the chosen technicians; the others stay enabled", async () => {
  const { tenant, ownerId, leaving, runId } = await blockedTenant(5);
  expect(await attentionOf(tenant.id)).toBe(blockedRunAttention);
  const chosen = [leaving[1], leaving[3]] as string[];
  const res = await api.request("POST", `/v1/tenants/${tenant.id}/runs/${runId}/approve`, {
    userId: ownerId,
    body: { actionIds: chosen.map((id) => `disable:${id}`) },
  });
  expect(res.status).toBe(202);
  const approved = await waitForRun(world, runId);
  expect(approved.status).toBe("succeeded");

  const enabled = await enabledByUser(tenant);
  expect(leaving.filter((id) => !enabled[id])).toEqual(chosen);
  expect(tenant.userIds.filter((id) => !enabled[id])).toEqual(chosen);
  // What a person (or the portal) reads from the API afterwards, kept in the test output for the record.
  const answer = await api.request("GET", `/v1/tenants/${tenant.id}/runs/${runId}/actions?kind=disable`, {
    userId: ownerId,
  });
  const rows = (answer.body as { actions: { displayName: string; status: string; error: string | null }[] }).actions;
  console.log(
    `the API's answer for the run's disables after approving 2 of 5:\n${rows
      .map((a) => `${a.displayName}: ${a.status}${a.error ? ` (${a.error})` : ""}`)
      .join("\n")}`,
  );
  // The actions left out read "not applied", with who left them out.
  const actions = await world.db.prisma.syncAction.findMany({ where: { runId, kind: "disable" } });
  const byUser = Object.fromEntries(actions.map((a) => [a.entraUserId, `${a.status} ${a.error ?? ""}`.trim()]));
  for (const id of leaving) {
    expect(byUser[id]).toBe(chosen.includes(id) ? "succeeded" : "skipped Not approved by Dana Holder.");
  }
  await tenant.rescue.close();
});

test("rule 11: dismissing keeps the tenant's warning through a preview, until a real run is not blocked", async () => {
  const { tenant, ownerId, leaving, runId } = await blockedTenant(4);
  const res = await api.request("POST", `/v1/tenants/${tenant.id}/runs/${runId}/dismiss`, {
    userId: ownerId,
    body: {},
  });
  expect(res.status).toBe(200);
  expect(await attentionOf(tenant.id)).toBe(blockedRunAttention);
  expect(Object.values(await enabledByUser(tenant)).every(Boolean)).toBe(true);
  // A preview applies nothing: the cause is still there.
  expect((await waitForRun(world, await requestRun(world, tenant.id, true))).status).toBe("succeeded");
  expect(await attentionOf(tenant.id)).toBe(blockedRunAttention);
  // The people come back: the next real run is not blocked and lifts the warning.
  for (const id of leaving) tenant.directory.addMember(tenant.groupId, id);
  expect((await waitForRun(world, await requestRun(world, tenant.id))).status).toBe("succeeded");
  expect(await attentionOf(tenant.id)).toBeNull();
  await tenant.rescue.close();
});

test("removing a pair, estimated through the API, plans the disables of its users and never changes the saved pairs", async () => {
  const tenant = await createTestTenant(world, { users: 10, groups: 2 });
  const ownerId = await ownerOf(tenant.id);
  expect((await waitForRun(world, await requestRun(world, tenant.id))).status).toBe("succeeded");
  const pairs = await world.db.prisma.groupMapping.findMany({
    where: { tenantId: tenant.id },
    orderBy: { priority: "asc" },
  });
  const [removed, kept] = pairs;
  if (!removed || !kept) throw new Error("two pairs expected");
  // One of the removed pair's users is in the kept pair's group too (joined after being synced).
  const [joiner] = tenant.directory
    .transitiveMembers(removed.entraGroupId)
    .users.filter((id) => !tenant.directory.transitiveMembers(kept.entraGroupId).users.includes(id));
  if (!joiner) throw new Error("the removed pair needs a user of its own");
  tenant.directory.addMember(kept.entraGroupId, joiner);
  const only = new Set(tenant.directory.transitiveMembers(removed.entraGroupId).users);
  for (const id of tenant.directory.transitiveMembers(kept.entraGroupId).users) only.delete(id);
  expect(only.size).toBeGreaterThan(0);

  const res = await api.request("POST", `/v1/tenants/${tenant.id}/mappings/impact`, {
    userId: ownerId,
    body: { proposal: { change: "remove", mappingId: removed.id } },
  });
  expect(res.status).toBe(202);
  const { run } = res.body as { run: { id: string } };
  const estimate = await waitForRun(world, run.id);
  expect(estimate).toMatchObject({ status: "succeeded", dryRun: true });
  const disables = await world.db.prisma.syncAction.findMany({ where: { runId: run.id, kind: "disable" } });
  expect(new Set(disables.map((a) => a.entraUserId))).toEqual(only);
  expect(disables.every((a) => a.status === "planned")).toBe(true);
  // Users of the removed pair who are in the kept one too move to it (their technician stays where it is, rule 7).
  const both = tenant.directory
    .transitiveMembers(removed.entraGroupId)
    .users.filter((id) => tenant.directory.transitiveMembers(kept.entraGroupId).users.includes(id));
  expect(both.length).toBeGreaterThan(0);
  const report = estimate.report as { scopeChanges: { entraUserId: string; toMappingId: string | null }[] };
  expect(
    report.scopeChanges
      .filter((c) => c.toMappingId === kept.id)
      .map((c) => c.entraUserId)
      .sort(),
  ).toEqual([...both].sort());
  expect(
    report.scopeChanges
      .filter((c) => c.toMappingId === null)
      .map((c) => c.entraUserId)
      .sort(),
  ).toEqual([...only].sort());
  // The tenant's health is not the estimate's business.
  expect(await attentionOf(tenant.id)).toBeNull();

  // Nothing was applied or saved: the pairs are as they were, and a real run plans nothing.
  expect(Object.values(await enabledByUser(tenant)).every(Boolean)).toBe(true);
  expect(
    await world.db.prisma.groupMapping.findMany({ where: { tenantId: tenant.id }, orderBy: { priority: "asc" } }),
  ).toEqual(pairs);
  const next = await waitForRun(world, await requestRun(world, tenant.id));
  expect(next.status).toBe("succeeded");
  expect(await world.db.prisma.syncAction.count({ where: { runId: next.id } })).toBe(0);
  await tenant.rescue.close();
});

test("a filter change estimated through the API plans the disables of who no longer passes it, and saves nothing", async () => {
  const tenant = await createTestTenant(world, { users: 8 });
  const ownerId = await ownerOf(tenant.id);
  expect((await waitForRun(world, await requestRun(world, tenant.id))).status).toBe("succeeded");
  const [pair] = await world.db.prisma.groupMapping.findMany({ where: { tenantId: tenant.id } });
  if (!pair) throw new Error("one pair expected");
  // A filter nobody passes: everyone in the pair would be disabled.
  const filter = { attribute: "department", operator: "equals", value: "No Such Department" };
  const res = await api.request("POST", `/v1/tenants/${tenant.id}/mappings/impact`, {
    userId: ownerId,
    body: { proposal: { change: "update", mappingId: pair.id, filter } },
  });
  expect(res.status).toBe(202);
  const estimate = await waitForRun(world, (res.body as { run: { id: string } }).run.id);
  expect(estimate.status).toBe("succeeded");
  expect(await world.db.prisma.syncAction.count({ where: { runId: estimate.id, kind: "disable" } })).toBe(8);
  const saved = await world.db.prisma.groupMapping.findUniqueOrThrow({ where: { id: pair.id } });
  expect(saved.filterAttribute).toBeNull();
  expect(Object.values(await enabledByUser(tenant)).every(Boolean)).toBe(true);
  await tenant.rescue.close();
});
