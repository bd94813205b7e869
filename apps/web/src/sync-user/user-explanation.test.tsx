/** @jest-environment jsdom */
import { render, screen } from "@testing-library/react";
import type { SyncUserReply } from "../api/api-types";
import { UserExplanationSteps } from "./user-explanation";

const explanation: NonNullable<SyncUserReply["explanation"]> = {
  entraUserId: "u1",
  user: { displayName: "Sam Sales", email: "sam@contoso.example", accountEnabled: true },
  pairs: [
    {
      mappingId: "m1",
      priority: 1,
      pair: "Helpdesk → Support Tier 1",
      verdict: "excluded-by-filter",
      filter: { description: 'department equals "IT"', attribute: "department", userValue: "Sales", passes: false },
      sentence: "Excluded by pair 'Helpdesk → Support Tier 1': department is 'Sales', the filter wants 'IT'",
    },
    {
      mappingId: "m2",
      priority: 2,
      pair: "Field → North",
      verdict: "in-scope",
      createsHere: true,
      through: ["Night shift"],
      sentence: 'In scope of pair \'Field → North\': a member of "Field" through "Night shift"',
    },
  ],
  match: { by: "none", sentence: "No link and no technician with the same email anywhere in Rescue" },
  actions: [{ id: "create:u1", kind: "create", sentence: 'New technician in Rescue group "North" (104)' }],
  result: { status: "applied", sentence: "Applied in Rescue" },
};

test("each pair says in words whether it passes and why, then the match, the action and the result", () => {
  render(<UserExplanationSteps explanation={explanation} dryRun={false} />);
  const pairs = screen.getAllByRole("listitem").filter((item) => item.hasAttribute("data-pair-verdict"));
  expect(pairs.map((item) => item.textContent)).toEqual([
    "✗ Does not pass: Excluded by pair 'Helpdesk → Support Tier 1': department is 'Sales', the filter wants 'IT'",
    '✓ Passes: In scope of pair \'Field → North\': a member of "Field" through "Night shift" (a new technician would be created here)',
  ]);
  expect(screen.getByText("No link and no technician with the same email anywhere in Rescue")).toBeTruthy();
  expect(screen.getByText('New technician in Rescue group "North" (104)')).toBeTruthy();
  expect(screen.getByText(/^Done: Applied in Rescue$/)).toBeTruthy();
});

test("a dry run says nothing was changed in Rescue", () => {
  render(
    <UserExplanationSteps
      explanation={{ ...explanation, result: { status: "dry-run", sentence: "Dry run: nothing was applied" } }}
      dryRun
    />,
  );
  expect(screen.getByText("Dry run: nothing was applied")).toBeTruthy();
});
