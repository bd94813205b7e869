import { DEFAULT_ATTRIBUTE_MAPPING, DEFAULT_FIELD_LIMITS, type DirectoryUser } from "../domain";
import type { PlanWarning, SyncAction } from "../plan";
import { directoryUser, groupMapping } from "../testing";
import { compileFieldDerivation } from "./derive-technician-fields";
import { guardFields, guardRun } from "./guard";
import type { ScopeEntry } from "./scope";

const mapping = groupMapping("m1", "g1", 10);
const entry = (user: DirectoryUser): ScopeEntry => ({ user, firstMapping: mapping, createIn: mapping });
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
      { code: "mapping-group-missing", mappingId: "m2", message: "x" },
      { code: "mapping-group-missing", mappingId: "m1", message: "x" },
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
