import { RUN_STATUSES } from "@techsync/api-contract";
import { actionKindLabel, actionStatusLabel, runCount, runIsLive, runPhaseLabel } from "./run-words";
import { runCounts } from "./test-run-counts";

describe("run counts as the worker records them", () => {
  const perStatus = runCounts(
    {
      create: { planned: 0, succeeded: 31, failed: 2, skipped: 0 },
      update: { planned: 0, succeeded: 1, failed: 0, skipped: 0 },
      disable: { planned: 0, succeeded: 0, failed: 1, skipped: 0 },
    },
    { calls: { entra: 4, rescue: 9 } },
  );

  test("a real run counts what it applied, and its failures across kinds", () => {
    const run = { counts: perStatus, dryRun: false, status: "partial" as const };
    expect(runCount(run, "create")).toBe(31);
    expect(runCount(run, "failed")).toBe(3);
    expect(runCount(run, "enable")).toBe(0);
  });

  test("a preview or a blocked run counts everything it proposes", () => {
    const planned = runCounts({ create: { planned: 33, succeeded: 0, failed: 0, skipped: 0 } });
    expect(runCount({ counts: planned, dryRun: true, status: "succeeded" }, "create")).toBe(33);
    expect(runCount({ counts: perStatus, dryRun: false, status: "blocked" }, "create")).toBe(33);
  });

  // Older stored shapes (planning-time, flat) are the API's to normalise: stored-run-counts.test.ts.
  test("while planning a run counts what it planned; a run without counts counts none", () => {
    const planning = runCounts({ disable: { planned: 7 } }, { usersInScope: 40 });
    expect(runCount({ counts: planning, dryRun: false, status: "running" }, "disable")).toBe(7);
    const flat = runCounts({ create: { succeeded: 5, failed: 1 } });
    expect(runCount({ counts: flat, dryRun: false, status: "partial" }, "create")).toBe(5);
    expect(runCount({ counts: flat, dryRun: false, status: "partial" }, "failed")).toBe(1);
    expect(runCount({ counts: null, dryRun: false, status: "queued" }, "create")).toBe(0);
  });
});

test("the worker's phases are said in words", () => {
  expect(runPhaseLabel("plan")).toBe("Planning");
  expect(runPhaseLabel("apply")).toBe("Applying changes");
  expect(runPhaseLabel("read-directory")).toBe("Reading the Entra ID groups");
  expect(runPhaseLabel("verify")).toBe("Verify");
  expect(runPhaseLabel(null)).toBe("");
});

describe("an action's status in words", () => {
  test("rule 11: a blocked run's actions await approval; a finished run's planned or skipped ones read not applied", () => {
    expect(actionStatusLabel("planned", "blocked")).toBe("Awaiting approval");
    expect(actionStatusLabel("planned", "cancelled")).toBe("Not applied");
    expect(actionStatusLabel("skipped", "succeeded")).toBe("Not applied");
    expect(actionStatusLabel("succeeded", "succeeded")).toBe("Applied");
    expect(actionStatusLabel("failed", "partial")).toBe("Failed");
    expect(actionKindLabel("disable", false, "skipped")).toBe("Disable");
    expect(actionKindLabel("disable", false, "succeeded")).toBe("Disabled");
    expect(actionKindLabel("disable", true, "planned")).toBe("Will be disabled");
  });

  test("no action of a finished run reads planned", () => {
    for (const status of RUN_STATUSES.filter((s) => !runIsLive(s))) {
      for (const action of ["planned", "succeeded", "failed", "skipped"] as const) {
        expect(actionStatusLabel(action, status).toLowerCase()).not.toContain("planned");
      }
    }
  });
});
