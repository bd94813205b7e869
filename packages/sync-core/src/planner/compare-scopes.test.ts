import type { GroupMapping } from "../domain";
import { directorySnapshot, directoryUser, groupMapping } from "../testing";
import { compareScopes } from "./compare-scopes";

const helpdesk = groupMapping("m1", "g-helpdesk", 10, { priority: 1 });
const tier2 = groupMapping("m2", "g-tier2", 11, { priority: 2 });
const ada = directoryUser("ada");
const bob = directoryUser("bob", { department: "Sales" });
const cy = directoryUser("cy");
const directory = directorySnapshot({ m1: [ada, bob], m2: [ada, cy] });

function compare(after: GroupMapping[], linked: string[] = ["ada", "bob"]) {
  return compareScopes({
    before: [helpdesk, tier2],
    after,
    directory,
    includeGuests: false,
    isTechnicianGroup: () => true,
    linked: (id) => linked.includes(id),
  });
}

describe("compareScopes: whose first pair a proposed change moves", () => {
  it("rule 8: removing a pair moves its users who are in another pair to that one, and the others to none", () => {
    expect(compare([tier2])).toEqual([
      { entraUserId: "ada", displayName: "User ada", fromMappingId: "m1", toMappingId: "m2", linked: true },
      { entraUserId: "bob", displayName: "User bob", fromMappingId: "m1", toMappingId: null, linked: true },
    ]);
  });

  it("rule 8: swapping priorities moves the users in both pairs; a filter takes out who no longer passes it", () => {
    expect(compare([{ ...helpdesk, priority: 3 }, tier2]).map((c) => [c.entraUserId, c.toMappingId])).toEqual([
      ["ada", "m2"],
    ]);
    const supportOnly = { ...helpdesk, filter: { attribute: "department", operator: "equals", value: "Sales" } };
    expect(compare([supportOnly as GroupMapping, tier2]).map((c) => [c.entraUserId, c.toMappingId])).toEqual([
      ["ada", "m2"],
    ]);
  });

  it("a change that moves nobody says so with an empty list; a new pair lists who it would take in", () => {
    expect(compare([helpdesk, tier2])).toEqual([]);
    const field = groupMapping("proposed", "g-field", 12, { priority: 0 });
    const withField = directorySnapshot({ m1: [ada, bob], m2: [ada, cy], proposed: [cy] });
    const changes = compareScopes({
      before: [helpdesk, tier2],
      after: [field, helpdesk, tier2],
      directory: withField,
      includeGuests: false,
      isTechnicianGroup: () => true,
      linked: () => false,
    });
    expect(changes.map((c) => [c.entraUserId, c.fromMappingId, c.toMappingId])).toEqual([["cy", "m2", "proposed"]]);
  });
});
