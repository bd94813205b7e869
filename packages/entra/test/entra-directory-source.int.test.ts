// Contract tests: the real MSAL and Graph client, against the emulator, for every read the engine makes.
import { generateDirectory, type RunningGraphEmulator, type TenantSeed } from "@techsync/emulators/graph";
import type { SkippedDirectoryMember } from "@techsync/sync-core";
import { createEntraDirectorySource, forgetCachedTokens, GraphRequestError } from "../src";
import { collect, sourceConfig, startTestEmulator, TEST_CLIENT_ID, testApp } from "./graph-emulator-fixture";

const ids = {
  tenant: "10000000-0000-4000-a000-000000000001",
  bigTenant: "10000000-0000-4000-a000-000000000002",
  mixedTenant: "10000000-0000-4000-a000-000000000003",
  mixedGroup: "20000000-0000-4000-a000-0000000000d1",
  mixedNested: "20000000-0000-4000-a000-0000000000d2",
  jane: "30000000-0000-4000-a000-000000000011",
  raj: "30000000-0000-4000-a000-000000000012",
  li: "30000000-0000-4000-a000-000000000013",
  contact: "40000000-0000-4000-a000-000000000001",
  device: "40000000-0000-4000-a000-000000000002",
  app: "40000000-0000-4000-a000-000000000003",
  groupA: "20000000-0000-4000-a000-00000000000a",
  groupB: "20000000-0000-4000-a000-00000000000b",
  groupC: "20000000-0000-4000-a000-00000000000c",
  ada: "30000000-0000-4000-a000-000000000001",
  ben: "30000000-0000-4000-a000-000000000002",
  cleo: "30000000-0000-4000-a000-000000000003",
  dev: "30000000-0000-4000-a000-000000000004",
  eve: "30000000-0000-4000-a000-000000000005",
};

const user = (id: string, name: string, extra: Record<string, unknown> = {}) => ({
  id,
  displayName: name,
  givenName: name.split(" ")[0] ?? null,
  surname: name.split(" ")[1] ?? null,
  userPrincipalName: `${name.toLowerCase().replace(" ", ".")}@nested.example`,
  mail: `${name.toLowerCase().replace(" ", ".")}@nested.example`,
  department: "Support",
  ...extra,
});

// A ⊃ {ada, ben, B}; B ⊃ {cleo, dev (no mail), C}; C ⊃ {eve (disabled), ada (also in A), A (a cycle)}.
const nestedTenant: TenantSeed = {
  tenantId: ids.tenant,
  domain: "nested.example",
  apps: [testApp()],
  users: [
    user(ids.ada, "Ada Lovelace", { jobTitle: "Team Lead", employeeId: "E1" }),
    user(ids.ben, "Ben Okafor"),
    user(ids.cleo, "Cleo Dubois"),
    user(ids.dev, "Dev Patel", { mail: null }),
    user(ids.eve, "Eve Tanaka", { accountEnabled: false }),
  ],
  groups: [
    {
      id: ids.groupA,
      displayName: "Helpdesk Tier 1",
      description: "Front line",
      members: [ids.ada, ids.ben, ids.groupB],
    },
    { id: ids.groupB, displayName: "Helpdesk Tier 2", members: [ids.cleo, ids.dev, ids.groupC] },
    { id: ids.groupC, displayName: "Escalations", members: [ids.eve, ids.ada, ids.groupA] },
    ...Array.from({ length: 30 }, (_, index) => ({ displayName: `Field Support ${String(index).padStart(2, "0")}` })),
  ],
};

const bigTenant = generateDirectory({
  seed: 7,
  tenantId: ids.bigTenant,
  domain: "big.example",
  users: 2500,
  groups: 1,
  withoutMailRatio: 0.2,
  disabledRatio: 0.1,
  apps: [testApp()],
});
const bigGroupId = bigTenant.groups[0]?.id as string;

const guest = (id: string, alias: string, partner: string, mail: "mail" | "otherMails" | "none") => ({
  id,
  displayName: alias,
  userType: "Guest" as const,
  userPrincipalName: `${alias}_${partner}#EXT#@mixed.example`,
  mail: mail === "mail" ? `${alias}@${partner}` : null,
  otherMails: mail === "otherMails" ? [`${alias}@${partner}`] : [],
});

