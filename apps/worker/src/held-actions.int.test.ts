// Runs against the emulators for two rules about what a run must NOT write: an action Rescue refused with a code
// nobody documented is not tried again until its input changes, and an SSO id Rescue holds is not overwritten
// unless the tenant chose Entra as the source of SSO ids (rule 16).
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

jest.setTimeout(60_000);

let world: SyncWorld;
let worker: SyncWorker;

beforeAll(async () => {
  world = await createSyncWorld("held");
  worker = startTestWorker(world);
});
afterAll(async () => {
  await worker?.close();
  await world?.close();
});

const run = async (tenant: TestTenant) => waitForRun(world, await requestRun(world, tenant.id));

async function technicianOf(tenant: TestTenant, entraUserId: string) {
  const link = await world.db.prisma.link.findFirstOrThrow({ where: { tenantId: tenant.id, entraUserId } });
  return tenant.rescue.organisation.nodes.get(link.rescueNodeId)!;
}

test("an unknown return code fails the action once, holds it (a warning naming the code) while its input is unchanged, and lets it go when the input changes", async () => {
  const tenant = await createTestTenant(world, { users: 3 });
  expect((await run(tenant)).status).toBe("succeeded");
  const userId = tenant.userIds[0]!;
  const technician = await technicianOf(tenant, userId);

  tenant.directory.updateUser(userId, { displayName: "Renamed Once" });
  tenant.rescue.faults.set({ script: [{ method: "setUser_v2", kind: "refuse", code: "ACCOUNT_POLICY_LOCKED" }] });
  const refused = await run(tenant);
  expect(refused.status).toBe("partial");
  const failed = await world.db.prisma.syncAction.findFirstOrThrow({ where: { runId: refused.id, kind: "update" } });
  expect(failed).toMatchObject({ status: "failed", errorCode: "ACCOUNT_POLICY_LOCKED" });
  expect(failed.error).toMatch(/ACCOUNT_POLICY_LOCKED.*sync log/s);
  expect(await world.db.prisma.heldAction.findMany({ where: { tenantId: tenant.id } })).toMatchObject([
    { actionId: `update:${userId}`, code: "ACCOUNT_POLICY_LOCKED", runId: refused.id },
  ]);
  expect(technician.name).not.toBe("Renamed Once");

  // Same input: held, not tried (Rescue would accept it now: the scripted refusal is used up).
  const held = await run(tenant);
  expect(held.status).toBe("succeeded");
  expect(await world.db.prisma.syncAction.count({ where: { runId: held.id } })).toBe(0);
  expect(technician.name).not.toBe("Renamed Once");
  const warnings = (held.report as { warnings: { code: string; refusalCode?: string; message: string }[] }).warnings;
  expect(warnings).toEqual([
    expect.objectContaining({ code: "action-held", refusalCode: "ACCOUNT_POLICY_LOCKED", entraUserId: userId }),
  ]);
  const log = await world.db.prisma.logEntry.findMany({ where: { runId: held.id } });
  expect(log.some((entry) => entry.level === "warn" && entry.message.includes("ACCOUNT_POLICY_LOCKED"))).toBe(true);

  // The input changed: tried again, and it lands; the hold is gone.
  tenant.directory.updateUser(userId, { displayName: "Renamed Twice" });
  const retried = await run(tenant);
  expect(retried.status).toBe("succeeded");
  expect(technician.name).toBe("Renamed Twice");
  expect(await world.db.prisma.heldAction.count({ where: { tenantId: tenant.id } })).toBe(0);
  await tenant.rescue.close();
});

test("rule 16: adopting keeps the technician's SSO id; only a tenant that chose Entra as the source overwrites it", async () => {
  const tenant = await createTestTenant(world, { users: 2 });
  const userId = tenant.userIds[0]!;
  const user = tenant.directory.liveUser(userId)!;
  const email = user.mail ?? user.userPrincipalName;
  // A technician an administrator made by hand, with the SSO id the customer's identity provider sends.
  const org = tenant.rescue.organisation;
  const mah = org.nodes.get(org.masterAccountHolderId)!;
  const created = org.createUser({ parent: String(tenant.otherRescueGroupId) }) as { id: number };
  expect(
    org.setUser(
      mah,
      {
        node: String(created.id),
        name: String(user.displayName),
        email,
        ssoid: "legacy-idp-subject-42",
        description: "Hand-made. STATUS: Online",
        status: "Enabled",
        mobileaddon: "False",
        rpataddon: "False",
      },
      true,
    ),
  ).toEqual({ code: "OK" });
  const technician = org.nodes.get(created.id)!;

  const first = await run(tenant);
  expect(first.status).toBe("succeeded");
  expect(technician).toMatchObject({ ssoId: "legacy-idp-subject-42", description: "Hand-made. STATUS: Online" });
  const link = await world.db.prisma.link.findFirstOrThrow({ where: { tenantId: tenant.id, entraUserId: userId } });
  expect(link).toMatchObject({ rescueNodeId: created.id, ssoId: "legacy-idp-subject-42" });
  // The other user's new technician had no SSO id: filled from Entra.
  const other = await technicianOf(tenant, tenant.userIds[1]!);
  expect(other.ssoId).toBe(tenant.directory.liveUser(tenant.userIds[1]!)!.userPrincipalName);

  const again = await run(tenant);
  expect(await world.db.prisma.syncAction.count({ where: { runId: again.id } })).toBe(0);

  await world.db.prisma.tenant.update({ where: { id: tenant.id }, data: { ssoIdSource: "entra" } });
  const overwrite = await run(tenant);
  expect(overwrite.status).toBe("succeeded");
  expect(technician.ssoId).toBe(user.userPrincipalName);
  expect(technician.description).toBe("Hand-made. STATUS: Online");
  await tenant.rescue.close();
});
