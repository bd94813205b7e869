import fc from "fast-check";
import type { AttributeSource, DirectoryUser, GroupMapping } from "../domain";
import { DEFAULT_RETRY_POLICY } from "../executor/call-with-retry";
import type { PlanInput, SkippedMemberTally } from "../plan";
import { readDirectory } from "../read-directory-snapshot";
import {
  directorySnapshot,
  directoryUser,
  FakeClock,
  groupMapping,
  InMemoryDirectorySource,
  rescueTree,
  seededRandom,
  technicianNode,
} from "../testing";
import { planRun } from "./plan-run";
import { SKIPPED_EXAMPLE_LIMIT, SkippedMemberTallies } from "./tally-skipped-members";

const GROUP_A = 10;
const helpdesk = (overrides: Partial<GroupMapping> = {}) =>
  groupMapping("m1", "g1", GROUP_A, { entraGroupName: "Helpdesk", ...overrides });

function plan(members: DirectoryUser[], options: Partial<PlanInput> = {}) {
  return planRun({
    mappings: [helpdesk()],
    directory: directorySnapshot({ m1: members }),
    tree: rescueTree([GROUP_A]),
    links: [],
    ...options,
  });
}

const guest = (id: string, overrides: Partial<DirectoryUser> = {}) =>
  directoryUser(id, {
    userType: "guest",
    mail: `${id}@contoso.com`,
    userPrincipalName: `${id}_contoso.com#EXT#@fabrikam.onmicrosoft.com`,
    ...overrides,
  });

const creates = (result: ReturnType<typeof planRun>) =>
  result.actions.filter((action) => action.kind === "create").map((action) => action.entraUserId);

describe("guests", () => {
  it("are not provisioned by default: skipped, and the plan says why, per mapping", () => {
    const result = plan([directoryUser("u1"), guest("jane")]);
    expect(creates(result)).toEqual(["u1"]);
    expect(result.usersInScope).toBe(1);
    expect(result.skippedMembers).toEqual([
      {
        mappingId: "m1",
        entraGroupId: "g1",
        reason: "guests-not-included",
        kind: "guest",
        count: 1,
        examples: [{ id: "jane", displayName: "jane@contoso.com" }],
        message:
          "Guest jane@contoso.com in group Helpdesk skipped: guests are not provisioned unless you turn on 'Include guest users'",
      },
    ]);
  });

  it("are provisioned with their mail when the tenant includes guests", () => {
    const result = plan([directoryUser("u1"), guest("jane")], { settings: { includeGuests: true } });
    expect(creates(result)).toEqual(["jane", "u1"]);
    const jane = result.actions.find((action) => action.entraUserId === "jane");
    expect(jane?.kind === "create" && jane.fields.email).toBe("jane@contoso.com");
    expect(result.skippedMembers).toEqual([]);
  });

  it("a linked guest is disabled once guests are no longer included (out of every mapping's scope)", () => {
    const node = technicianNode(500, GROUP_A, { name: "Jane", email: "jane@contoso.com" });
    const result = plan([guest("jane")], {
      tree: rescueTree([GROUP_A], [node]),
      links: [{ entraUserId: "jane", rescueNodeId: 500 }],
    });
    expect(result.actions.map((action) => action.id)).toEqual(["disable:jane"]);
  });

  it("a guest whose only address is the #EXT# user principal name is skipped for want of an email", () => {
    const result = plan([guest("jane", { mail: null })], { settings: { includeGuests: true } });
    expect(result.actions).toEqual([]);
    expect(result.warnings).toEqual([]);
    expect(result.skippedMembers).toMatchObject([{ reason: "no-usable-email", kind: "guest", count: 1 }]);
    expect(result.skippedMembers[0]?.message).toMatch(/^Guest User jane in group Helpdesk skipped: no usable email/);
  });

  it("a guest filtered out by the mapping is neither in scope nor reported", () => {
    const result = plan([guest("jane", { department: "Sales" })], {
      mappings: [helpdesk({ filter: { attribute: "department", operator: "equals", value: "Support" } })],
    });
    expect(result.skippedMembers).toEqual([]);
  });
});

