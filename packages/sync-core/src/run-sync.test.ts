import type { DirectoryUser, GroupMapping } from "./domain";
import { SyncPortError } from "./ports";
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
} from "./testing";

const GROUP_A = 10;
const GROUP_B = 11;

function setup(users: DirectoryUser[], groups: InMemoryGroup[], options: { pageSize?: number } = {}) {
  const clock = new FakeClock();
  const directory = new InMemoryDirectorySource({ users, groups, ...options });
  const rescue = InMemoryRescueDirectory.withTechnicianGroups([GROUP_A, GROUP_B], [], { maxCreateBatch: 1000 });
  const recorder = new RecordingRunRecorder();
  const run = (
    mappings: GroupMapping[],
    extra: Partial<Pick<RunSyncInput, "dryRun" | "approved" | "tenantId" | "approvedActionIds" | "settings">> = {},
  ) =>
    runSync(
      { directory, rescue, recorder, clock },
      { mappings, links: recorder.links(), defaultPassword: "Default-Pa55word!", random: seededRandom(3), ...extra },
    );
  return { clock, directory, rescue, recorder, run };
}

const group = (id: string, memberIds: string[], childGroupIds: string[] = []): InMemoryGroup => ({
  id,
  displayName: `Group ${id}`,
  memberIds,
  childGroupIds,
});

describe("rule 1: transitive membership by default", () => {
  const users = [directoryUser("direct"), directoryUser("nested"), directoryUser("deep")];
  const groups = [group("g1", ["direct"], ["g2"]), group("g2", ["nested"], ["g3"]), group("g3", ["deep"], ["g1"])];

  it("puts members of nested groups in scope (cycles in the nesting tolerated)", async () => {
    const { rescue, run } = setup(users, groups);
    const { report } = await run([groupMapping("m1", "g1", GROUP_A)]);
    expect(report.counts.create.succeeded).toBe(3);
    expect(
      rescue
        .technicians()
        .map((t) => t.email)
        .sort(),
    ).toEqual(["deep@example.com", "direct@example.com", "nested@example.com"]);
  });

  it("reads direct members only when the mapping says so", async () => {
    const { rescue, run } = setup(users, groups);
    await run([groupMapping("m1", "g1", GROUP_A, { transitive: false })]);
    expect(rescue.technicians().map((t) => t.email)).toEqual(["direct@example.com"]);
  });
});

describe("runSync", () => {
  it("reads members page by page and each mapped group once, and reports calls to each system", async () => {
    const users = Array.from({ length: 2500 }, (_, i) => directoryUser(`u${i}`));
    const { directory, rescue, run } = setup(
      users,
      [
        group(
          "g1",
          users.map((u) => u.id),
        ),
      ],
      { pageSize: 999 },
    );
    const mappings = [
      groupMapping("m1", "g1", GROUP_A, { priority: 1 }),
      groupMapping("m2", "g1", GROUP_B, { priority: 2 }),
    ];
    const { plan, report } = await run(mappings);
    expect(directory.callCount()).toBe(3);
    expect(report.calls).toEqual({ directory: 3, rescue: 1 + 3 });
    expect(plan.counts.create).toBe(2500);
    expect(rescue.technicians().every((t) => t.parentId === GROUP_A)).toBe(true);
    expect(report.durationMs).toBeGreaterThanOrEqual(0);
  });

  it("retries a transient directory failure from the group's first page", async () => {
    const { directory, run } = setup([directoryUser("u1")], [group("g1", ["u1"])]);
    directory.failNext(
      new SyncPortError("throttled", { code: "TooManyRequests", retryable: true, retryAfterMs: 1000 }),
    );
    const { report } = await run([groupMapping("m1", "g1", GROUP_A)]);
    expect(report.counts.create.succeeded).toBe(1);
  });

  it("fails the run, writing nothing, when a mapped group cannot be read (rather than disable its members)", async () => {
    const { rescue, recorder, run } = setup([directoryUser("u1")], [group("g1", ["u1"])]);
    await run([groupMapping("m1", "g1", GROUP_A)]);
    const writes = rescue.writeCount();
    await expect(run([groupMapping("m1", "missing", GROUP_A)])).rejects.toMatchObject({
      code: "Request_ResourceNotFound",
    });
    expect(rescue.writeCount()).toBe(writes);
    expect(recorder.plans).toHaveLength(1);
  });
});