// Helpdesk ⊃ {ada, 3 guests, a contact, a device, a service principal, Nested}; Nested ⊃ {ben, another device}.
const mixedTenant: TenantSeed = {
  tenantId: ids.mixedTenant,
  domain: "mixed.example",
  apps: [testApp()],
  users: [
    user(ids.ada, "Ada Lovelace"),
    user(ids.ben, "Ben Okafor"),
    guest(ids.jane, "jane", "contoso.example", "mail"),
    guest(ids.raj, "raj", "northwind.example", "otherMails"),
    guest(ids.li, "li", "adatum.example", "none"),
  ],
  directoryObjects: [
    { kind: "orgContact", id: ids.contact, displayName: "Tailspin Desk", mail: "desk@tailspin.example" },
    { kind: "device", id: ids.device, displayName: "LAPTOP-123" },
    { kind: "servicePrincipal", id: ids.app, displayName: "Helpdesk Automation" },
    { kind: "device", id: "40000000-0000-4000-a000-000000000004", displayName: "KIOSK-9" },
  ],
  groups: [
    {
      id: ids.mixedGroup,
      displayName: "Helpdesk",
      members: [ids.ada, ids.jane, ids.raj, ids.li, ids.contact, ids.device, ids.app, ids.mixedNested],
    },
    { id: ids.mixedNested, displayName: "Nested", members: [ids.ben, "40000000-0000-4000-a000-000000000004"] },
  ],
};

let emulator: RunningGraphEmulator;

beforeAll(async () => {
  emulator = await startTestEmulator({ tenants: [nestedTenant, bigTenant, mixedTenant] });
});
afterAll(async () => {
  await emulator.close();
});

