// rule 15 in the worker: a run whose Rescue organisation another tenant holds, or whose token now opens another
// organisation than the one recorded, fails before it reads the tree or writes anything. The finding it guards:
// two tenants on one organisation, one re-enabling the technicians the other had just disabled.
import {
  connectToRescueOf,
  createSyncWorld,
  createTestTenant,
  requestRun,
  type SyncWorld,
  startTestWorker,
  type TestTenant,
  waitForRun,
} from "../test/sync-world";
import type { SyncWorker } from "./sync-worker";

jest.setTimeout(30_000);

let world: SyncWorld;
let worker: SyncWorker;

beforeAll(async () => {
  world = await createSyncWorld("owner");
  worker = startTestWorker(world, { concurrency: 2 });
});
afterAll(async () => {
  await worker?.close();
  await world?.close();
});

/** Everything an API call could have changed in the emulated organisation, sessions aside. */
const organisationState = (tenant: TestTenant) => JSON.stringify(tenant.rescue.organisation.snapshot().nodes);

async function ownedBy(tenantId: string, email: string) {
  const user = await world.db.prisma.portalUser.create({ data: { email } });
  await world.db.prisma.membership.create({ data: { tenantId, portalUserId: user.id, role: "owner" } });
}

describe("rule 15: a run never writes to an organisation its tenant does not own", () => {
  test("rule 15: two tenants on one organisation can no longer both run: the second fails before any write", async () => {
    const first = await createTestTenant(world, { users: 6 });
    const second = await createTestTenant(world, { users: 6, seed: 99 });
    await ownedBy(first.id, `owner-${first.id.slice(0, 8)}@contoso.example`);
    // The second tenant's connection opens the first tenant's organisation; Rescue was down when it was saved, so
    // nothing recorded whose organisation that is.
    await connectToRescueOf(world, second.id, first.id);

    const firstRun = await waitForRun(world, await requestRun(world, first.id));
    expect(firstRun.status).toBe("succeeded");
    const recorded = await world.db.prisma.rescueConnection.findUniqueOrThrow({ where: { tenantId: first.id } });
    expect(recorded.rescueAccountId).toBe(first.rescue.organisation.snapshot().account.id);
    const before = organisationState(first);

    for (const dryRun of [false, true]) {
      const run = await waitForRun(world, await requestRun(world, second.id, dryRun));
      expect(run.status).toBe("failed");
      expect(run.error).toMatch(/already connected to another TechSync tenant/);
      expect(run.error).toContain(`owner-${first.id.slice(0, 8)}@contoso.example`);
      expect(await world.db.prisma.syncAction.count({ where: { runId: run.id } })).toBe(0);
    }
    // Not one call changed the first tenant's organisation, and the second tenant is told why it cannot sync.
    expect(organisationState(first)).toBe(before);
    const blocked = await world.db.prisma.tenant.findUniqueOrThrow({ where: { id: second.id } });
    expect(blocked.attentionReason).toMatch(/one tenant only/);
    const unrecorded = await world.db.prisma.rescueConnection.findUniqueOrThrow({ where: { tenantId: second.id } });
    expect(unrecorded.rescueAccountId).toBeNull();
    // The first tenant keeps syncing its own organisation.
    expect((await waitForRun(world, await requestRun(world, first.id))).status).toBe("succeeded");
    await Promise.all([first.rescue.close(), second.rescue.close()]);
  });

  test("rule 15: a token that now opens another organisation than the one recorded fails the run before any write", async () => {
    const tenant = await createTestTenant(world, { users: 4 });
    const account = tenant.rescue.organisation.snapshot().account;
    await world.db.prisma.rescueConnection.update({
      where: { tenantId: tenant.id },
      data: { rescueAccountId: account.id + 1, rescueOrganization: "Contoso Old" },
    });
    const before = organisationState(tenant);
    const run = await waitForRun(world, await requestRun(world, tenant.id));
    expect(run.status).toBe("failed");
    expect(run.error).toContain(
      `now belongs to the Rescue organisation “${account.organization}” (account ${account.id})`,
    );
    expect(run.error).toContain("not the Rescue organisation “Contoso Old”");
    expect(organisationState(tenant)).toBe(before);
    expect(await world.db.prisma.syncAction.count({ where: { runId: run.id } })).toBe(0);
    await tenant.rescue.close();
  });
});
