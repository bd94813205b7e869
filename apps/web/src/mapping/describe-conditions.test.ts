import { attributeMappingJson } from "./attribute-mapping-fields";
import { describeConditions } from "./describe-conditions";
import { groupCountWords } from "./group-picker";

describe("a pair's conditions in words", () => {
  it("says everyone, one condition, or all/any of several with exclude turned round", () => {
    expect(describeConditions({ combinator: "all", conditions: [] })).toBe("everyone in the group");
    expect(
      describeConditions({
        combinator: "all",
        conditions: [{ attribute: "department", operator: "equals", value: "IT", mode: "include" }],
      }),
    ).toBe("only where Department equals “IT”");
    expect(
      describeConditions({
        combinator: "any",
        conditions: [
          { attribute: "department", operator: "equals", value: "IT", mode: "include" },
          { attribute: "jobTitle", operator: "contains", value: "contractor", mode: "exclude" },
        ],
      }),
    ).toBe("users who pass any of: Department equals “IT”; Job title does not contain “contractor”");
  });
});

describe("the attribute mapping form's value", () => {
  it("sends only the fields that differ from the default, as the JSON the settings action validates", () => {
    expect(attributeMappingJson({ name: [], nick: ["givenName", "mailLocalPart"], email: [], ssoId: [] })).toBe("{}");
    expect(attributeMappingJson({ name: [], nick: ["surname"], email: [], ssoId: ["mail", ""] })).toBe(
      '{"nick":["surname"],"ssoId":["mail"]}',
    );
  });
});

describe("the group picker's count", () => {
  it("says the true total and how many are shown", () => {
    const groups = Array.from({ length: 50 }, (_, i) => ({ id: `g${i}`, displayName: `G${i}`, description: null }));
    expect(groupCountWords({ groups, totalCount: 1500, nextPageToken: "t" }, "")).toBe("1,500 groups; showing 50");
    expect(groupCountWords({ groups: groups.slice(0, 3), totalCount: 3 }, "help")).toBe("3 groups matching “help”");
    expect(groupCountWords({ groups: groups.slice(0, 1) }, "")).toBe("1 group");
  });
});
