import type { DirectoryUser, GroupMapping } from "../domain";
import type { SkippedMemberTally } from "../plan";
import { directorySnapshot, directoryUser, groupMapping } from "../testing";
import { type ScopeInput, scopeUsers, skippedMembersOfRun } from "./scope";

const GROUP_A = 10;
const GROUP_B = 11;
const MISSING_GROUP = 99;

function scope(
  members: Record<string, DirectoryUser[]>,
  mappings: GroupMapping[],
  options: Partial<Omit<ScopeInput, "mappings" | "directory">> = {},
) {
  return scopeUsers({
    mappings,
    directory: directorySnapshot(members),
    includeGuests: false,
    isTechnicianGroup: (id) => id === GROUP_A || id === GROUP_B,
    ...options,
  });
}

const guest = (id: string) =>
  directoryUser(id, { userType: "guest", userPrincipalName: `${id}_contoso.com#EXT#@fabrikam.onmicrosoft.com` });

describe("scope phase — rule 1: a member of a mapped group who passes the filter is in scope", () => {
  it("holds the members who pass the mapping's filter, and no one else", () => {
    const support = directoryUser("u1", { department: "Support" });
    const sales = directoryUser("u2", { department: "Sales" });
    const mapping = groupMapping("m1", "g1", GROUP_A, {
      filter: { attribute: "department", operator: "equals", value: "support" },
    });
    const result = scope({ m1: [support, sales] }, [mapping]);
    expect([...result.entries.keys()]).toEqual(["u1"]);
    expect(result.entries.get("u1")).toEqual({
      user: support,
      firstMapping: mapping,
      createIn: mapping,
      mappings: [mapping],
    });
    expect(result.excluded.get("u2")).toEqual([{ mapping, why: "filter" }]);
    expect(result.tallies.get("m1")).toEqual({ members: 2, inScope: 1 });
  });

  it("skips guests unless the tenant opted in, and tallies them under the mapping", () => {
    const mapping = groupMapping("m1", "g1", GROUP_A);
    const members = { m1: [directoryUser("u1"), guest("g1")] };
    const without = scope(members, [mapping]);
    expect([...without.entries.keys()]).toEqual(["u1"]);
    expect(without.skipped.get("m1")?.toArray()).toEqual([
      {
        reason: "guests-not-included",
        kind: "guest",
        count: 1,
        examples: [{ id: "g1", displayName: "g1@example.com" }],
      },
    ]);
    const withGuests = scope(members, [mapping], { includeGuests: true });
    expect([...withGuests.entries.keys()].sort()).toEqual(["g1", "u1"]);
    expect(withGuests.skipped.size).toBe(0);
  });

  it("folds in what the source skipped while reading the group", () => {
    const mapping = groupMapping("m1", "g1", GROUP_A);
    const devices: SkippedMemberTally = {
      reason: "not-a-user",
      kind: "device",
      count: 3,
      examples: [{ id: "d1", displayName: "LAPTOP-1" }],
    };
    const result = scope({ m1: [] }, [mapping], { skippedMembers: new Map([["m1", [devices]]]) });
    expect(result.skipped.get("m1")?.toArray()).toEqual([devices]);
  });

  it("refuses when a mapping's members were not read, rather than let everyone read as gone (rule 6)", () => {
    expect(() => scope({}, [groupMapping("m1", "g1", GROUP_A)])).toThrow(/no members for mapping m1/);
  });

  it("warns about a mapping whose Rescue group is not a technician group", () => {
    const result = scope({ m1: [directoryUser("u1")] }, [groupMapping("m1", "g1", MISSING_GROUP)]);
    expect(result.warnings).toEqual([expect.objectContaining({ code: "rescue-group-missing", mappingId: "m1" })]);
    expect(result.entries.get("u1")?.createIn).toBeUndefined();
  });
});

describe("scope phase — rule 8: the lowest priority number's mapping creates the user", () => {
  const early = groupMapping("early", "g1", GROUP_A, { priority: 5 });
  const late = groupMapping("late", "g2", GROUP_B, { priority: 20 });
  const members = { early: [directoryUser("u1")], late: [directoryUser("u1")] };

  it("whatever the order of the mappings", () => {
    for (const order of [
      [early, late],
      [late, early],
    ]) {
      const result = scope(members, order);
      expect(result.mappings.map((m) => m.id)).toEqual(["early", "late"]);
      expect(result.entries.get("u1")).toMatchObject({ firstMapping: early, createIn: early });
    }
  });

  it("breaks a tie of priority by mapping id", () => {
    const b = groupMapping("b", "g2", GROUP_B, { priority: 1 });
    const a = groupMapping("a", "g1", GROUP_A, { priority: 1 });
    const result = scope({ a: [directoryUser("u1")], b: [directoryUser("u1")] }, [b, a]);
    expect(result.entries.get("u1")?.createIn).toBe(a);
  });

  it("passes over a mapping whose group is missing for the next one, but remembers the first mapping", () => {
    const broken = groupMapping("broken", "g0", MISSING_GROUP, { priority: 1 });
    const result = scope({ ...members, broken: [directoryUser("u1")] }, [late, broken, early]);
    expect(result.entries.get("u1")).toMatchObject({ firstMapping: broken, createIn: early });
  });
  it("has no mapping to create in when every mapping holding the user lacks its group", () => {
    const broken1 = groupMapping("broken1", "g0", MISSING_GROUP, { priority: 1 });
    const broken2 = groupMapping("broken2", "g9", MISSING_GROUP + 1, { priority: 2 });
    const result = scope({ broken1: [directoryUser("u1")], broken2: [directoryUser("u1")] }, [broken2, broken1]);
    expect(result.entries.get("u1")).toMatchObject({ firstMapping: broken1, createIn: undefined });
    expect(result.warnings.map((w) => w.mappingId)).toEqual(["broken1", "broken2"]);
  });
});

describe("scope phase — skipped members of the run", () => {
  const first = groupMapping("first", "g1", GROUP_A, { priority: 1, entraGroupName: "Helpdesk" });
  const second = groupMapping("second", "g2", GROUP_B, { priority: 2, entraGroupName: "Field" });

  it("adds members found unusable later, in mapping priority order, without changing the scope's tallies", () => {
    const result = scope({ first: [guest("g1")], second: [] }, [second, first]);
    const before = result.skipped.get("first")?.toArray();
    const skipped = skippedMembersOfRun(result, [
      { mappingId: "second", member: { id: "x1", kind: "user", displayName: "X", reason: "no-usable-email" } },
      { mappingId: "first", member: { id: "g2", kind: "guest", displayName: "G2", reason: "guests-not-included" } },
    ]);
    expect(skipped.map((s) => [s.mappingId, s.reason, s.count])).toEqual([
      ["first", "guests-not-included", 2],
      ["second", "no-usable-email", 1],
    ]);
    expect(skipped[0]?.message).toBe(
      "2 guests in group Helpdesk skipped: guests are not provisioned unless you turn on 'Include guest users' (g1@example.com, G2)",
    );
    expect(result.skipped.get("first")?.toArray()).toEqual(before);
    expect(before?.[0]?.count).toBe(1);
  });
});
