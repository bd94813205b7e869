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
    extra: Partial<
      Pick<
        RunSyncInput,
        | "dryRun"
        | "approved"
        | "tenantId"
        | "approvedActionIds"
        | "settings"
        | "heldActions"
        | "retry"
        | "random"
        | "signal"
        | "directoryConcurrency"
        | "requireApprovalForDisables"
      >
    > = {},
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

describe("runSync: reading both sides", () => {
  const transient = (retryAfterMs?: number) =>
    new SyncPortError("throttled", {
      code: "TooManyRequests",
      retryable: true,
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    });

  it("retries a directory read with the run's retry policy: its jittered backoff, then gives up after its tries", async () => {
    const { clock, directory, run } = setup([directoryUser("u1")], [group("g1", ["u1"])]);
    directory.failNext(transient());
    const { report } = await run([groupMapping("m1", "g1", GROUP_A)], {
      retry: { baseDelayMs: 1000 },
      random: () => 0,
    });
    expect(report.counts.create.succeeded).toBe(1);
    expect(clock.sleeps).toEqual([500]);
    // the report times the run on the run's clock, backoff included
    expect(report.durationMs).toBe(500);

    directory.failNext(transient(), transient());
    await expect(run([groupMapping("m1", "g1", GROUP_A)], { retry: { maxAttempts: 2 } })).rejects.toMatchObject({
      code: "TooManyRequests",
    });
  });

  it("does not wait out a read's backoff once the run is cancelled", async () => {
    const { clock, directory, rescue, run } = setup([directoryUser("u1")], [group("g1", ["u1"])]);
    const controller = new AbortController();
    controller.abort();
    directory.failNext(transient(1000));
    await expect(run([groupMapping("m1", "g1", GROUP_A)], { signal: controller.signal })).rejects.toMatchObject({
      code: "TooManyRequests",
    });
    expect(clock.sleeps).toEqual([]);
    expect(rescue.writeCount()).toBe(0);
  });

  it("fails the run with Rescue's own error when the tree cannot be read, recording no plan", async () => {
    const { rescue, recorder, run } = setup([directoryUser("u1")], [group("g1", ["u1"])]);
    rescue.failNext(new SyncPortError("bad authcode", { code: "INVALID_SECRETAUTHCODE" }));
    const failure = run([groupMapping("m1", "g1", GROUP_A)]);
    await expect(failure).rejects.toBeInstanceOf(SyncPortError);
    await expect(failure).rejects.toMatchObject({ code: "INVALID_SECRETAUTHCODE" });
    expect(recorder.plans).toEqual([]);
    expect(rescue.writeCount()).toBe(0);
  });

  it("reports the calls of this run only, when the worker reuses its ports", async () => {
    const { run } = setup([directoryUser("u1")], [group("g1", ["u1"])]);
    await run([groupMapping("m1", "g1", GROUP_A)]);
    const { report } = await run([groupMapping("m1", "g1", GROUP_A)]);
    // one page of members, one tree, nothing to write
    expect(report.calls).toEqual({ directory: 1, rescue: 1 });
  });

  it("reports progress phase by phase: each group read, the tree read, the plan, then the apply", async () => {
    const { recorder, run } = setup(
      [directoryUser("u1"), directoryUser("u2")],
      [group("g1", ["u1"]), group("g2", ["u2"])],
    );
    await run([groupMapping("m1", "g1", GROUP_A), groupMapping("m2", "g2", GROUP_B)]);
    const events = recorder.progressEvents;
    const ofPhase = (phase: string) => events.filter((e) => e.phase === phase).map(({ done, total }) => [done, total]);
    expect(ofPhase("read-directory")).toEqual([
      [0, 2],
      [1, 2],
      [2, 2],
    ]);
    expect(ofPhase("read-rescue")).toEqual([[1, 1]]);
    expect(ofPhase("plan")).toEqual([
      [0, 1],
      [1, 1],
    ]);
    expect(events.at(-1)).toEqual({ phase: "apply", done: 2, total: 2 });
    const firstOf = (phase: string) => events.findIndex((e) => e.phase === phase);
    expect(firstOf("read-directory")).toBe(0);
    expect(firstOf("plan")).toBeGreaterThan(events.findLastIndex((e) => e.phase.startsWith("read-")));
    expect(firstOf("apply")).toBeGreaterThan(events.findLastIndex((e) => e.phase === "plan"));
  });

  it("reads at most 4 groups at once by default, or as many as the run says", async () => {
    const groups = Array.from({ length: 6 }, (_, i) => group(`g${i}`, [`u${i}`]));
    const users = groups.map((_, i) => directoryUser(`u${i}`));
    const mappings = groups.map((g, i) => groupMapping(`m${i}`, g.id, GROUP_A));
    const { directory, run } = setup(users, groups);
    let inFlight = 0;
    let most = 0;
    const read = directory.groupMembers.bind(directory);
    directory.groupMembers = async function* (groupId, options) {
      inFlight += 1;
      most = Math.max(most, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 2));
      yield* read(groupId, options);
      inFlight -= 1;
    };
    await run(mappings, { dryRun: true });
    expect(most).toBe(4);
    most = 0;
    await run(mappings, { dryRun: true, directoryConcurrency: 2 });
    expect(most).toBe(2);
  });
});

