import { DEFAULT_ATTRIBUTE_MAPPING, DEFAULT_FIELD_LIMITS, type DirectoryUser } from "../domain";
import type { PlanWarning, SyncAction } from "../plan";
import { directoryUser, groupMapping } from "../testing";
import { compileFieldDerivation } from "./derive-technician-fields";
import { guardFields, guardRun } from "./guard";
import type { ScopeEntry } from "./scope";

const mapping = groupMapping("m1", "g1", 10);
const entry = (user: DirectoryUser): ScopeEntry => ({
  user,
  firstMapping: mapping,
  createIn: mapping,
  mappings: [mapping],
});
const derive = compileFieldDerivation({
  mapping: DEFAULT_ATTRIBUTE_MAPPING,
  limits: { ...DEFAULT_FIELD_LIMITS, name: 10 },
});

describe("guard phase — values Rescue would refuse leave that one user alone, with a warning", () => {
  it("keeps every user, marks the one with a too-long name, and warns naming the field", () => {
    const fine = directoryUser("u1", { displayName: "Ann" });
    const long = directoryUser("u2", { displayName: "A name longer than ten" });
    const result = guardFields([entry(fine), entry(long)], derive);
    expect(result.users.map((u) => [u.user.id, u.derived.problems.length])).toEqual([
      ["u1", 0],
      ["u2", 1],
    ]);
    expect(result.warnings).toEqual([
      expect.objectContaining({ code: "field-too-long", entraUserId: "u2", field: "name" }),
    ]);
    expect(result.skips).toEqual([]);
  });

  it("warns about a member with no email", () => {
    const result = guardFields([entry(directoryUser("u1", { mail: null, userPrincipalName: "" }))], derive);
    expect(result.warnings.map((w) => w.code)).toEqual(["missing-email"]);
    expect(result.skips).toEqual([]);
  });

  it("tallies a guest whose only address is its #EXT# sign-in name under its first mapping instead (rule 1)", () => {
    const guest = directoryUser("g1", {
      userType: "guest",
      mail: null,
      displayName: "Guest One",
      userPrincipalName: "g1_contoso.com#EXT#@fabrikam.onmicrosoft.com",
    });
    const result = guardFields([entry(guest)], derive);
    expect(result.warnings).toEqual([]);
    expect(result.skips).toEqual([
      { mappingId: "m1", member: { id: "g1", kind: "guest", displayName: "Guest One", reason: "no-usable-email" } },
    ]);
  });

  it("tallies an #EXT# account that is not marked guest as a user with no usable email", () => {
    const external = directoryUser("x1", {
      mail: null,
      userPrincipalName: "x1_contoso.com#EXT#@fabrikam.onmicrosoft.com",
    });
    const result = guardFields([entry(external)], derive);
    expect(result.skips).toEqual([expect.objectContaining({ member: expect.objectContaining({ kind: "user" }) })]);
  });

  it("tallies a guest without a mail as skipped even when its sign-in name is not #EXT# (the mapping reads the mail only)", () => {
    const mailOnly = compileFieldDerivation({
      mapping: { ...DEFAULT_ATTRIBUTE_MAPPING, email: ["mail"] },
      limits: DEFAULT_FIELD_LIMITS,
    });
    const guest = directoryUser("g2", { userType: "guest", mail: null });
    const result = guardFields([entry(guest)], mailOnly);
    expect(result.warnings).toEqual([]);
    expect(result.skips).toEqual([
      expect.objectContaining({ member: expect.objectContaining({ id: "g2", kind: "guest" }) }),
    ]);
  });

  it("still warns about a skipped guest's other problems (only the missing email becomes the tally)", () => {
    const guest = directoryUser("g3", {
      userType: "guest",
      mail: null,
      displayName: "A guest name longer than ten",
      userPrincipalName: "g3_contoso.com#EXT#@fabrikam.onmicrosoft.com",
    });
    const result = guardFields([entry(guest)], derive);
    expect(result.warnings).toEqual([expect.objectContaining({ code: "field-too-long", field: "name" })]);
    expect(result.skips).toHaveLength(1);
  });
});

