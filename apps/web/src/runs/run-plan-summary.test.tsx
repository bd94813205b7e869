/** @jest-environment jsdom */
// What a person needs to judge a preview: each pair's summary, the warnings in words, each action's Rescue group
// and cause, and no "Rescue already matches Entra ID" when warnings say otherwise.
import { render, screen } from "@testing-library/react";
import type { SyncAction, SyncRun } from "../api/api-types";
import { RunActionsTable, rescueGroupOf } from "./run-actions-table";
import { RunPairs } from "./run-pairs";
import { hasPlanWarnings, RunWarnings } from "./run-warnings";

type Report = NonNullable<SyncRun["report"]>;

const pair = (overrides: Partial<NonNullable<Report["pairs"]>[number]>) => ({
  mappingId: "m1",
  priority: 10,
  entraGroupId: "g1",
  entraGroupName: "Helpdesk",
  rescueGroup: { id: 1, name: "Support Tier 1" },
  members: 29,
  inScope: 26,
  owned: 26,
  create: 23,
  adopt: 1,
  update: 0,
  enable: 0,
  disable: 0,
  lostTo: [],
  ...overrides,
});

const action = (overrides: Partial<SyncAction>): SyncAction => ({
  seq: 1,
  kind: "create",
  status: "planned",
  entraUserId: "u1",
  rescueNodeId: null,
  rescueGroupId: 1,
  rescueGroupName: "Support Tier 1",
  displayName: "Ann Lee",
  email: "ann@example.com",
  reason: "old reason",
  changes: null,
  cause: { code: "in-scope", sentence: 'New technician in Rescue group "Support Tier 1" (1): in scope of "Helpdesk"' },
  errorCode: null,
  error: null,
  ...overrides,
});

describe("the per-pair summary", () => {
  test("shows each pair in order with what it brings, and a pair that catches nobody", () => {
    const report: Report = {
      pairs: [
        pair({}),
        pair({
          mappingId: "m2",
          priority: 20,
          entraGroupName: "Escalations",
          rescueGroup: { id: 2, name: null },
          owned: 0,
          create: 0,
          adopt: 0,
          lostTo: [{ mappingId: "m1", priority: 10, count: 26 }],
          catchesNobody: { takenBy: ["m1"], message: 'Catches nobody: all its users are taken by "Helpdesk"' },
        }),
      ],
    };
    render(<RunPairs run={{ report, dryRun: true }} />);
    const rows = screen.getAllByRole("row").slice(1);
    expect(rows.map((row) => row.getAttribute("data-mapping-id"))).toEqual(["m1", "m2"]);
    expect(rows[0]?.textContent).toContain("Helpdesk → Support Tier 1");
    expect(rows[1]?.textContent).toContain("Escalations → Group 2 (no longer in Rescue)");
    expect(rows[1]?.textContent).toContain('Catches nobody: all its users are taken by "Helpdesk"');
    expect(rows[1]?.textContent).toContain('26 to "Helpdesk" (priority 10)');
  });

  test("an older run without a summary shows none", () => {
    const { container } = render(<RunPairs run={{ report: null, dryRun: true }} />);
    expect(container.textContent).toBe("");
  });
});

describe("warnings", () => {
  test("put the configuration's problems first, in words, and say how many licences a preview needs", () => {
    const report: Report = {
      warningCount: 2,
      licencesNeeded: 82,
      warnings: [
        { code: "duplicate-email", message: "ann@example.com belongs to several users in scope", entraUserId: "u1" },
        { code: "empty-entra-group", message: '"Field" has no members: this pair brings nobody', mappingId: "m3" },
      ],
    };
    render(<RunWarnings run={{ report, dryRun: true }} />);
    const items = screen.getAllByRole("listitem").map((li) => li.textContent);
    expect(items).toEqual([
      'A mapped Entra group has no members: "Field" has no members: this pair brings nobody',
      "ann@example.com belongs to several users in scope",
    ]);
    expect(screen.getByTestId("licences-needed").textContent).toContain("82 free technician licences");
  });
});

test("without warnings a preview only says how many licences it needs, under no 'Warnings' heading", () => {
  render(<RunWarnings run={{ report: { warningCount: 0, warnings: [], licencesNeeded: 1 }, dryRun: true }} />);
  expect(screen.queryByRole("heading")).toBeNull();
  expect(screen.getByTestId("licences-needed").textContent).toContain("needs 1 free technician licence (");
});

describe("the action table", () => {
  const filters = {};

  test("names each action's Rescue group and says why in the cause's words", () => {
    render(<RunActionsTable run={{ dryRun: true, status: "succeeded" }} actions={[action({})]} filters={filters} />);
    const cells = screen.getAllByRole("cell").map((td) => td.textContent);
    expect(cells).toContain("Support Tier 1 (1)");
    expect(cells).toContain('New technician in Rescue group "Support Tier 1" (1): in scope of "Helpdesk"');
  });

  test("an older run's action (no cause, no group name) still reads", () => {
    const old = action({ cause: undefined as never, rescueGroupName: undefined as never, reason: "old reason" });
    render(<RunActionsTable run={{ dryRun: true, status: "succeeded" }} actions={[old]} filters={filters} />);
    const cells = screen.getAllByRole("cell").map((td) => td.textContent);
    expect(cells).toContain("Group 1");
    expect(cells).toContain("old reason");
  });

  test("a create into a group that is gone says so", () => {
    expect(rescueGroupOf(action({ rescueGroupId: 99, rescueGroupName: null }))).toBe("Group 99 (no longer in Rescue)");
  });

  test("does not say Rescue already matches Entra ID when the run has warnings", () => {
    const report: Report = { warningCount: 1, warnings: [{ code: "empty-entra-group", message: "x" }] };
    expect(hasPlanWarnings({ report })).toBe(true);
    render(
      <RunActionsTable
        run={{ dryRun: true, status: "succeeded" }}
        actions={[]}
        filters={filters}
        hasWarnings={hasPlanWarnings({ report })}
      />,
    );
    expect(screen.queryByText("Nothing to do: Rescue already matches Entra ID.")).toBeNull();
    expect(screen.getByText(/No user needs a change, but see the warnings above/)).toBeTruthy();
  });

  test("says Rescue already matches Entra ID when nothing is planned and nothing is wrong", () => {
    expect(hasPlanWarnings({ report: { warningCount: 0, warnings: [] } })).toBe(false);
    render(<RunActionsTable run={{ dryRun: true, status: "succeeded" }} actions={[]} filters={filters} />);
    expect(screen.getByText("Nothing to do: Rescue already matches Entra ID.")).toBeTruthy();
  });
});