describe("rule 9: runSync holds an action Rescue refused before with an unknown code", () => {
  it("neither sends the held action nor fails the run; the plan warns that it is held", async () => {
    const { rescue, run } = setup([directoryUser("u1")], [group("g1", ["u1"])]);
    const mappings = [groupMapping("m1", "g1", GROUP_A)];
    const preview = await run(mappings, { dryRun: true });
    const create = preview.plan.actions[0]!;
    const hold = { actionId: create.id, inputFingerprint: create.inputFingerprint!, code: "NEWCODE", message: "raw" };
    const { plan, report } = await run(mappings, { heldActions: [hold] });
    expect(plan.actions).toEqual([]);
    expect(plan.warnings).toEqual([expect.objectContaining({ code: "action-held", actionId: "create:u1" })]);
    expect(report.status).toBe("succeeded");
    expect(rescue.writeCount()).toBe(0);
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
    // The recorded plan is what is applied; the log says what no longer applies and what waits for the next run.
    expect(recorder.plans.at(-1)?.plan.counts).toEqual({ adopt: 0, create: 0, update: 0, enable: 0, disable: 2 });
    expect(recorder.logs).toContainEqual({
      level: "info",
      message: "approved run: applying the approved actions that still apply",
      context: { approved: 3, stillApply: 2, newSinceApproval: 1 },
    });
  });
});

describe("rule 14: a changed configuration asks before it disables anyone", () => {
  const reason = (count: number) =>
    `The configuration changed since the last preview: approve these ${count} disables.`;

  it("stops blocked, applying nothing, when the plan disables anyone; says why; an approval applies it", async () => {
    const users = ["u1", "u2", "u3"].map((id) => directoryUser(id));
    const { directory, rescue, recorder, run } = setup(users, [group("g1", ["u1", "u2", "u3"])]);
    const mappings = [groupMapping("m1", "g1", GROUP_A)];
    await run(mappings);
    // One leaves and one joins: one disable (under the safety threshold) and one create.
    directory.setGroup(group("g1", ["u2", "u3", "u4"]));
    directory.setUser(directoryUser("u4"));
    const writes = rescue.writeCount();
    const blocked = await run(mappings, { requireApprovalForDisables: reason });
    expect(blocked.report.status).toBe("blocked");
    expect(blocked.report.approvalReason).toBe(reason(1));
    expect(blocked.report.safety.blocked).toBe(false);
    expect(rescue.writeCount()).toBe(writes);
    expect(recorder.logs).toContainEqual({ level: "warn", message: reason(1), context: { disables: 1 } });

    const approved = new Set(blocked.plan.actions.map((action) => action.id));
    const { report } = await run(mappings, { requireApprovalForDisables: reason, approvedActionIds: approved });
    expect(report.status).toBe("succeeded");
    expect(report.counts.disable.succeeded).toBe(1);
  });

  it("applies a plan without disables as usual, and never blocks a dry run", async () => {
    const { directory, run } = setup([directoryUser("u1"), directoryUser("u2")], [group("g1", ["u1"])]);
    const mappings = [groupMapping("m1", "g1", GROUP_A)];
    const created = await run(mappings, { requireApprovalForDisables: reason });
    expect(created.report).toMatchObject({ status: "succeeded", counts: { create: { succeeded: 1 } } });
    expect(created.report.approvalReason).toBeUndefined();
    directory.setGroup(group("g1", ["u2"]));
    const preview = await run(mappings, { requireApprovalForDisables: reason, dryRun: true });
    expect(preview.report.status).toBe("dry-run");
    expect(preview.plan.counts.disable).toBe(1);
  });
});
