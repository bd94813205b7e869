// A mapped group as real tenants have them: member users, guests (some without mail), an organisational contact,
// devices and a service principal. Only users get technicians; the run says who was skipped and why.
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

jest.setTimeout(30_000);

let world: SyncWorld;
let worker: SyncWorker;

beforeAll(async () => {
  world = await createSyncWorld("guests");
  worker = startTestWorker(world);
});
afterAll(async () => {
  await worker?.close();
  await world?.close();
});

interface SkippedEntry {
  mappingId: string;
  reason: string;
  kind: string;
  count: number;
  examples: { id: string; displayName: string | null }[];
  message: string;
}

function membersOf(tenant: TestTenant) {
  const users = [...tenant.directory.users.values()];
  const guests = users.filter((user) => user.userType === "Guest");
  return {
    members: users.filter((user) => user.userType === "Member"),
    guests,
    reachableGuests: guests.filter((guest) => guest.mail || guest.otherMails.length > 0),
    unreachableGuests: guests.filter((guest) => !guest.mail && guest.otherMails.length === 0),
  };
}

const skippedOf = (report: unknown) => (report as { skippedMembers: SkippedEntry[] }).skippedMembers;
const byReasonAndKind = (entries: SkippedEntry[]) =>
  Object.fromEntries(entries.map((entry) => [`${entry.reason}/${entry.kind}`, entry.count]));

async function mixedTenant(includeGuests: boolean) {
  return createTestTenant(world, {
    users: 40,
    seed: 11,
    includeGuests,
    directory: {
      guestRatio: 0.3,
      guestWithoutMailRatio: 0.5,
      contactsPerGroup: 1,
      devicesPerGroup: 3,
      servicePrincipalsPerGroup: 1,
    },
  });
}

describe("a mapped group with guests, a contact, devices and a service principal", () => {
  test("only member users get technicians by default; the run lists the skipped ones with reasons, one line each", async () => {
    const tenant = await mixedTenant(false);
    const { members, guests } = membersOf(tenant);
    expect(guests.length).toBeGreaterThan(3);

    const run = await waitForRun(world, await requestRun(world, tenant.id));
    expect(run.status).toBe("succeeded");
    const emails = techniciansByEmail(tenant);
    expect([...emails.keys()].sort()).toEqual(members.map((user) => (user.mail as string).toLowerCase()).sort());
    expect(run.counts).toMatchObject({ create: { succeeded: members.length, failed: 0 } });

    const skipped = skippedOf(run.report);
    expect(byReasonAndKind(skipped)).toEqual({
      "not-a-user/orgContact": 1,
      "not-a-user/device": 3,
      "not-a-user/servicePrincipal": 1,
      "guests-not-included/guest": guests.length,
    });
    const mapping = await world.db.prisma.groupMapping.findFirstOrThrow({ where: { tenantId: tenant.id } });
    expect(skipped.every((entry) => entry.mappingId === mapping.id)).toBe(true);
    const devices = skipped.find((entry) => entry.kind === "device");
    expect(devices?.message).toMatch(
      new RegExp(`^3 devices in group ${mapping.entraGroupName} skipped: not users \\(LAPTOP-`),
    );
    const guestEntry = skipped.find((entry) => entry.kind === "guest");
    expect(guestEntry?.message).toContain("guests are not provisioned unless you turn on 'Include guest users'");
    expect(guestEntry?.examples.length).toBe(Math.min(5, guests.length));
    expect((run.report as { skippedMemberCount: number }).skippedMemberCount).toBe(5 + guests.length);

    // The sync log says it once per reason and kind, not once per member.
    const log = await world.db.prisma.logEntry.findMany({ where: { runId: run.id } });
    expect(log.filter((entry) => entry.message.includes(" skipped: "))).toHaveLength(4);
  });

  test("with guests included, guests get technicians by mail or invitation address, never by #EXT# name", async () => {
    const tenant = await mixedTenant(true);
    const { members, reachableGuests, unreachableGuests } = membersOf(tenant);
    expect(unreachableGuests.length).toBeGreaterThan(0);
    expect(reachableGuests.some((guest) => guest.mail === null)).toBe(true);

    const run = await waitForRun(world, await requestRun(world, tenant.id));
    expect(run.status).toBe("succeeded");
    const emails = [...techniciansByEmail(tenant).keys()];
    expect(emails.some((email) => email.includes("#ext#"))).toBe(false);
    const expected = [
      ...members.map((user) => user.mail as string),
      ...reachableGuests.map((guest) => guest.mail ?? (guest.otherMails[0] as string)),
    ].map((email) => email.toLowerCase());
    expect(emails.sort()).toEqual(expected.sort());
    expect(byReasonAndKind(skippedOf(run.report))).toEqual({
      "not-a-user/orgContact": 1,
      "not-a-user/device": 3,
      "not-a-user/servicePrincipal": 1,
      "no-usable-email/guest": unreachableGuests.length,
    });
  });
});
