// The mapping editor's API: several conditions per pair (the older single filter still accepted), a stale page's
// change refused by version, the pairs reordered in one call (or not at all), and the group picker's true count and
// member counts, through the real Entra and Rescue clients against the emulators.
import {
  DEMO_GROUP_IDS,
  DEMO_TENANT_ID,
  type RunningGraphEmulator,
  startGraphEmulator,
} from "@techsync/emulators/graph";
import { type StartedRescueEmulator, startRescueEmulator } from "@techsync/emulators/rescue";
import { type ApiHarness, startApiHarness } from "../../../test/api-harness";
import { SANDBOX_ENTRA_BODY, SANDBOX_RESCUE_BODY } from "../../../test/sandbox-connections";

jest.setTimeout(30_000);

let api: ApiHarness;
let rescue: StartedRescueEmulator;
let graph: RunningGraphEmulator;
let owner: { tenantId: string; token: string };
let other: { tenantId: string; token: string };
let base: string;
let tier1: number;
let tier2: number;

const call = (token: string, method: "GET" | "POST" | "PATCH" | "PUT", url: string, payload?: unknown) =>
  api.call(token, { method, url, ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }) });

async function connect(tenant: { tenantId: string; token: string }) {
  const at = `/v1/tenants/${tenant.tenantId}`;
  expect((await call(tenant.token, "PUT", `${at}/rescue-connection`, SANDBOX_RESCUE_BODY)).statusCode).toBe(200);
  expect((await call(tenant.token, "PUT", `${at}/entra-connection`, SANDBOX_ENTRA_BODY)).statusCode).toBe(200);
}

beforeAll(async () => {
  rescue = await startRescueEmulator({ port: 0 });
  graph = await startGraphEmulator({ port: 0 });
  api = await startApiHarness({
    outbound: { emulators: { rescueUrl: rescue.url, graphUrl: graph.url }, graphEmulatorCa: graph.caCertPem },
  });
  owner = await api.ownerWithTenant("Contoso", { sandbox: true });
  other = await api.ownerWithTenant("Fabrikam", { sandbox: true });
  await connect(owner);
  // One Rescue organisation is held by one tenant (rule 15): the other tenant's pair is written directly.
  await api.prisma.groupMapping.create({
    data: {
      tenantId: other.tenantId,
      entraGroupId: "g-foreign",
      entraGroupName: "Foreign",
      rescueGroupId: 1,
      rescueGroupName: "Theirs",
    },
  });
  base = `/v1/tenants/${owner.tenantId}`;
  const groups = (await call(owner.token, "GET", `${base}/pickers/rescue-groups`)).json().groups;
  tier1 = groups.find((g: { name: string }) => g.name === "Support Tier 1").id;
  tier2 = groups.find((g: { name: string }) => g.name === "Support Tier 2").id;
});
afterAll(async () => {
  await api.close();
  await rescue.close();
  await graph.close();
});

const twoConditions = {
  combinator: "any",
  conditions: [
    { attribute: "department", operator: "equals", value: "IT" },
    { attribute: "jobTitle", operator: "contains", value: "contractor", mode: "exclude" },
  ],
};

