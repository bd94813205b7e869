// Boundaries of the safety threshold (rule 11), the scoping filter (rule 1) and the field rules (email key,
// field limits), each pinned at the value where a wrong operator or rounding would change what a user sees.
import { DEFAULT_FIELD_LIMITS, DEFAULT_SAFETY_THRESHOLD, type DirectoryUser } from "../domain";
import { directoryUser } from "../testing";
import { checkSafety } from "./check-safety";
import { deriveTechnicianFields, resolveFieldRules } from "./derive-technician-fields";
import { matchFilter } from "./match-filter";

describe("safety threshold (rule 11)", () => {
  it("rounds the percentage down: 10 % of 59 linked technicians allows 5 disables, not 6", () => {
    const check = checkSafety(6, 59, { percent: 10, minimum: 0 });
    expect(check.allowed).toBe(5);
    expect(check.blocked).toBe(true);
  });

  it("allows exactly the threshold and blocks one more", () => {
    expect(checkSafety(10, 100, { percent: 10, minimum: 0 })).toEqual({
      disableCount: 10,
      linkedCount: 100,
      allowed: 10,
      blocked: false,
    });
    expect(checkSafety(11, 100, { percent: 10, minimum: 0 }).blocked).toBe(true);
  });

  it("never allows fewer than the minimum, and the percentage wins once it is larger", () => {
    expect(checkSafety(5, 20, { percent: 10, minimum: 5 })).toMatchObject({ allowed: 5, blocked: false });
    expect(checkSafety(6, 20, { percent: 10, minimum: 5 }).blocked).toBe(true);
    expect(checkSafety(0, 1000, { percent: 10, minimum: 5 }).allowed).toBe(100);
  });

  it("uses 10 % with a minimum of 5 when the tenant set nothing", () => {
    expect(DEFAULT_SAFETY_THRESHOLD).toEqual({ percent: 10, minimum: 5 });
    expect(checkSafety(5, 0).blocked).toBe(false);
    expect(checkSafety(6, 0).blocked).toBe(true);
    expect(checkSafety(7, 79).allowed).toBe(7);
  });
});

describe("scoping filter (rule 1)", () => {
  const user = directoryUser("u1", { department: "Field Support" } as Partial<DirectoryUser>);

  it("lets everyone through when the mapping has no filter", () => {
    expect(matchFilter(user, null)).toBe(true);
    expect(matchFilter(user, undefined)).toBe(true);
  });

  it("compares case-insensitively with each operator, and only that operator", () => {
    const f = (operator: "equals" | "contains" | "startsWith" | "endsWith", value: string) =>
      matchFilter(user, { attribute: "displayName", operator, value });
    // displayName is "User u1"
    expect(f("equals", "user U1")).toBe(true);
    expect(f("equals", "user")).toBe(false);
    expect(f("contains", "ER U")).toBe(true);
    expect(f("contains", "nobody")).toBe(false);
    expect(f("startsWith", "USER")).toBe(true);
    expect(f("startsWith", "u1")).toBe(false);
    expect(f("endsWith", "U1")).toBe(true);
    expect(f("endsWith", "user")).toBe(false);
  });

  it("keeps out a user who lacks the filtered attribute", () => {
    const noName = directoryUser("u2", { displayName: null });
    expect(matchFilter(noName, { attribute: "displayName", operator: "contains", value: "" })).toBe(false);
  });

  it("keeps out, without throwing, a user whose directory read did not include the filtered attribute", () => {
    const unread = directoryUser("u3");
    delete (unread as Partial<DirectoryUser>).department;
    expect(() => matchFilter(unread, { attribute: "department", operator: "contains", value: "" })).not.toThrow();
    expect(matchFilter(unread, { attribute: "department", operator: "contains", value: "" })).toBe(false);
  });
});

describe("technician fields", () => {
  const rules = resolveFieldRules(undefined);

  it("matches on the email trimmed and lower-cased", () => {
    const derived = deriveTechnicianFields(directoryUser("u1", { mail: "  Ann.Lee@Example.COM " }), rules);
    expect(derived.fields.email).toBe("Ann.Lee@Example.COM");
    expect(derived.emailKey).toBe("ann.lee@example.com");
    expect(derived.problems).toEqual([]);
  });

  it("takes the first non-empty source and skips a guest's #EXT# sign-in name as email", () => {
    const guest = directoryUser("g1", { mail: "  ", userPrincipalName: "ann_x.com#EXT#@corp.onmicrosoft.com" });
    const derived = deriveTechnicianFields(guest, rules);
    expect(derived.fields.email).toBe("");
    expect(derived.problems.map((p) => p.code)).toEqual(["missing-email"]);
  });

  it("warns about an email Rescue would refuse and about a missing name", () => {
    const derived = deriveTechnicianFields(directoryUser("u3", { mail: "ann@localhost", displayName: " " }), rules);
    expect(derived.problems.map((p) => [p.code, p.field])).toEqual([
      ["missing-name", "name"],
      ["invalid-email", "email"],
    ]);
    expect(derived.problems[1]?.message).toContain('"ann@localhost"');
  });

  it("accepts a value of exactly the limit and warns, naming the field, at one character more", () => {
    const limits = { name: 10, nick: 10, email: 20, ssoId: 10 };
    const custom = resolveFieldRules({ fieldLimits: limits });
    expect(custom.limits).toEqual(limits);
    const atLimit = directoryUser("u4", {
      displayName: "n".repeat(10),
      givenName: "k".repeat(10),
      mail: `${"e".repeat(8)}@example.com`,
      userPrincipalName: "s".repeat(10),
    });
    expect(deriveTechnicianFields(atLimit, custom).problems).toEqual([]);
    for (const [field, override] of [
      ["name", { displayName: "n".repeat(11) }],
      ["nick", { givenName: "k".repeat(11) }],
      ["email", { mail: `${"e".repeat(9)}@example.com` }],
      ["ssoId", { userPrincipalName: "s".repeat(11) }],
    ] as const) {
      const problems = deriveTechnicianFields({ ...atLimit, ...override }, custom).problems;
      expect(problems.map((p) => [p.code, p.field])).toEqual([["field-too-long", field]]);
      expect(problems[0]?.message).toContain(`${field} is`);
    }
  });

  it("keeps the default limits when the tenant overrides only one", () => {
    expect(resolveFieldRules({ fieldLimits: { nick: 20 } }).limits).toEqual({ ...DEFAULT_FIELD_LIMITS, nick: 20 });
  });
});
