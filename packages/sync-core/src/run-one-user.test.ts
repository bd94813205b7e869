// Provisioning one user on demand: runSync with `subjectEntraUserId` plans with the same planner as a full run, fed
// only that user and its link, applies only that user's actions, and explains the decision step by step.
import type { DirectoryUser, GroupMapping, Link, RescueNode } from "./domain";
import { type RunSyncInput, runSync } from "./run-sync";
import {
  directoryUser,
  FakeClock,
  groupMapping,
  InMemoryDirectorySource,
  type InMemoryGroup,
  InMemoryRescueDirectory,
  RecordingRunRecorder,
  seededRandom,
  technicianNode,
} from "./testing";

const GROUP_A = 10;
const GROUP_B = 11;

const group = (id: string, displayName: string, memberIds: string[], childGroupIds: string[] = []): InMemoryGroup => ({
  id,
  displayName,
  memberIds,
  childGroupIds,
});

function setup(users: DirectoryUser[], groups: InMemoryGroup[], nodes: RescueNode[] = [], links: Link[] = []) {
  const directory = new InMemoryDirectorySource({ users, groups });
  const rescue = InMemoryRescueDirectory.withTechnicianGroups([GROUP_A, GROUP_B], nodes);
  const recorder = new RecordingRunRecorder();
  if (links.length > 0) void recorder.recordLinks(links);
  const run = (mappings: GroupMapping[], extra: Partial<RunSyncInput> = {}) =>
    runSync(
      { directory, rescue, recorder, clock: new FakeClock() },
      { mappings, links: recorder.links(), defaultPassword: "Default-Pa55word!", random: seededRandom(3), ...extra },
    );
  return { rescue, recorder, run };
}

const helpdesk = groupMapping("m1", "g1", GROUP_A, {
  priority: 1,
  entraGroupName: "Helpdesk",
  filter: { attribute: "department", operator: "equals", value: "IT" },
});
const field = groupMapping("m2", "g2", GROUP_B, { priority: 2, entraGroupName: "Field" });