describe("conditions", () => {
  test("a pair takes several conditions and returns them; the older single filter is still accepted and shown both ways", async () => {
    const created = await call(owner.token, "POST", `${base}/mappings`, {
      entraGroupId: "g-cond",
      entraGroupName: "Conditions",
      rescueGroupId: tier1,
      conditions: twoConditions,
    });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({
      filter: null,
      version: 1,
      conditions: {
        combinator: "any",
        conditions: [
          { attribute: "department", operator: "equals", value: "IT", mode: "include" },
          { attribute: "jobTitle", operator: "contains", value: "contractor", mode: "exclude" },
        ],
      },
    });
    const stored = await api.prisma.groupMapping.findUniqueOrThrow({ where: { id: created.json().id } });
    expect(stored.filterAttribute).toBeNull();

    const legacy = await call(owner.token, "POST", `${base}/mappings`, {
      entraGroupId: "g-legacy",
      entraGroupName: "Legacy",
      rescueGroupId: tier1,
      filter: { attribute: "department", operator: "contains", value: "aid" },
    });
    expect(legacy.statusCode).toBe(201);
    expect(legacy.json()).toMatchObject({
      filter: { attribute: "department", operator: "contains", value: "aid" },
      conditions: {
        combinator: "all",
        conditions: [{ attribute: "department", operator: "contains", value: "aid", mode: "include" }],
      },
    });
  });

  test("a row written by older code (filter columns only) reads as one include condition", async () => {
    const row = await api.prisma.groupMapping.create({
      data: {
        tenantId: owner.tenantId,
        entraGroupId: "g-old",
        entraGroupName: "Old",
        rescueGroupId: tier2,
        rescueGroupName: "Support Tier 2",
        filterAttribute: "jobTitle",
        filterOperator: "startsWith",
        filterValue: "Tech",
      },
    });
    const listed = (await call(owner.token, "GET", `${base}/mappings`)).json().mappings;
    expect(listed.find((m: { id: string }) => m.id === row.id)).toMatchObject({
      filter: { attribute: "jobTitle", operator: "startsWith", value: "Tech" },
      conditions: { combinator: "all", conditions: [{ attribute: "jobTitle", mode: "include" }] },
    });
  });

  test("an unknown attribute, operator or combinator is a 400 in words, and nothing is saved", async () => {
    const before = await api.prisma.groupMapping.count({ where: { tenantId: owner.tenantId } });
    const bad = await call(owner.token, "POST", `${base}/mappings`, {
      entraGroupId: "g-bad",
      entraGroupName: "Bad",
      rescueGroupId: tier1,
      conditions: { combinator: "any", conditions: [{ attribute: "salary", operator: "equals", value: "1" }] },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().message).toContain("is not an attribute TechSync can compare; use one of department");
    const badJoin = await call(owner.token, "POST", `${base}/mappings`, {
      entraGroupId: "g-bad",
      entraGroupName: "Bad",
      rescueGroupId: tier1,
      conditions: { combinator: "some", conditions: [] },
    });
    expect(badJoin.statusCode).toBe(400);
    expect(badJoin.json().message).toContain("must be all or any");
    const both = await call(owner.token, "POST", `${base}/mappings`, {
      entraGroupId: "g-bad",
      entraGroupName: "Bad",
      rescueGroupId: tier1,
      filter: { attribute: "department", operator: "equals", value: "IT" },
      conditions: twoConditions,
    });
    expect(both.statusCode).toBe(400);
    expect(both.json().message).toContain("either filter or conditions");
    expect(await api.prisma.groupMapping.count({ where: { tenantId: owner.tenantId } })).toBe(before);
  });
});

describe("editing in place with a version", () => {
  test("conditions and transitive change in place (priority kept); a change from a stale page is a 409 in words", async () => {
    const created = (
      await call(owner.token, "POST", `${base}/mappings`, {
        entraGroupId: "g-edit",
        entraGroupName: "Edit",
        rescueGroupId: tier2,
        priority: 7,
      })
    ).json();
    const edited = await call(owner.token, "PATCH", `${base}/mappings/${created.id}`, {
      conditions: twoConditions,
      transitive: false,
      version: created.version,
    });
    expect(edited.statusCode).toBe(200);
    expect(edited.json()).toMatchObject({ priority: 7, transitive: false, version: created.version + 1 });
    expect(edited.json().conditions.conditions).toHaveLength(2);

    // The second tab still holds the first version.
    const stale = await call(owner.token, "PATCH", `${base}/mappings/${created.id}`, {
      transitive: true,
      version: created.version,
    });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().message).toMatch(/changed by someone else .* Reload the page/);
    const kept = await api.prisma.groupMapping.findUniqueOrThrow({ where: { id: created.id } });
    expect(kept.transitive).toBe(false);
  });

  test("another tenant's pair is 404 to PATCH", async () => {
    const foreign = await api.prisma.groupMapping.findFirstOrThrow({ where: { tenantId: other.tenantId } });
    const res = await call(owner.token, "PATCH", `${base}/mappings/${foreign.id}`, { transitive: false, version: 1 });
    expect(res.statusCode).toBe(404);
  });
});

