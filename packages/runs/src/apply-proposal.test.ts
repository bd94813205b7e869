import type { GroupMapping } from "@techsync/sync-core";
import { applyProposal, PROPOSED_MAPPING_ID, proposalOf } from "./apply-proposal";

const pair = (id: string, priority: number): GroupMapping => ({
  id,
  entraGroupId: `g-${id}`,
  entraGroupName: id,
  rescueGroupId: 10,
  priority,
  transitive: true,
  filter: null,
});
const m1 = "11111111-1111-4111-8111-111111111111";
const m2 = "22222222-2222-4222-8222-222222222222";
const saved = [pair(m1, 100), pair(m2, 200)];

describe("a proposal applied to the saved pairs (an estimate; nothing is saved)", () => {
  test("remove leaves the others; the saved list is not changed", () => {
    expect(applyProposal(saved, { change: "remove", mappingId: m1 }).map((m) => m.id)).toEqual([m2]);
    expect(saved.map((m) => m.id)).toEqual([m1, m2]);
  });

  test("rule 8: a new priority re-orders the pairs; a filter replaces the pair's own", () => {
    const filter = { attribute: "department", operator: "equals", value: "Support" } as const;
    const changed = applyProposal(saved, { change: "update", mappingId: m1, priority: 300, filter });
    expect(changed.map((m) => [m.id, m.priority])).toEqual([
      [m2, 200],
      [m1, 300],
    ]);
    expect(changed[1]?.filter).toEqual(filter);
    expect(saved[0]).toEqual(pair(m1, 100));
  });

  test("add plans a pair that has no row yet, in its priority's place", () => {
    const added = applyProposal(saved, {
      change: "add",
      entraGroupId: "g-new",
      entraGroupName: "New",
      rescueGroupId: 11,
      priority: 150,
      transitive: true,
      filter: null,
    });
    expect(added.map((m) => m.id)).toEqual([m1, PROPOSED_MAPPING_ID, m2]);
  });

  test("a pair removed meanwhile makes the estimate fail in words; a malformed stored proposal is refused", () => {
    expect(() => applyProposal([saved[1]!], { change: "remove", mappingId: m1 })).toThrow(
      "The pair this estimate is about no longer exists.",
    );
    expect(proposalOf(null)).toBeNull();
    expect(() => proposalOf({ change: "rename" })).toThrow();
  });
});