describe("guard phase — field limits: Rescue takes a value up to the limit, not one character more", () => {
  const limits = { name: 8, nick: 6, email: 20, ssoId: 10 };
  const exact = compileFieldDerivation({ mapping: DEFAULT_ATTRIBUTE_MAPPING, limits });
  // name 8, nick 6, email 20, SSO id 10 characters: each exactly at its limit
  const atLimit = directoryUser("u1", {
    displayName: "Ann Leee",
    givenName: "Annnnn",
    mail: "ann@example-mail.com",
    userPrincipalName: "ann@x.corp",
  });

  it("accepts every field at its limit", () => {
    expect(guardFields([entry(atLimit)], exact).warnings).toEqual([]);
  });

  it.each([
    ["name", { displayName: "Ann Leeee" }],
    ["nick", { givenName: "Annnnnn" }],
    ["email", { mail: "ann@example-mails.com" }],
    ["ssoId", { userPrincipalName: "ann@xy.corp" }],
  ] as const)("warns about a %s one character over", (field, overrides) => {
    const result = guardFields([entry({ ...atLimit, ...overrides })], exact);
    expect(result.warnings).toEqual([expect.objectContaining({ code: "field-too-long", field })]);
  });

  it("names the user by sign-in name and id in a missing-field warning, so a person can find them", () => {
    const mailOnly = compileFieldDerivation({
      mapping: { ...DEFAULT_ATTRIBUTE_MAPPING, email: ["mail"] },
      limits: DEFAULT_FIELD_LIMITS,
    });
    const result = guardFields([entry(directoryUser("u8", { displayName: null, mail: null }))], mailOnly);
    expect(result.warnings.map((w) => w.message)).toEqual([
      "u8@corp.example.com (u8) has no name",
      "u8@corp.example.com (u8) has no email",
    ]);
  });
});

const disable = (entraUserId: string): SyncAction => ({
  kind: "disable",
  id: `disable:${entraUserId}`,
  entraUserId,
  rescueNodeId: 1,
  disableReason: "out-of-scope",
  reason: "",
});
const create = (entraUserId: string): SyncAction => ({
  kind: "create",
  id: `create:${entraUserId}`,
  entraUserId,
  mappingId: "m1",
  rescueGroupId: 10,
  fields: { name: "n", nick: "n", email: "e@example.com", ssoId: "s" },
  reason: "",
});
const adopt = (entraUserId: string): SyncAction => ({
  kind: "adopt",
  id: `adopt:${entraUserId}`,
  entraUserId,
  mappingId: "m1",
  rescueNodeId: 2,
  reason: "",
});

describe("guard phase — rule 11: the safety threshold", () => {
  const disables = (n: number) => Array.from({ length: n }, (_, i) => disable(`u${i}`));

  it("allows at least the minimum however few technicians are linked, and blocks one more", () => {
    expect(guardRun(disables(5), [], 3, undefined).safety).toEqual({
      disableCount: 5,
      linkedCount: 3,
      allowed: 5,
      blocked: false,
    });
    expect(guardRun(disables(6), [], 3, undefined).safety.blocked).toBe(true);
  });

  it("allows the floor of the percentage of linked technicians", () => {
    expect(guardRun(disables(5), [], 59, { percent: 10, minimum: 1 }).safety).toMatchObject({
      allowed: 5,
      blocked: false,
    });
    expect(guardRun(disables(6), [], 59, { percent: 10, minimum: 1 }).safety).toMatchObject({
      allowed: 5,
      blocked: true,
    });
  });

  it("counts the actions by kind", () => {
    const result = guardRun([create("a"), disable("b"), adopt("c"), create("d")], [], 0, undefined);
    expect(result.counts).toEqual({ create: 2, adopt: 1, update: 0, enable: 0, disable: 1 });
  });
});

describe("guard phase — the plan does not depend on the order of its inputs", () => {
  it("sorts actions by kind (adopt, create, update, enable, disable) then user, and leaves the input as it was", () => {
    const actions = [disable("a"), create("b"), adopt("z"), create("a")];
    const copy = [...actions];
    const result = guardRun(actions, [], 0, undefined);
    expect(result.actions.map((a) => a.id)).toEqual(["adopt:z", "create:a", "create:b", "disable:a"]);
    expect(actions).toEqual(copy);
  });

  it("sorts warnings by user, code, node, mapping, field, message", () => {
    const warnings: PlanWarning[] = [
      { code: "missing-name", entraUserId: "u2", message: "x" },
      { code: "missing-email", entraUserId: "u2", message: "x" },
      { code: "rescue-group-missing", mappingId: "m2", message: "x" },
      { code: "rescue-group-missing", mappingId: "m1", message: "x" },
      { code: "duplicate-link", entraUserId: "u1", rescueNodeId: 9, message: "x" },
      { code: "duplicate-link", entraUserId: "u1", rescueNodeId: 3, message: "x" },
    ];
    for (const order of [warnings, [...warnings].reverse()]) {
      expect(guardRun([], order, 0, undefined).warnings).toEqual([
        warnings[3],
        warnings[2],
        warnings[5],
        warnings[4],
        warnings[1],
        warnings[0],
      ]);
    }
  });
});
