import { runCounts } from "../runs/test-run-counts";
import { describeEstimate } from "./change-estimate";

const names = { m1: "Helpdesk → Support Tier 1", m2: "Tier 2 → Escalations" };

describe("an estimate run in words", () => {
  test("removing a pair: its disables, and the users who move to another pair stay in their Rescue group (rule 7)", () => {
    const run = {
      id: "r1",
      counts: runCounts({ disable: { planned: 3, succeeded: 0, failed: 0, skipped: 0 } }),
      report: {
        scopeChanges: [
          { entraUserId: "a", displayName: "Ada", fromMappingId: "m1", toMappingId: "m2", linked: true },
          { entraUserId: "b", displayName: "Bob", fromMappingId: "m1", toMappingId: "m2", linked: true },
          { entraUserId: "c", displayName: "Cy", fromMappingId: "m1", toMappingId: null, linked: true },
        ],
      },
    };
    const disables = [{ displayName: "Cy", email: "cy@contoso.example", entraUserId: "c" }];
    const estimate = describeEstimate("Removing Helpdesk → Support Tier 1", run, disables, names);
    expect(estimate.summary).toBe(
      "Removing Helpdesk → Support Tier 1 would disable 3 technicians and move 2 users to the pair “Tier 2 → Escalations”. Moved users' technicians stay in their Rescue group (rule 7).",
    );
    expect(estimate.disables).toEqual(["Cy (cy@contoso.example)"]);
    expect(estimate.moves).toEqual([
      { name: "Ada", to: "Tier 2 → Escalations" },
      { name: "Bob", to: "Tier 2 → Escalations" },
    ]);
  });

  test("a change that affects nobody says so", () => {
    const run = { id: "r2", counts: runCounts({}), report: { scopeChanges: [] } };
    expect(describeEstimate("Changing the filter of Helpdesk", run, [], names).summary).toBe(
      "Changing the filter of Helpdesk would change nothing for anyone.",
    );
  });
});
