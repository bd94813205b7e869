// An incremental run plans only the users Graph's delta says changed: the directory it passes holds just them.
import type { Link, RescueNode } from "../domain";
import type { SyncAction } from "../plan";
import { directorySnapshot, directoryUser, groupMapping, rescueTree, technicianNode } from "../testing";
import { planRun } from "./plan-run";

const GROUP = 10;
const kinds = (actions: readonly SyncAction[]) => actions.map((a) => `${a.kind}:${a.entraUserId}`);

// Twenty linked technicians, u0..u19, all still members; only the changed users are in the incremental directory.
const nodes: RescueNode[] = Array.from({ length: 20 }, (_, i) =>
  technicianNode(100 + i, GROUP, { name: `User u${i}`, email: `u${i}@example.com` }, { nick: `Givenu${i}` }),
);
const links: Link[] = nodes.map((node, i) => ({ entraUserId: `u${i}`, rescueNodeId: node.id }));
const mappings = [groupMapping("m1", "g1", GROUP)];

function planChanged(changed: string[], members: ReturnType<typeof directoryUser>[]) {
  return planRun({
    mappings,
    directory: directorySnapshot({ m1: members }),
    tree: rescueTree([GROUP], nodes),
    links,
    onlyUsers: new Set(changed),
  });
}

describe("incremental plans: only the changed users", () => {
  it("a new member is created and no unchanged linked technician is disabled", () => {
    const result = planChanged(["new"], [directoryUser("new")]);
    expect(kinds(result.actions)).toEqual(["create:new"]);
  });

  it("a changed user who left every mapped group is disabled (rule 6), the others are left as they are", () => {
    const result = planChanged(["u3"], []);
    expect(kinds(result.actions)).toEqual(["disable:u3"]);
  });

  it("a changed user disabled in Entra is disabled (rule 5)", () => {
    const result = planChanged(["u4"], [directoryUser("u4", { accountEnabled: false })]);
    expect(kinds(result.actions)).toContain("disable:u4");
    expect(result.actions.every((action) => action.entraUserId === "u4")).toBe(true);
  });

  it("rule 11: the safety threshold counts the incremental plan's disables", () => {
    const left = ["u0", "u1", "u2", "u3", "u4", "u5"];
    const result = planChanged(left, []);
    expect(result.counts.disable).toBe(6);
    expect(result.status).toBe("blocked");
  });

  it("a hold of a user who did not change is neither applied nor released", () => {
    const result = planRun({
      mappings,
      directory: directorySnapshot({ m1: [] }),
      tree: rescueTree([GROUP], nodes),
      links,
      heldActions: [{ actionId: "disable:u7", inputFingerprint: "x", code: "E", message: "refused" }],
      onlyUsers: new Set(["u3"]),
    });
    expect(kinds(result.actions)).toEqual(["disable:u3"]);
    expect(result.releasedHolds).toEqual([]);
  });
});
