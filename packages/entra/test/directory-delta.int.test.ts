// Delta rounds through the real Graph client: changes between rounds, the deltaLink only on the last
// page, removals, and expired tokens turned into "full resync needed".
import type { RunningGraphEmulator, TenantSeed } from "@techsync/emulators/graph";
import { createEntraDirectorySource, type DeltaPage, type GroupDeltaChange, type UserDeltaChange } from "../src";
import { sourceConfig, startTestEmulator, testApp } from "./graph-emulator-fixture";

const g1 = "50000000-0000-4000-a000-000000000001";
const g2 = "50000000-0000-4000-a000-000000000002";
const unmapped = "50000000-0000-4000-a000-000000000003";
const u = (n: number) => `60000000-0000-4000-a000-00000000000${n}`;

const seed: TenantSeed = {
  tenantId: "70000000-0000-4000-a000-000000000001",
  domain: "delta.example",
  apps: [testApp()],
  users: [1, 2, 3, 4, 5, 6, 7].map((n) => ({
    id: u(n),
    displayName: `User ${n}`,
    userPrincipalName: `user${n}@delta.example`,
    mail: `user${n}@delta.example`,
  })),
  groups: [
    { id: g1, displayName: "Helpdesk", members: [u(1), u(2), u(3), u(4)] },
    { id: g2, displayName: "Field Support", members: [u(4), u(6), g1] },
    { id: unmapped, displayName: "Finance", members: [u(7)] },
  ],
};

interface Round<T> {
  pages: Extract<DeltaPage<T>, { kind: "changes" }>[];
  changes: T[];
  deltaLink: string | undefined;
  resync?: Extract<DeltaPage<T>, { kind: "resyncRequired" }>;
}

async function drain<T>(pages: AsyncIterable<DeltaPage<T>>): Promise<Round<T>> {
  const round: Round<T> = { pages: [], changes: [], deltaLink: undefined };
  for await (const page of pages) {
    if (page.kind === "resyncRequired") {
      round.resync = page;
      continue;
    }
    round.pages.push(page);
    round.changes.push(...page.changes);
    round.deltaLink = page.deltaLink;
  }
  return round;
}

/** What the engine would keep: members per group, applied idempotently across pages. */
function membership(changes: GroupDeltaChange[]): Map<string, Set<string>> {
  const groups = new Map<string, Set<string>>();
  for (const change of changes) {
    const members = groups.get(change.groupId) ?? new Set<string>();
    for (const added of change.membersAdded) members.add(added.id);
    for (const removed of change.membersRemoved) members.delete(removed.id);
    groups.set(change.groupId, members);
  }
  return groups;
}

let emulator: RunningGraphEmulator;

beforeAll(async () => {
  // Two objects per page and two members per group object, so rounds span pages and groups repeat.
  emulator = await startTestEmulator({ tenants: [seed], deltaPageSize: 2, deltaMembersPerEntry: 2 });
});
afterAll(async () => {
  await emulator.close();
});
beforeEach(() => {
  emulator.admin.reset();
});

