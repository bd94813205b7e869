import { storedActionCause, storedRunCounts, storedRunReport } from "./stored-run-counts";

const finished = { dryRun: false, status: "partial" as const };
const zero = { planned: 0, succeeded: 0, failed: 0, skipped: 0 };

describe("a run's stored counts are read in the contract's one shape", () => {
  test("the shape the worker records is answered as it is", () => {
    const stored = {
      adopt: zero,
      create: { planned: 0, succeeded: 31, failed: 2, skipped: 0 },
      update: { planned: 0, succeeded: 1, failed: 0, skipped: 0 },
      enable: zero,
      disable: { planned: 0, succeeded: 0, failed: 1, skipped: 0 },
      calls: { entra: 4, rescue: 9 },
    };
    expect(storedRunCounts(stored, finished)).toEqual(stored);
  });

  test("planning-time counts ({ planned: { kind: n } }) become planned cells, keeping scope and safety", () => {
    const safety = { disableCount: 7, linkedCount: 40, allowed: 10, blocked: false };
    const counts = storedRunCounts({ planned: { disable: 7, create: 2 }, usersInScope: 40, safety }, finished);
    expect(counts?.disable).toEqual({ ...zero, planned: 7 });
    expect(counts?.create).toEqual({ ...zero, planned: 2 });
    expect(counts?.update).toEqual(zero);
    expect(counts?.usersInScope).toBe(40);
    expect(counts?.safety).toEqual(safety);
  });

  test("flat counts are what a real run applied or a preview proposed; the failed total is kept", () => {
    const real = storedRunCounts({ create: 5, failed: 1 }, finished);
    expect(real?.create).toEqual({ planned: 0, succeeded: 5, failed: 1, skipped: 0 });
    const preview = storedRunCounts({ create: 5, disable: 2 }, { dryRun: true, status: "succeeded" });
    expect(preview?.create).toEqual({ ...zero, planned: 5 });
    expect(preview?.disable).toEqual({ ...zero, planned: 2 });
    const blocked = storedRunCounts({ disable: 9 }, { dryRun: false, status: "blocked" });
    expect(blocked?.disable).toEqual({ ...zero, planned: 9 });
  });

  test("cells missing a status, or with odd values, count what they can", () => {
    const counts = storedRunCounts({ create: { succeeded: 3, failed: "x", skipped: -1 } }, finished);
    expect(counts?.create).toEqual({ ...zero, succeeded: 3 });
  });

  test("no counts, or not an object, reads as none", () => {
    expect(storedRunCounts(null, finished)).toBeNull();
    expect(storedRunCounts("12", finished)).toBeNull();
    expect(storedRunCounts([1, 2], finished)).toBeNull();
  });
});

describe("a run's stored report is read in the contract's shape", () => {
  test("the report the worker records is answered as it is", () => {
    const report = {
      status: "completed-with-failures",
      dryRun: false,
      durationMs: 1200,
      calls: { entra: 3, rescue: 7, rescueByMethod: { getHierarchy_v2: 1 } },
      skippedMemberCount: 3,
      skippedMembers: [
        {
          mappingId: "m1",
          entraGroupId: "g1",
          reason: "not-a-user",
          kind: "device",
          count: 3,
          examples: [{ id: "d1", displayName: null }],
          message: "3 devices in group Helpdesk skipped",
        },
      ],
      failures: [{ actionId: "create:u1", kind: "create", entraUserId: "u1", code: "INVALID_EMAIL", message: "no" }],
    };
    expect(storedRunReport(report)).toEqual(report);
  });

  test("fields an older run wrote in another shape are left out, the rest kept", () => {
    const report = storedRunReport({ durationMs: 5, skippedMembers: [null, { message: 3 }], note: "kept" });
    expect(report).toEqual({ durationMs: 5, note: "kept" });
    expect(storedRunReport(null)).toBeNull();
  });
});

describe("a run's per-pair summary, licence shortfall and actions' causes", () => {
  const pair = {
    mappingId: "m1",
    priority: 10,
    entraGroupId: "g1",
    entraGroupName: "Helpdesk",
    rescueGroup: { id: 1, name: "Support" },
    members: 3,
    inScope: 3,
    owned: 3,
    create: 2,
    adopt: 1,
    update: 0,
    enable: 0,
    disable: 0,
    lostTo: [],
  };

  test("a report with them is read as it is; one written before them reads without them", () => {
    const shortfall = {
      refusedActionId: "create:u9",
      creates: 4,
      enables: 0,
      message: "Rescue refused a technician licence",
    };
    const report = { status: "completed-with-failures", pairs: [pair], licencesNeeded: 5, licenceShortfall: shortfall };
    expect(storedRunReport(report)).toEqual(report);
    expect(storedRunReport({ status: "succeeded", warningCount: 0 })).toEqual({ status: "succeeded", warningCount: 0 });
  });

  test("a malformed summary is left out, never guessed, and the rest of the report still reads", () => {
    expect(storedRunReport({ status: "succeeded", pairs: [{ mappingId: "m1" }] })).toEqual({ status: "succeeded" });
  });

  test("an action's cause is read when it has the engine's shape, and is null on older rows", () => {
    const cause = { code: "left-mapped-groups", sentence: "No longer in any mapped group", groups: [] };
    expect(storedActionCause(cause)).toEqual(cause);
    expect(storedActionCause(null)).toBeNull();
    expect(storedActionCause({ sentence: 3 })).toBeNull();
  });
});
