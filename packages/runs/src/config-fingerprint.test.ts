import { type ConfigFingerprintSource, configFingerprint } from "./config-fingerprint";

const base: ConfigFingerprintSource = {
  tenant: { attributeMapping: null, includeGuests: false, ssoIdSource: "rescue", sandboxMode: false },
  rescueConnection: { email: "mah@contoso.example", region: "global", passwordEnc: "", apiTokenEnc: "sealed-token-1" },
  entraConnection: { directoryId: "dir-1", clientId: "client-1", cloud: "global", clientSecretEnc: "sealed-secret-1" },
  mappings: [
    {
      entraGroupId: "g-1",
      rescueGroupId: 10,
      priority: 100,
      transitive: true,
      filterAttribute: null,
      filterOperator: null,
      filterValue: null,
    },
    {
      entraGroupId: "g-2",
      rescueGroupId: 11,
      priority: 101,
      transitive: true,
      filterAttribute: "department",
      filterOperator: "equals",
      filterValue: "Support",
    },
  ],
};
const fingerprint = configFingerprint(base);
const [first, second] = base.mappings;
if (!first || !second) throw new Error("two mappings");

const twoConditions = (combinator: "all" | "any") => ({
  combinator,
  conditions: [
    { attribute: "department", operator: "equals", value: "Support", mode: "include" },
    { attribute: "jobTitle", operator: "contains", value: "Lead", mode: "include" },
  ],
});
const excludeSupport = {
  combinator: "all",
  conditions: [{ attribute: "department", operator: "equals", value: "Support", mode: "exclude" }],
};

describe("rule 14: the configuration fingerprint", () => {
  test("rule 14: the same configuration gives the same fingerprint, whatever the order of its pairs", () => {
    expect(configFingerprint({ ...base, mappings: [second, first] })).toBe(fingerprint);
    expect(configFingerprint({ ...base, tenant: { ...base.tenant, attributeMapping: {} } })).toBe(fingerprint);
    expect(fingerprint).toMatch(/^[0-9a-f]{64}$/);
  });

  test.each<[string, Partial<ConfigFingerprintSource>]>([
    ["a pair removed", { mappings: [first] }],
    ["a pair's Rescue group", { mappings: [{ ...first, rescueGroupId: 12 }, second] }],
    ["a pair's priority", { mappings: [{ ...first, priority: 5 }, second] }],
    ["a pair's filter", { mappings: [first, { ...second, filterValue: "Field" }] }],
    ["transitive membership", { mappings: [{ ...first, transitive: false }, second] }],
    ["the Rescue email", { rescueConnection: { ...base.rescueConnection!, email: "other@contoso.example" } }],
    ["the Rescue region", { rescueConnection: { ...base.rescueConnection!, region: "enterprise" } }],
    ["the Rescue API token saved again", { rescueConnection: { ...base.rescueConnection!, apiTokenEnc: "sealed-2" } }],
    ["the Entra directory", { entraConnection: { ...base.entraConnection!, directoryId: "dir-2" } }],
    ["the Entra client secret saved again", { entraConnection: { ...base.entraConnection!, clientSecretEnc: "s-2" } }],
    ["no Entra connection", { entraConnection: null }],
    ["guests included", { tenant: { ...base.tenant, includeGuests: true } }],
    ["the SSO id source", { tenant: { ...base.tenant, ssoIdSource: "entra" } }],
    ["sandbox mode", { tenant: { ...base.tenant, sandboxMode: true } }],
    ["the attribute mapping", { tenant: { ...base.tenant, attributeMapping: { nick: ["mailLocalPart"] } } }],
    ["a second condition", { mappings: [first, { ...second, conditions: twoConditions("all") }] }],
    ["a condition turned to exclude", { mappings: [first, { ...second, conditions: excludeSupport }] }],
  ])("rule 14: %s changes the fingerprint", (_what, change) => {
    expect(configFingerprint({ ...base, ...change })).not.toBe(fingerprint);
  });

  test("a pair's conditions: the combinator changes the fingerprint; a filter moved to the conditions column does not", () => {
    const all = configFingerprint({ ...base, mappings: [first, { ...second, conditions: twoConditions("all") }] });
    const any = configFingerprint({ ...base, mappings: [first, { ...second, conditions: twoConditions("any") }] });
    expect(any).not.toBe(all);
    // The migration's backfill: the same filter, now one include condition (old columns cleared).
    const moved = {
      ...second,
      filterAttribute: null,
      filterOperator: null,
      filterValue: null,
      conditions: excludeSupport.conditions.map((c) => ({ ...c, mode: "include" })),
    };
    expect(
      configFingerprint({
        ...base,
        mappings: [first, { ...moved, conditions: { combinator: "all", conditions: moved.conditions } }],
      }),
    ).toBe(fingerprint);
  });
});
