import { skippedMembersOf } from "./run-skipped-members";

describe("skipped members in a run's report", () => {
  test("one line per tally, as the worker recorded it", () => {
    const report = {
      skippedMembers: [
        {
          mappingId: "m1",
          reason: "not-a-user",
          kind: "device",
          count: 3,
          message: "3 devices in group Helpdesk skipped",
        },
        { mappingId: "m1", reason: "guests-not-included", kind: "guest", count: 1, message: "Guest jane@x skipped" },
      ],
    };
    expect(skippedMembersOf({ report }).map((line) => [line.message, line.count])).toEqual([
      ["3 devices in group Helpdesk skipped", 3],
      ["Guest jane@x skipped", 1],
    ]);
  });

  // Odd stored entries are dropped by the API when it reads the report: stored-run-counts.test.ts.
  test("a report without them (older runs, unfinished runs) shows none", () => {
    expect(skippedMembersOf({ report: null })).toEqual([]);
    expect(skippedMembersOf({ report: { warnings: [] } })).toEqual([]);
  });
});
