import { runCount, runPhaseLabel } from "./run-words";

describe("run counts as the worker records them", () => {
  const perStatus = {
    create: { planned: 0, succeeded: 31, failed: 2, skipped: 0 },
    update: { planned: 0, succeeded: 1, failed: 0, skipped: 0 },
    disable: { planned: 0, succeeded: 0, failed: 1, skipped: 0 },
    calls: { entra: 4, rescue: 9 },
  };

  test("a real run counts what it applied, and its failures across kinds", () => {
    const run = { counts: perStatus, dryRun: false, status: "partial" as const };
    expect(runCount(run, "create")).toBe(31);
    expect(runCount(run, "failed")).toBe(3);
    expect(runCount(run, "enable")).toBe(0);
  });

  test("a preview or a blocked run counts everything it proposes", () => {
    const planned = { create: { planned: 33, succeeded: 0, failed: 0, skipped: 0 } };
    expect(runCount({ counts: planned, dryRun: true }, "create")).toBe(33);
    expect(runCount({ counts: perStatus, dryRun: false, status: "blocked" }, "create")).toBe(33);
  });

  test("while planning, and in flat form, counts are read too", () => {
    expect(runCount({ counts: { planned: { disable: 7 }, usersInScope: 40 } }, "disable")).toBe(7);
    expect(runCount({ counts: { create: 5, failed: 1 } }, "create")).toBe(5);
    expect(runCount({ counts: { create: 5, failed: 1 } }, "failed")).toBe(1);
    expect(runCount({ counts: null }, "create")).toBe(0);
  });
});

test("the worker's phases are said in words", () => {
  expect(runPhaseLabel("plan")).toBe("Planning");
  expect(runPhaseLabel("apply")).toBe("Applying changes");
  expect(runPhaseLabel("read-directory")).toBe("Reading the Entra ID groups");
  expect(runPhaseLabel("verify")).toBe("Verify");
  expect(runPhaseLabel(null)).toBe("");
});