describe("rule 10: a dry run computes and records the plan and applies nothing", () => {
  it("reads both sides, records the plan, and makes no write call", async () => {
    const { rescue, recorder, run } = setup([directoryUser("u1"), directoryUser("u2")], [group("g1", ["u1", "u2"])]);
    const { plan, report } = await run([groupMapping("m1", "g1", GROUP_A)], { dryRun: true, tenantId: "tenant-1" });
    expect(report.status).toBe("dry-run");
    expect(plan.tenantId).toBe("tenant-1");
    expect(plan.counts.create).toBe(2);
    expect(rescue.writeCount()).toBe(0);
    expect(recorder.plans.map((p) => p.dryRun)).toEqual([true]);
    expect(recorder.links()).toEqual([]);
  });
});

describe("rule 12: runs are idempotent and convergent", () => {
  const users = [
    directoryUser("u1"),
    directoryUser("u2", { accountEnabled: false }),
    directoryUser("u3", { givenName: null, department: "Support" }),
  ];
  const groups = [group("g1", ["u1", "u2"]), group("g2", ["u3"])];
  const mappings = [groupMapping("m1", "g1", GROUP_A), groupMapping("m2", "g2", GROUP_B)];

  it("a second run straight after a successful one plans nothing and writes nothing", async () => {
    const { rescue, run } = setup(users, groups);
    const first = await run(mappings);
    expect(first.report.status).toBe("succeeded");
    const writes = rescue.writeCount();
    const second = await run(mappings);
    expect(second.plan.actions).toEqual([]);
    expect(rescue.writeCount()).toBe(writes);
  });

  it("a run that crashed after its bulk create, before recording the links, adopts on re-run: no duplicates", async () => {
    const { rescue, recorder, run } = setup(users, groups);
    recorder.recordLinks = async () => {
      throw new Error("worker killed");
    };
    await expect(run(mappings)).rejects.toThrow("worker killed");
    // both were created in the one bulk call whose links were lost
    expect(rescue.technicians()).toHaveLength(2);

    const fresh = setup(users, groups);
    const healthy = new RecordingRunRecorder();
    const rerun = await runSync(
      { directory: fresh.directory, rescue, recorder: healthy, clock: fresh.clock },
      { mappings, links: [], defaultPassword: "Default-Pa55word!" },
    );
    expect(rerun.plan.counts).toMatchObject({ adopt: 2, create: 0 });
    const emails = rescue.technicians().map((t) => t.email);
    expect(new Set(emails).size).toBe(emails.length);
    expect(emails.sort()).toEqual(["u1@example.com", "u3@example.com"]);
    expect(healthy.links()).toHaveLength(2);
  });
});

describe("rule 11: an approved run applies only what was approved and still applies", () => {
  it("applies the approved actions of a fresh plan, holds back new ones and drops those that no longer apply", async () => {
    const users = ["u1", "u2", "u3", "u4", "u5"].map((id) => directoryUser(id));
    const { directory, rescue, recorder, run } = setup(users, [group("g1", ["u1", "u2", "u3", "u4", "u5"])]);
    const mappings = [groupMapping("m1", "g1", GROUP_A)];
    await run(mappings);
    expect(rescue.technicians().filter((t) => t.status === "enabled")).toHaveLength(5);

    // Three leave: blocked (over max(2, 10 %)); the person approves those three disables.
    directory.setGroup(group("g1", ["u4", "u5"]));
    const settings = { safetyThreshold: { percent: 10, minimum: 2 } };
    const blocked = await run(mappings, { settings });
    expect(blocked.report.status).toBe("blocked");
    const approved = new Set(blocked.plan.actions.map((action) => action.id));
    expect([...approved].sort()).toEqual(["disable:u1", "disable:u2", "disable:u3"]);

    // Before the approved run: u1 comes back (its disable no longer applies), u4 leaves too (not approved).
    directory.setGroup(group("g1", ["u1", "u5"]));
    const { report } = await run(mappings, { settings, approvedActionIds: approved });
    expect(report.counts.disable.succeeded).toBe(2);
    const disabled = rescue
      .technicians()
      .filter((t) => t.status === "disabled")
      .map((t) => t.email)
      .sort();
    expect(disabled).toEqual(["u2@example.com", "u3@example.com"]);
    expect(recorder.logs.map((line) => line.message)).toContain(
      "approved run: applying the approved actions that still apply",
    );
  });
});