it("reads an initial round, then exactly the changes made between rounds", async () => {
  const source = createEntraDirectorySource(sourceConfig(emulator, seed));
  const groups1 = await drain(source.groupsDelta({ groupIds: [g1, g2] }));
  const users1 = await drain(source.usersDelta());

  // The deltaLink comes with the last page only.
  expect(groups1.pages.length).toBe(2);
  expect(groups1.pages.slice(0, -1).every((page) => page.deltaLink === undefined)).toBe(true);
  expect(groups1.deltaLink).toMatch(/\$deltatoken=/);
  expect(users1.pages.length).toBe(4);
  expect(membership(groups1.changes)).toEqual(
    new Map([
      [g1, new Set([u(1), u(2), u(3), u(4)])],
      [g2, new Set([u(4), u(6), g1])],
    ]),
  );
  expect(groups1.changes.find((change) => change.groupId === g2)?.membersAdded).toContainEqual({
    id: g1,
    type: "group",
  });
  expect(users1.changes.filter((change) => change.kind === "upsert")).toHaveLength(7);

  // Between rounds: add, remove, disable, soft-delete, permanently delete, rename, change email.
  const tenant = emulator.admin.requireTenant(seed.tenantId);
  tenant.addMember(g1, u(5));
  tenant.removeMember(g1, u(2));
  tenant.updateUser(u(3), { accountEnabled: false });
  tenant.softDeleteUser(u(4));
  tenant.purgeUser(u(6));
  tenant.updateUser(u(1), { displayName: "User One Renamed", mail: "one@delta.example" });
  tenant.addMember(unmapped, u(1));

  const groups2 = await drain(source.groupsDelta({ groupIds: [g1, g2], deltaLink: groups1.deltaLink as string }));
  const users2 = await drain(source.usersDelta({ deltaLink: users1.deltaLink as string }));

  const byGroup = new Map(groups2.changes.map((change) => [change.groupId, change]));
  expect(byGroup.get(g1)).toMatchObject({
    membersAdded: [{ id: u(5), type: "user" }],
    membersRemoved: [{ id: u(2), type: "user" }],
  });
  expect(byGroup.get(g2)).toMatchObject({ membersAdded: [], membersRemoved: [{ id: u(6), type: "user" }] });
  // Changes to a group outside the filter are not reported.
  expect(byGroup.has(unmapped)).toBe(false);

  const userChanges = new Map<string, UserDeltaChange>(
    users2.changes.map((change) => [change.kind === "upsert" ? change.user.id : change.userId, change]),
  );
  expect(userChanges.get(u(1))).toMatchObject({
    kind: "upsert",
    user: { displayName: "User One Renamed", mail: "one@delta.example" },
  });
  expect(userChanges.get(u(3))).toMatchObject({ kind: "upsert", user: { accountEnabled: false } });
  expect(userChanges.get(u(4))).toEqual({ kind: "removed", userId: u(4), reason: "changed" });
  expect(userChanges.get(u(6))).toEqual({ kind: "removed", userId: u(6), reason: "deleted" });
  expect(userChanges.has(u(2))).toBe(false);
  expect(userChanges.has(u(7))).toBe(false);

  // Nothing changed since: an empty round that still hands back a deltaLink.
  const groups3 = await drain(source.groupsDelta({ groupIds: [g1, g2], deltaLink: groups2.deltaLink as string }));
  expect(groups3.changes).toEqual([]);
  expect(groups3.deltaLink).toMatch(/\$deltatoken=/);

  // A restored user comes back as an upsert.
  tenant.restoreUser(u(4));
  const users3 = await drain(source.usersDelta({ deltaLink: users2.deltaLink as string }));
  expect(users3.changes).toEqual([
    expect.objectContaining({ kind: "upsert", user: expect.objectContaining({ id: u(4) }) }),
  ]);
});

it("turns an expired deltaLink (400 syncStateNotFound) into resyncRequired", async () => {
  const source = createEntraDirectorySource(sourceConfig(emulator, seed));
  const first = await drain(source.groupsDelta({ groupIds: [g1] }));
  emulator.admin.expireDeltaTokens();
  const second = await drain(source.groupsDelta({ groupIds: [g1], deltaLink: first.deltaLink as string }));
  expect(second.resync).toMatchObject({
    kind: "resyncRequired",
    code: "syncStateNotFound",
    requestId: expect.any(String),
  });
  expect(second.changes).toEqual([]);
});

it("turns 410 Gone into resyncRequired, and honours a token lifetime", async () => {
  emulator.admin.setFaults({ deltaExpiry: "gone", deltaTokenTtlMs: 50 });
  const source = createEntraDirectorySource(sourceConfig(emulator, seed));
  const first = await drain(source.usersDelta());
  await new Promise((resolve) => setTimeout(resolve, 80));
  const second = await drain(source.usersDelta({ deltaLink: first.deltaLink as string }));
  expect(second.resync).toMatchObject({ kind: "resyncRequired", code: "resyncRequired" });
});

it("refuses more than 50 groups in one delta, with a hint", () => {
  const source = createEntraDirectorySource(sourceConfig(emulator, seed));
  const ids = Array.from({ length: 51 }, (_, index) => `80000000-0000-4000-a000-${String(index).padStart(12, "0")}`);
  expect(() => source.groupsDelta({ groupIds: ids })).toThrow(expect.objectContaining({ code: "deltaGroupLimit" }));
});