describe("groupMembers", () => {
  it("reads transitive members through nested groups with a cycle, each user once, users only", async () => {
    const source = createEntraDirectorySource(sourceConfig(emulator, nestedTenant));
    const { items } = await collect(source.groupMembers(ids.groupA, { transitive: true }));
    expect(items.map((member) => member.id).sort()).toEqual([ids.ada, ids.ben, ids.cleo, ids.dev, ids.eve].sort());
  });

  it("reads only direct user members when not transitive", async () => {
    const source = createEntraDirectorySource(sourceConfig(emulator, nestedTenant));
    const { items } = await collect(source.groupMembers(ids.groupA, { transitive: false }));
    expect(items.map((member) => member.id).sort()).toEqual([ids.ada, ids.ben].sort());
  });

  it("returns every field the engine needs: disabled users, users without mail, filter attributes", async () => {
    const source = createEntraDirectorySource(sourceConfig(emulator, nestedTenant));
    const { items } = await collect(source.groupMembers(ids.groupC, { transitive: false }));
    const byId = new Map(items.map((member) => [member.id, member]));
    expect(byId.get(ids.eve)?.accountEnabled).toBe(false);
    expect(byId.get(ids.ada)).toEqual({
      id: ids.ada,
      userType: "member",
      displayName: "Ada Lovelace",
      givenName: "Ada",
      surname: "Lovelace",
      mail: "ada.lovelace@nested.example",
      userPrincipalName: "ada.lovelace@nested.example",
      accountEnabled: true,
      department: "Support",
      jobTitle: "Team Lead",
      companyName: null,
      officeLocation: null,
      employeeId: "E1",
    });
    const { items: tier2 } = await collect(source.groupMembers(ids.groupB, { transitive: false }));
    expect(tier2.find((member) => member.id === ids.dev)?.mail).toBeNull();
  });

  it("finds a user who is in several groups in each of them", async () => {
    const source = createEntraDirectorySource(sourceConfig(emulator, nestedTenant));
    const inA = await collect(source.groupMembers(ids.groupA, { transitive: false }));
    const inC = await collect(source.groupMembers(ids.groupC, { transitive: false }));
    expect(inA.items.some((member) => member.id === ids.ada)).toBe(true);
    expect(inC.items.some((member) => member.id === ids.ada)).toBe(true);
  });

  it("streams 2,500 members in pages of 999 across page boundaries, with the minimum of calls", async () => {
    const source = createEntraDirectorySource(sourceConfig(emulator, bigTenant));
    const pageSizes: number[] = [];
    const seen = new Set<string>();
    for await (const page of source.groupMembers(bigGroupId, { transitive: true })) {
      pageSizes.push(page.length);
      for (const member of page) seen.add(member.id);
    }
    expect(pageSizes).toEqual([999, 999, 502]);
    expect(seen.size).toBe(2500);
    expect(source.callCount()).toBe(3);
    const users = await collect(source.groupMembers(bigGroupId, { transitive: false }));
    expect(users.items.filter((member) => member.mail === null).length).toBeGreaterThan(300);
    expect(users.items.filter((member) => !member.accountEnabled).length).toBeGreaterThan(150);
  });

  it("follows nextLinks exactly as given: same parameters, same order, same encoding", async () => {
    const source = createEntraDirectorySource(sourceConfig(emulator, bigTenant));
    await collect(source.groupMembers(bigGroupId, { transitive: true }));
    // This read's three pages are the emulator's last three requests.
    const [first, second, third] = emulator.admin.recentRequests.slice(-3);
    const firstQuery = new URL(first as string, "https://x").searchParams;
    expect(firstQuery.get("$select")).toBe(
      "id,displayName,givenName,surname,mail,userPrincipalName,accountEnabled,department,jobTitle,companyName,officeLocation,employeeId,userType,otherMails",
    );
    expect(firstQuery.get("$top")).toBe("999");
    // The emulator builds nextLinks as: the request's own query, then $skiptoken; followed unchanged.
    const skip = (url: string | undefined) => new URL(url as string, "https://x").searchParams.get("$skiptoken");
    expect(second).toBe(
      `${new URL(first as string, "https://x").pathname}?${firstQuery.toString()}&%24skiptoken=${skip(second)}`,
    );
    expect(third).toBe(
      `${new URL(first as string, "https://x").pathname}?${firstQuery.toString()}&%24skiptoken=${skip(third)}`,
    );
  });

  it("fails with a typed not-found error carrying the request-id for a group that does not exist", async () => {
    const source = createEntraDirectorySource(sourceConfig(emulator, nestedTenant));
    const read = collect(source.groupMembers("99999999-0000-4000-a000-000000000000", { transitive: true }));
    await expect(read).rejects.toBeInstanceOf(GraphRequestError);
    await expect(read).rejects.toMatchObject({
      kind: "notFound",
      code: "Request_ResourceNotFound",
      status: 404,
      retryable: false,
    });
    const error = (await read.catch((caught: unknown) => caught)) as GraphRequestError;
    expect(error.requestId).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe("groups", () => {
  it("searches by word prefix with $search and pages through results with an opaque token", async () => {
    const source = createEntraDirectorySource(sourceConfig(emulator, nestedTenant));
    const first = await source.searchGroups("field", { pageSize: 20 });
    expect(first.groups).toHaveLength(20);
    expect(first.nextPageToken).toEqual(expect.any(String));
    const second = await source.searchGroups("field", { pageSize: 20, pageToken: first.nextPageToken as string });
    expect(second.groups).toHaveLength(10);
    expect(second.nextPageToken).toBeUndefined();
    const names = [...first.groups, ...second.groups].map((group) => group.displayName);
    expect(new Set(names).size).toBe(30);
    // Word prefixes, not substrings: "tier" finds both tiers, "elpdesk" finds nothing.
    expect((await source.searchGroups("tier")).groups.map((group) => group.displayName).sort()).toEqual([
      "Helpdesk Tier 1",
      "Helpdesk Tier 2",
    ]);
    expect((await source.searchGroups("elpdesk")).groups).toEqual([]);
  });

  it("searches with a startswith filter when configured so", async () => {
    const source = createEntraDirectorySource(sourceConfig(emulator, nestedTenant, { groupSearchMode: "startswith" }));
    const page = await source.searchGroups("Helpdesk");
    expect(page.groups.map((group) => group.displayName).sort()).toEqual(["Helpdesk Tier 1", "Helpdesk Tier 2"]);
    expect((await source.searchGroups("Tier")).groups).toEqual([]);
    // A quote in the term is escaped, not an injection.
    expect((await source.searchGroups("O'Brien")).groups).toEqual([]);
  });

  it("refuses a page token that points anywhere but the tenant's Graph host", async () => {
    const source = createEntraDirectorySource(sourceConfig(emulator, nestedTenant));
    const forged = Buffer.from("https://evil.example/v1.0/groups").toString("base64url");
    await expect(source.searchGroups("x", { pageToken: forged })).rejects.toMatchObject({ code: "invalidPageToken" });
  });

  it("gets one group, and null for one that does not exist", async () => {
    const source = createEntraDirectorySource(sourceConfig(emulator, nestedTenant));
    expect(await source.getGroup(ids.groupA)).toEqual({
      id: ids.groupA,
      displayName: "Helpdesk Tier 1",
      description: "Front line",
      mail: null,
    });
    expect(await source.getGroup("99999999-0000-4000-a000-000000000000")).toBeNull();
  });

  it("gets many groups through $batch, 20 per round trip", async () => {
    const source = createEntraDirectorySource(sourceConfig(emulator, nestedTenant));
    const tenant = emulator.admin.requireTenant(ids.tenant);
    const allIds = [...tenant.groups.keys()];
    const missing = "99999999-0000-4000-a000-000000000000";
    const before = emulator.admin.stats.batchRequests;
    const groups = await source.getGroups([...allIds, missing]);
    expect(groups.size).toBe(allIds.length + 1);
    expect(groups.get(ids.groupC)?.displayName).toBe("Escalations");
    expect(groups.get(missing)).toBeNull();
    expect(emulator.admin.stats.batchRequests - before).toBe(Math.ceil((allIds.length + 1) / 20));
    expect(source.callCount()).toBe(2);
  });
});

describe("groupMembers of a group that holds more than member users", () => {
  async function read(transitive: boolean, config = sourceConfig(emulator, mixedTenant)) {
    const source = createEntraDirectorySource(config);
    const skipped: SkippedDirectoryMember[] = [];
    const { items } = await collect(
      source.groupMembers(ids.mixedGroup, { transitive, onSkipped: (page) => skipped.push(...page) }),
    );
    return { users: new Map(items.map((u) => [u.id, u])), skipped, calls: source.callCount() };
  }

  it("yields member users and guests (marked), reports contacts, devices and service principals as not users", async () => {
    const { users, skipped, calls } = await read(true);
    expect([...users.keys()].sort()).toEqual([ids.ada, ids.ben, ids.jane, ids.raj, ids.li].sort());
    expect(users.get(ids.ada)?.userType).toBe("member");
    expect(users.get(ids.jane)).toMatchObject({ userType: "guest", mail: "jane@contoso.example" });
    // The address it was invited with, from otherMails; the #EXT# name never.
    expect(users.get(ids.raj)).toMatchObject({ userType: "guest", mail: "raj@northwind.example" });
    expect(users.get(ids.li)).toMatchObject({ userType: "guest", mail: null });
    expect(skipped.sort((a, b) => a.id.localeCompare(b.id))).toEqual([
      { id: ids.contact, kind: "orgContact", displayName: "Tailspin Desk", reason: "not-a-user" },
      { id: ids.device, kind: "device", displayName: "LAPTOP-123", reason: "not-a-user" },
      { id: ids.app, kind: "servicePrincipal", displayName: "Helpdesk Automation", reason: "not-a-user" },
      { id: "40000000-0000-4000-a000-000000000004", kind: "device", displayName: "KIOSK-9", reason: "not-a-user" },
    ]);
    expect(calls).toBe(1);
  });

  it("a direct read reports the nested group it does not read", async () => {
    const { users, skipped } = await read(false);
    expect(users.has(ids.ben)).toBe(false);
    expect(skipped).toContainEqual({
      id: ids.mixedNested,
      kind: "group",
      displayName: "Nested",
      reason: "nested-group-not-read",
    });
  });

  it("with only GroupMember.Read.All + User.Read.All, devices come back as bare ids and are still skipped by type", async () => {
    emulator.admin.tenant(ids.mixedTenant)?.setAppRoles(TEST_CLIENT_ID, ["GroupMember.Read.All", "User.Read.All"]);
    // A cached token keeps its old roles.
    forgetCachedTokens();
    try {
      const { users, skipped } = await read(true);
      expect(users.size).toBe(5);
      expect(skipped.find((member) => member.id === ids.device)).toEqual({
        id: ids.device,
        kind: "device",
        displayName: null,
        reason: "not-a-user",
      });
    } finally {
      forgetCachedTokens();
      emulator.admin
        .tenant(ids.mixedTenant)
        ?.setAppRoles(TEST_CLIENT_ID, ["User.Read.All", "Group.Read.All", "Directory.Read.All"]);
    }
  });
});
