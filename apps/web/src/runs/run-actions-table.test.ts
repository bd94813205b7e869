import { explainReason } from "./run-actions-table";

test("reasons name the pair instead of the mapping's id", () => {
  const reason = "in scope of mapping ecd4a2a0-aa6b-4a67-81b5-4c4b6c58b102; no technician has the email a@b.c";
  expect(explainReason(reason, { "ecd4a2a0-aa6b-4a67-81b5-4c4b6c58b102": "Helpdesk → Support Tier 1" })).toBe(
    "in scope of the pair Helpdesk → Support Tier 1; no technician has the email a@b.c",
  );
  expect(explainReason(reason, {})).toBe(reason);
  expect(explainReason(null, {})).toBe("—");
});
