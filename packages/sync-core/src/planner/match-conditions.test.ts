// rule 1 with several conditions: all/any, include/exclude, the older single filter read as one condition, and the
// explanation naming which condition passed or failed.
import type { DirectoryUser, GroupMapping, MappingConditions } from "../domain";
import { directorySnapshot, directoryUser, groupMapping, rescueTree, technicianNode } from "../testing";
import { explainUser } from "./explain-user";
import { conditionsOf, matchConditions } from "./match-filter";
import { planRun } from "./plan-run";

const it_ = directoryUser("it", { department: "IT", jobTitle: "Engineer" });
const sales = directoryUser("sales", { department: "Sales", jobTitle: "Field Engineer" });
const contractor = directoryUser("contractor", { department: "IT", jobTitle: "Contractor" });
const nobody = directoryUser("nobody", {});

const anyOf: MappingConditions = {
  combinator: "any",
  conditions: [
    { attribute: "department", operator: "equals", value: "it", mode: "include" },
    { attribute: "jobTitle", operator: "startsWith", value: "field", mode: "include" },
  ],
};
const allOf: MappingConditions = {
  combinator: "all",
  conditions: [
    { attribute: "department", operator: "equals", value: "IT", mode: "include" },
    { attribute: "jobTitle", operator: "contains", value: "contract", mode: "exclude" },
  ],
};

describe("a pair's conditions", () => {
  it("any: one passing condition is enough", () => {
    expect(matchConditions(it_, anyOf)).toBe(true);
    expect(matchConditions(sales, anyOf)).toBe(true);
    expect(matchConditions(nobody, anyOf)).toBe(false);
  });

  it("all: every condition must pass, and exclude leaves out the users it matches", () => {
    expect(matchConditions(it_, allOf)).toBe(true);
    expect(matchConditions(contractor, allOf)).toBe(false);
    expect(matchConditions(sales, allOf)).toBe(false);
  });

  it("exclude keeps a user who has no value for the attribute (nothing to exclude on)", () => {
    const onlyExclude: MappingConditions = {
      combinator: "all",
      conditions: [{ attribute: "jobTitle", operator: "contains", value: "contract", mode: "exclude" }],
    };
    expect(matchConditions(nobody, onlyExclude)).toBe(true);
    expect(matchConditions(contractor, onlyExclude)).toBe(false);
  });

  it("no conditions, or an empty list, lets everyone through", () => {
    expect(matchConditions(nobody, null)).toBe(true);
    expect(matchConditions(nobody, { combinator: "any", conditions: [] })).toBe(true);
  });

  it("the older single filter is one include condition; conditions, when given, win over it", () => {
    const filter = { attribute: "department", operator: "equals", value: "Sales" } as const;
    expect(conditionsOf({ filter })).toEqual({ combinator: "all", conditions: [{ ...filter, mode: "include" }] });
    expect(conditionsOf({ filter, conditions: anyOf })).toBe(anyOf);
    expect(conditionsOf({ filter: null, conditions: null })).toBeNull();
  });
});

describe("planning with conditions", () => {
  const GROUP = 10;
  const pair = (conditions: MappingConditions): GroupMapping =>
    groupMapping("m1", "g1", GROUP, { priority: 1, entraGroupName: "Helpdesk", conditions });
  const plan = (mapping: GroupMapping, members: DirectoryUser[], linked: DirectoryUser[] = []) =>
    planRun({
      mappings: [mapping],
      directory: directorySnapshot({ m1: members }),
      tree: rescueTree(
        [GROUP],
        linked.map((u, i) => technicianNode(100 + i, GROUP, { name: u.displayName ?? u.id, email: u.mail! })),
      ),
      links: linked.map((u, i) => ({ entraUserId: u.id, rescueNodeId: 100 + i })),
    });

  it("creates the users the conditions let in, and no one else", () => {
    const result = plan(pair(anyOf), [it_, sales, nobody]);
    expect(
      result.actions
        .filter((a) => a.kind === "create")
        .map((a) => a.entraUserId)
        .sort(),
    ).toEqual(["it", "sales"]);
  });

  it("disables a linked user an exclude condition now leaves out, and the cause names the conditions", () => {
    const result = plan(pair(allOf), [it_, contractor], [contractor]);
    const disable = result.actions.find((a) => a.id === "disable:contractor");
    expect(disable?.cause).toMatchObject({
      code: "excluded-by-filter",
      filteredBy: [{ mappingId: "m1", conditions: allOf }],
    });
    expect(disable?.reason).toBe(
      'Still in a mapped group, but "Helpdesk" (priority 1) leaves it out by its conditions (all of: department equals "IT"; jobTitle does not contain "contract")',
    );
  });
});

describe("explaining one user against conditions", () => {
  const GROUP = 10;
  function explain(conditions: MappingConditions, user: DirectoryUser) {
    const mapping = groupMapping("m1", "g1", GROUP, { priority: 1, entraGroupName: "Helpdesk", conditions });
    const directory = directorySnapshot({ m1: [user] });
    const tree = rescueTree([GROUP], []);
    const plan = planRun({ mappings: [mapping], directory, tree, links: [] });
    return explainUser({
      entraUserId: user.id,
      mappings: [mapping],
      directory,
      tree,
      links: [],
      includeGuests: false,
      plan,
    }).pairs[0]!;
  }

  it("any: names the condition that let the user in", () => {
    const verdict = explain(anyOf, sales);
    expect(verdict.verdict).toBe("in-scope");
    expect(verdict.sentence).toBe(
      "In scope of pair 'Helpdesk → Group 10': a member of \"Helpdesk\", and jobTitle is 'Field Engineer' (jobTitle starts with \"field\") (any one condition is enough)",
    );
    expect(verdict.conditions?.map((c) => c.holds)).toEqual([false, true]);
  });

  it("any: when none passes, says what each one wanted", () => {
    const verdict = explain(anyOf, nobody);
    expect(verdict.verdict).toBe("excluded-by-filter");
    expect(verdict.sentence).toBe(
      "Excluded by pair 'Helpdesk → Group 10': department is empty, condition 1 wants 'it'; jobTitle is empty, condition 2 wants a value starting with 'field' (none of the conditions passes)",
    );
  });

  it("all: names only the condition that failed, an exclude one in its own words", () => {
    const verdict = explain(allOf, contractor);
    expect(verdict.verdict).toBe("excluded-by-filter");
    expect(verdict.sentence).toBe(
      "Excluded by pair 'Helpdesk → Group 10': jobTitle is 'Contractor', condition 2 wants a value not containing 'contract' (all conditions must pass)",
    );
    expect(verdict.filter).toMatchObject({
      description: 'all of: department equals "IT"; jobTitle does not contain "contract"',
      passes: false,
    });
  });
});