const upnPart = fc.stringMatching(/^[a-z0-9._-]{1,20}$/);
const externalUpn = fc
  .tuple(upnPart, upnPart, upnPart, fc.constantFrom("#EXT#", "#ext#", "#Ext#"))
  .map(([local, domain, tenant, mark]) => `${local}_${domain}.com${mark}@${tenant}.onmicrosoft.com`);

describe("an #EXT# user principal name never becomes an email", () => {
  it("whatever the attribute mapping, user type or mail (property)", () => {
    fc.assert(
      fc.property(
        externalUpn,
        fc.option(fc.constant("jane@contoso.com"), { nil: null }),
        fc.constantFrom<DirectoryUser["userType"]>("guest", "member", undefined),
        fc.constantFrom<AttributeSource[]>(
          ["mail", "userPrincipalName"],
          ["userPrincipalName"],
          ["userPrincipalName", "mail"],
        ),
        (upn, mail, userType, emailSources) => {
          const user = directoryUser("x", { userPrincipalName: upn, mail, ...(userType ? { userType } : {}) });
          const result = plan([user], {
            settings: { includeGuests: true, attributeMapping: { email: emailSources } },
          });
          for (const action of result.actions) {
            if (action.kind === "create") expect(action.fields.email).not.toMatch(/#ext#/i);
          }
          // The mail is the only usable address, and only where the mapping reads it.
          if (mail && emailSources.includes("mail")) expect(creates(result)).toEqual(["x"]);
          else {
            expect(result.actions).toEqual([]);
            expect(result.skippedMembers.map((s) => s.reason)).toEqual(["no-usable-email"]);
          }
        },
      ),
    );
  });
});

describe("members the source skipped", () => {
  const tally = (count: number, kind: SkippedMemberTally["kind"]): SkippedMemberTally => ({
    reason: "not-a-user",
    kind,
    count,
    examples: [{ id: "d1", displayName: "LAPTOP-123" }],
  });

  it("are worded per mapping with the group's name", () => {
    const result = plan([directoryUser("u1")], {
      skippedMembers: new Map([["m1", [tally(1, "device"), tally(1, "orgContact")]]]),
    });
    expect(result.skippedMembers.map((s) => s.message)).toEqual([
      "Contact LAPTOP-123 in group Helpdesk skipped: not a user",
      "Device LAPTOP-123 in group Helpdesk skipped: not a user",
    ]);
    expect(creates(result)).toEqual(["u1"]);
  });

  it("10,000 devices make one entry: a count and a few examples", async () => {
    const devices = Array.from({ length: 10_000 }, (_, i) => ({
      id: `dev-${String(i).padStart(5, "0")}`,
      kind: "device" as const,
      displayName: `LAPTOP-${i}`,
    }));
    const users = [directoryUser("u1")];
    const directory = new InMemoryDirectorySource({
      users,
      groups: [{ id: "g1", displayName: "Helpdesk", memberIds: ["u1"], nonUserMembers: devices }],
    });
    const read = await readDirectory(directory, [helpdesk()], {
      retry: { clock: new FakeClock(), policy: DEFAULT_RETRY_POLICY, random: seededRandom(1) },
    });
    const result = plan(users, { skippedMembers: read.skippedMembers });
    expect(result.skippedMembers).toHaveLength(1);
    expect(result.skippedMembers[0]).toMatchObject({ kind: "device", reason: "not-a-user", count: 10_000 });
    expect(result.skippedMembers[0]?.examples.map((e) => e.id)).toEqual([
      "dev-00000",
      "dev-00001",
      "dev-00002",
      "dev-00003",
      "dev-00004",
    ]);
    expect(result.skippedMembers[0]?.message).toBe(
      "10000 devices in group Helpdesk skipped: not users (LAPTOP-0, LAPTOP-1, LAPTOP-2, LAPTOP-3, LAPTOP-4, …)",
    );
  });

  it("a direct-members mapping reports its nested groups, a transitive one reads them", async () => {
    const users = [directoryUser("u1"), directoryUser("u2")];
    const directory = new InMemoryDirectorySource({
      users,
      groups: [
        { id: "g1", displayName: "Helpdesk", memberIds: ["u1"], childGroupIds: ["g2"] },
        { id: "g2", displayName: "Night Shift", memberIds: ["u2"] },
      ],
    });
    const retry = { clock: new FakeClock(), policy: DEFAULT_RETRY_POLICY, random: seededRandom(1) };
    const direct = await readDirectory(directory, [helpdesk({ transitive: false })], { retry });
    expect(direct.skippedMembers.get("m1")).toEqual([
      {
        reason: "nested-group-not-read",
        kind: "group",
        count: 1,
        examples: [{ id: "g2", displayName: "Night Shift" }],
      },
    ]);
    const transitive = await readDirectory(directory, [helpdesk({ transitive: true })], { retry });
    expect(transitive.skippedMembers.get("m1")).toEqual([]);
    expect(transitive.members.get("m1")?.map((u) => u.id)).toEqual(["u1", "u2"]);
  });
});

describe("tallies", () => {
  it("keep the smallest ids as examples and the true count, whatever the order (property)", () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.string({ minLength: 1, maxLength: 6 }), { maxLength: 40 }), (ids) => {
        const forward = new SkippedMemberTallies();
        const backward = new SkippedMemberTallies();
        for (const id of ids) forward.add({ id, kind: "device", displayName: null, reason: "not-a-user" });
        for (const id of [...ids].reverse())
          backward.add({ id, kind: "device", displayName: null, reason: "not-a-user" });
        expect(forward.toArray()).toEqual(backward.toArray());
        const [only] = forward.toArray();
        if (ids.length === 0) return expect(only).toBeUndefined();
        expect(only?.count).toBe(ids.length);
        const sorted = [...ids].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
        expect(only?.examples.map((e) => e.id)).toEqual(sorted.slice(0, SKIPPED_EXAMPLE_LIMIT));
      }),
    );
  });

  it("merging two reads adds their counts", () => {
    const tallies = new SkippedMemberTallies();
    tallies.merge([{ reason: "not-a-user", kind: "device", count: 7, examples: [{ id: "b", displayName: null }] }]);
    tallies.merge([{ reason: "not-a-user", kind: "device", count: 3, examples: [{ id: "a", displayName: null }] }]);
    expect(tallies.toArray()).toEqual([
      {
        reason: "not-a-user",
        kind: "device",
        count: 10,
        examples: [
          { id: "a", displayName: null },
          { id: "b", displayName: null },
        ],
      },
    ]);
  });

  it("merging two reads that share a member lists it once among the examples", () => {
    const tallies = new SkippedMemberTallies();
    const device = (id: string) => ({ id, displayName: null });
    tallies.merge([{ reason: "not-a-user", kind: "device", count: 2, examples: [device("a"), device("c")] }]);
    tallies.merge([{ reason: "not-a-user", kind: "device", count: 2, examples: [device("a"), device("b")] }]);
    expect(tallies.toArray()[0]?.examples).toEqual([device("a"), device("b"), device("c")]);
  });

  it("are listed by reason, then kind, in a fixed order whatever order members arrive in", () => {
    const tallies = new SkippedMemberTallies();
    tallies.add({ id: "g", kind: "guest", displayName: null, reason: "no-usable-email" });
    tallies.add({ id: "s", kind: "servicePrincipal", displayName: null, reason: "not-a-user" });
    tallies.add({ id: "c", kind: "orgContact", displayName: null, reason: "not-a-user" });
    tallies.add({ id: "n", kind: "group", displayName: null, reason: "nested-group-not-read" });
    expect(tallies.toArray().map((t) => [t.reason, t.kind])).toEqual([
      ["not-a-user", "orgContact"],
      ["not-a-user", "servicePrincipal"],
      ["nested-group-not-read", "group"],
      ["no-usable-email", "guest"],
    ]);
  });
});