describe("provisioning one user on demand", () => {
  it("rule 1: a user who fails a pair's filter is explained with the value and the filter, and nothing is written", async () => {
    const users = [directoryUser("sales", { department: "Sales" }), directoryUser("it", { department: "IT" })];
    const { rescue, run } = setup(users, [group("g1", "Helpdesk", ["sales", "it"]), group("g2", "Field", [])]);
    const { explanation, plan } = await run([helpdesk, field], { subjectEntraUserId: "sales" });
    expect(plan.actions).toEqual([]);
    expect(rescue.technicians()).toEqual([]);
    expect(explanation?.pairs.map((pair) => pair.sentence)).toEqual([
      "Excluded by pair 'Helpdesk → Group 10': department is 'Sales', the filter wants 'IT'",
      "Not in pair 'Field → Group 11': not a member of \"Field\" (nested groups included)",
    ]);
    expect(explanation?.pairs[0]).toMatchObject({
      verdict: "excluded-by-filter",
      filter: { attribute: "department", userValue: "Sales", passes: false },
    });
    expect(explanation?.match.by).toBe("none");
    expect(explanation?.result.status).toBe("nothing-to-do");
  });

  it("rule 2: a member of a nested group is created at once, and only that user", async () => {
    const users = [directoryUser("nested", { department: "IT" }), directoryUser("other", { department: "IT" })];
    const groups = [group("g1", "Helpdesk", ["other"], ["g3"]), group("g3", "Night shift", ["nested"])];
    const { rescue, run } = setup(users, [...groups, group("g2", "Field", [])]);
    const { explanation } = await run([helpdesk, field], { subjectEntraUserId: "nested" });
    expect(rescue.technicians().map((t) => t.email)).toEqual(["nested@example.com"]);
    expect(explanation?.pairs[0]).toMatchObject({ verdict: "in-scope", createsHere: true, through: ["Night shift"] });
    expect(explanation?.pairs[0]?.sentence).toBe(
      'In scope of pair \'Helpdesk → Group 10\': a member of "Helpdesk" through "Night shift", and department is \'IT\' (department equals "IT")',
    );
    expect(explanation?.match).toMatchObject({ by: "none" });
    expect(explanation?.actions.map((action) => action.kind)).toEqual(["create"]);
    expect(explanation?.result).toEqual({ status: "applied", sentence: "Applied in Rescue" });
  });

  it("rule 3: a technician with the user's email is matched by email, and a linked one by its link", async () => {
    const node = technicianNode(500, GROUP_B, { name: "User it", email: "IT@example.com" });
    const users = [directoryUser("it", { department: "IT" })];
    const { run } = setup(users, [group("g1", "Helpdesk", ["it"]), group("g2", "Field", [])], [node]);
    const first = await run([helpdesk, field], { subjectEntraUserId: "it" });
    expect(first.explanation?.match).toMatchObject({ by: "email", rescueNodeId: 500 });
    const second = await run([helpdesk, field], { subjectEntraUserId: "it" });
    expect(second.explanation?.match).toMatchObject({ by: "link", rescueNodeId: 500 });
    expect(second.explanation?.result.status).toBe("nothing-to-do");
  });

  it("rule 6: a run of one user never disables anyone else, however many left the groups", async () => {
    const nodes = [1, 2, 3].map((n) =>
      technicianNode(600 + n, GROUP_A, { name: `User l${n}`, email: `l${n}@example.com` }),
    );
    const links = [1, 2, 3].map((n) => ({ entraUserId: `l${n}`, rescueNodeId: 600 + n }));
    const users = [directoryUser("new", { department: "IT" })];
    const { rescue, run } = setup(users, [group("g1", "Helpdesk", ["new"]), group("g2", "Field", [])], nodes, links);
    const { plan } = await run([helpdesk, field], { subjectEntraUserId: "new" });
    expect(plan.actions.map((action) => action.id)).toEqual(["create:new"]);
    expect(rescue.technicians().filter((t) => t.status === "disabled")).toEqual([]);
  });

  it("decides for the user exactly as a full run would", async () => {
    const users = [
      directoryUser("create", { department: "IT" }),
      directoryUser("adopt", { department: "IT" }),
      directoryUser("rename", { department: "IT", displayName: "New name" }),
      directoryUser("off", { department: "IT", accountEnabled: false }),
      directoryUser("filtered", { department: "Sales" }),
      directoryUser("field"),
    ];
    const nodes = [
      technicianNode(701, GROUP_B, { name: "User adopt", email: "adopt@example.com" }),
      technicianNode(702, GROUP_A, { name: "Old name", email: "rename@example.com" }),
      technicianNode(703, GROUP_A, { name: "User off", email: "off@example.com" }),
      technicianNode(704, GROUP_A, { name: "User filtered", email: "filtered@example.com" }),
      technicianNode(705, GROUP_A, { name: "User gone", email: "gone@example.com" }),
    ];
    const links = [
      { entraUserId: "rename", rescueNodeId: 702 },
      { entraUserId: "off", rescueNodeId: 703 },
      { entraUserId: "filtered", rescueNodeId: 704 },
      { entraUserId: "gone", rescueNodeId: 705 },
    ];
    const groups = [
      group("g1", "Helpdesk", ["create", "adopt", "rename", "off", "filtered"]),
      group("g2", "Field", ["field", "create"]),
    ];
    const { run } = setup(users, groups, nodes, links);
    const settings = { safetyThreshold: { percent: 100, minimum: 100 } };
    const full = await run([helpdesk, field], { dryRun: true, settings });
    const ids = [...users.map((user) => user.id), "gone", "nobody"];
    for (const id of ids) {
      const one = await run([helpdesk, field], { dryRun: true, settings, subjectEntraUserId: id });
      const strip = (action: object) => ({ ...action });
      expect(one.plan.actions.map(strip)).toEqual(full.plan.actions.filter((a) => a.entraUserId === id).map(strip));
      expect(one.explanation?.actions.map((action) => action.id)).toEqual(
        full.plan.actions.filter((a) => a.entraUserId === id).map((a) => a.id),
      );
    }
    // The comparison is not empty: every kind of decision is in it.
    expect(new Set(full.plan.actions.map((action) => action.kind))).toEqual(
      new Set(["create", "adopt", "update", "disable"]),
    );
  });

  it("rule 10: a dry run of one user explains and applies nothing", async () => {
    const users = [directoryUser("it", { department: "IT" })];
    const { rescue, run } = setup(users, [group("g1", "Helpdesk", ["it"]), group("g2", "Field", [])]);
    const { explanation } = await run([helpdesk, field], { subjectEntraUserId: "it", dryRun: true });
    expect(rescue.technicians()).toEqual([]);
    expect(explanation?.actions.map((action) => action.kind)).toEqual(["create"]);
    expect(explanation?.result).toEqual({ status: "dry-run", sentence: "Dry run: nothing was applied" });
  });
});
