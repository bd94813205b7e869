// What a person needs to judge a plan: where each user lands and why, what each pair brings, and warnings for
// a pair that brings nobody (an empty Entra group, all its users taken) or a Rescue group deleted after mapping.
import type { DirectoryUser, GroupMapping, Link, RescueNode } from "../domain";
import type { SyncAction } from "../plan";
import { directorySnapshot, directoryUser, groupMapping, rescueTree, technicianNode } from "../testing";
import { planRun } from "./plan-run";

const GROUP_A = 10;
const GROUP_B = 11;
const helpdesk = groupMapping("m1", "g1", GROUP_A, { priority: 1, entraGroupName: "Helpdesk" });
const field = groupMapping("m2", "g2", GROUP_B, { priority: 2, entraGroupName: "Field" });

function plan(
  members: Record<string, DirectoryUser[]>,
  options: { mappings?: GroupMapping[]; nodes?: RescueNode[]; links?: Link[]; groups?: number[] } = {},
) {
  return planRun({
    mappings: options.mappings ?? [helpdesk, field],
    directory: directorySnapshot(members),
    tree: rescueTree(options.groups ?? [GROUP_A, GROUP_B], options.nodes ?? []),
    links: options.links ?? [],
  });
}

const byId = (actions: SyncAction[], id: string) => actions.find((a) => a.id === id);

describe("each action names its Rescue group and its cause", () => {
  it("a create names the group it lands in and the pair that brought the user", () => {
    const result = plan({ m1: [directoryUser("u1")], m2: [directoryUser("u1")] });
    const create = byId(result.actions, "create:u1");
    expect(create).toMatchObject({
      rescueGroup: { id: GROUP_A, name: "Group 10" },
      cause: { code: "in-scope", pair: { mappingId: "m1", priority: 1, entraGroupName: "Helpdesk" } },
    });
    expect(create?.reason).toBe(
      'New technician in Rescue group "Group 10" (10): in scope of "Helpdesk" (priority 1) and no technician has the email',
    );
  });

  it("an adopt names the group the technician is in", () => {
    const node = technicianNode(100, GROUP_B, { name: "User u1", email: "u1@example.com" });
    const result = plan({ m1: [directoryUser("u1")], m2: [] }, { nodes: [node] });
    expect(byId(result.actions, "adopt:u1")).toMatchObject({
      rescueGroup: { id: GROUP_B, name: "Group 11" },
      cause: { code: "same-email", pair: { mappingId: "m1" } },
    });
  });

  describe("the cause of a disable", () => {
    const node = technicianNode(100, GROUP_A, { name: "User u1", email: "u1@example.com" });
    const links = [{ entraUserId: "u1", rescueNodeId: 100 }];

    it("disabled in Entra", () => {
      const result = plan({ m1: [directoryUser("u1", { accountEnabled: false })], m2: [] }, { nodes: [node], links });
      expect(byId(result.actions, "disable:u1")?.cause).toMatchObject({ code: "disabled-in-entra" });
      expect(byId(result.actions, "disable:u1")?.reason).toBe(
        'The account is disabled in Entra (still a member of "Helpdesk" (priority 1))',
      );
    });

    it("excluded by a pair's filter, naming the filter", () => {
      const filtered = {
        ...helpdesk,
        filter: { attribute: "department" as const, operator: "equals" as const, value: "Support" },
      };
      const result = plan(
        { m1: [directoryUser("u1", { department: "Sales" })], m2: [] },
        { mappings: [filtered, field], nodes: [node], links },
      );
      const disable = byId(result.actions, "disable:u1");
      expect(disable?.cause).toMatchObject({
        code: "excluded-by-filter",
        filteredBy: [{ mappingId: "m1", filter: filtered.filter }],
      });
      expect(disable?.reason).toBe(
        'Still in a mapped group, but "Helpdesk" (priority 1) leaves it out by its filter (department equals "Support")',
      );
    });

    it("in no mapped group any more: removed or deleted, which the directory read cannot tell apart", () => {
      const result = plan({ m1: [], m2: [] }, { nodes: [node], links });
      const disable = byId(result.actions, "disable:u1");
      expect(disable?.cause).toMatchObject({ code: "left-mapped-groups" });
      expect(disable?.reason).toBe(
        'No longer in any mapped group ("Helpdesk", "Field"): removed from them, or deleted in Entra',
      );
      expect(disable?.rescueGroup).toEqual({ id: GROUP_A, name: "Group 10" });
    });
  });
});