describe("reordering", () => {
  test("the new order is saved in one call; a stale order (a pair changed, added or removed since) is a 409 and changes nothing", async () => {
    const list = async () => (await call(owner.token, "GET", `${base}/mappings`)).json().mappings;
    const before: { id: string; version: number; priority: number }[] = await list();
    expect(before.length).toBeGreaterThan(2);
    const reversed = [...before].reverse().map(({ id, version }) => ({ id, version }));
    const saved = await call(owner.token, "PUT", `${base}/mappings/order`, { order: reversed });
    expect(saved.statusCode).toBe(200);
    expect(saved.json().mappings.map((m: { id: string }) => m.id)).toEqual(reversed.map((p) => p.id));
    expect(saved.json().mappings.map((m: { priority: number }) => m.priority)).toEqual(
      reversed.map((_, index) => index + 1),
    );

    // The first tab sends the order it loaded before the save: its versions are old now.
    const afterSave = await list();
    const stale = await call(owner.token, "PUT", `${base}/mappings/order`, {
      order: before.map(({ id, version }) => ({ id, version })),
    });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().message).toMatch(/changed by someone else .* order them again/);
    expect(await list()).toEqual(afterSave);

    // A pair left out (someone added one in another tab) is refused the same way.
    const missing = await call(owner.token, "PUT", `${base}/mappings/order`, {
      order: afterSave.slice(1).map(({ id, version }: { id: string; version: number }) => ({ id, version })),
    });
    expect(missing.statusCode).toBe(409);

    const audit = (await call(owner.token, "GET", `${base}/audit-events?limit=1`)).json().events;
    expect(audit[0].action).toBe("mapping.reordered");
  });

  test("another tenant's pairs cannot be ordered from this tenant, and theirs stay as they were", async () => {
    const theirs = await api.prisma.groupMapping.findMany({ where: { tenantId: other.tenantId } });
    const res = await call(owner.token, "PUT", `${base}/mappings/order`, {
      order: theirs.map(({ id, version }) => ({ id, version })),
    });
    expect(res.statusCode).toBe(409);
    const res2 = await call(owner.token, "PUT", `/v1/tenants/${other.tenantId}/mappings/order`, {
      order: theirs.map(({ id, version }) => ({ id, version })),
    });
    expect([403, 404]).toContain(res2.statusCode);
    expect(await api.prisma.groupMapping.findMany({ where: { tenantId: other.tenantId } })).toEqual(theirs);
  });

  test("an order listing a pair twice is a 400 in words", async () => {
    const [first] = (await call(owner.token, "GET", `${base}/mappings`)).json().mappings;
    const res = await call(owner.token, "PUT", `${base}/mappings/order`, {
      order: [
        { id: first.id, version: first.version },
        { id: first.id, version: first.version },
      ],
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toContain("lists a pair twice");
  });
});

describe("the group picker", () => {
  test("says how many groups match in the whole directory, and each group's member count", async () => {
    const tenant = graph.admin.requireTenant(DEMO_TENANT_ID);
    const all = (await call(owner.token, "GET", `${base}/pickers/entra-groups?pageSize=2`)).json();
    expect(all.groups).toHaveLength(2);
    expect(all.totalCount).toBe(tenant.groups.size);
    const helpdesk = (await call(owner.token, "GET", `${base}/pickers/entra-groups?search=Helpdesk`)).json();
    const group = helpdesk.groups.find((g: { id: string }) => g.id === DEMO_GROUP_IDS.helpdesk);
    const direct = tenant.directMembers(DEMO_GROUP_IDS.helpdesk);
    expect(group.memberCount).toBe(direct.users.length + direct.groups.length + direct.others.length);
    expect(helpdesk.totalCount).toBe(helpdesk.groups.length);
  });
});