describe("per-pair summary", () => {
  it("counts, per pair in priority order, the users in scope, what is done for them and who a higher pair takes", () => {
    const linked = technicianNode(100, GROUP_A, { name: "User u3", email: "u3@example.com" }, { status: "disabled" });
    const result = plan(
      {
        m1: [directoryUser("u1"), directoryUser("u3")],
        m2: [directoryUser("u1"), directoryUser("u2")],
      },
      { nodes: [linked], links: [{ entraUserId: "u3", rescueNodeId: 100 }] },
    );
    expect(result.pairs).toEqual([
      expect.objectContaining({
        mappingId: "m1",
        rescueGroup: { id: GROUP_A, name: "Group 10" },
        members: 2,
        inScope: 2,
        owned: 2,
        create: 1,
        enable: 1,
        lostTo: [],
      }),
      expect.objectContaining({
        mappingId: "m2",
        members: 2,
        inScope: 2,
        owned: 1,
        create: 1,
        lostTo: [{ mappingId: "m1", priority: 1, count: 1 }],
      }),
    ]);
    expect(result.pairs?.[1]?.catchesNobody).toBeUndefined();
  });

  it("says a pair catches nobody when a higher-priority pair takes all its users", () => {
    const result = plan({ m1: [directoryUser("u1"), directoryUser("u2")], m2: [directoryUser("u2")] });
    const second = result.pairs?.[1];
    expect(second).toMatchObject({ inScope: 1, owned: 0, create: 0, lostTo: [{ mappingId: "m1", count: 1 }] });
    expect(second?.catchesNobody).toEqual({
      takenBy: ["m1"],
      message: 'Catches nobody: all its users are taken by "Helpdesk" (priority 1)',
    });
  });

  it("needs one licence per create and enable", () => {
    const result = plan({ m1: [directoryUser("u1"), directoryUser("u2")], m2: [] });
    expect(result.licencesNeeded).toBe(2);
  });
});

describe("plan warnings a person must see", () => {
  it("warns about a mapped Entra group with no members", () => {
    const result = plan({ m1: [directoryUser("u1")], m2: [] });
    expect(result.warnings).toEqual([
      expect.objectContaining({
        code: "empty-entra-group",
        mappingId: "m2",
        message: '"Field" has no members: this pair brings nobody',
      }),
    ]);
  });

  it("warns about a mapped Rescue group that is gone, and only the creates into it target it", () => {
    const result = plan({ m1: [directoryUser("u1")], m2: [directoryUser("u2")] }, { groups: [GROUP_B] });
    expect(result.warnings).toEqual([expect.objectContaining({ code: "rescue-group-missing", mappingId: "m1" })]);
    expect(byId(result.actions, "create:u1")).toMatchObject({
      groupMissing: true,
      rescueGroup: { id: GROUP_A, name: null },
    });
    expect(byId(result.actions, "create:u2")).not.toHaveProperty("groupMissing");
    expect(result.pairs?.[0]?.rescueGroup).toEqual({ id: GROUP_A, name: null });
  });

  it("creates a user of two pairs in the second pair's group when the first pair's group is gone (rule 8)", () => {
    const result = plan({ m1: [directoryUser("u1")], m2: [directoryUser("u1")] }, { groups: [GROUP_B] });
    expect(byId(result.actions, "create:u1")).toMatchObject({ rescueGroupId: GROUP_B, mappingId: "m2" });
  });
});

describe("rule 11: the safety threshold rounds down and never goes under its minimum", () => {
  const linked = (count: number) => {
    const nodes = Array.from({ length: count }, (_, i) =>
      technicianNode(100 + i, GROUP_A, { name: `User u${i}`, email: `u${i}@example.com` }),
    );
    return { nodes, links: nodes.map((node, i) => ({ entraUserId: `u${i}`, rescueNodeId: node.id })) };
  };
  const staying = (from: number, to: number) =>
    Array.from({ length: to - from }, (_, i) => directoryUser(`u${from + i}`));

  it("rule 11: 10 % of 59 linked allows 5 disables (not 6), and a minimum of 5 allows 3 of 20", () => {
    const of59 = linked(59);
    const threshold = (percent: number, minimum: number) => ({ safetyThreshold: { percent, minimum } });
    const six = planRun({
      mappings: [helpdesk],
      directory: directorySnapshot({ m1: staying(6, 59) }),
      tree: rescueTree([GROUP_A], of59.nodes),
      links: of59.links,
      settings: threshold(10, 1),
    });
    expect(six.safety).toEqual({ disableCount: 6, linkedCount: 59, allowed: 5, blocked: true });
    const of20 = linked(20);
    const three = planRun({
      mappings: [helpdesk],
      directory: directorySnapshot({ m1: staying(3, 20) }),
      tree: rescueTree([GROUP_A], of20.nodes),
      links: of20.links,
      settings: threshold(10, 5),
    });
    expect(three.safety).toEqual({ disableCount: 3, linkedCount: 20, allowed: 5, blocked: false });
    expect(three.status).toBe("ready");
  });
});
