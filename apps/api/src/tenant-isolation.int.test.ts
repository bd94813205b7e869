// Tenant isolation: every tenant route in the OpenAPI document, called with tenant A's credentials
// against tenant B's ids, answers 403 or 404 and changes nothing of B's.
import { type ApiHarness, startApiHarness } from "../test/api-harness";
import { fillPath, type Operation, v1Operations, validBody } from "../test/route-catalogue";

let api: ApiHarness;
let operations: Operation[];
let a: { tenantId: string; token: string; apiKey: string };
let bIds: Record<string, string>;

async function snapshotOf(tenantId: string) {
  const p = api.prisma;
  const [tenant, members, mappings, runs, keys, audit, rescue, entra, invitations] = await Promise.all([
    p.tenant.findUnique({ where: { id: tenantId } }),
    p.membership.findMany({ where: { tenantId }, orderBy: { portalUserId: "asc" } }),
    p.groupMapping.findMany({ where: { tenantId } }),
    p.syncRun.findMany({ where: { tenantId }, orderBy: { id: "asc" } }),
    p.apiKey.findMany({ where: { tenantId }, orderBy: { id: "asc" }, select: { id: true, revokedAt: true } }),
    p.auditEvent.count({ where: { tenantId } }),
    p.rescueConnection.findUnique({ where: { tenantId } }),
    p.entraConnection.findUnique({ where: { tenantId } }),
    p.invitation.findMany({ where: { tenantId }, orderBy: { id: "asc" } }),
  ]);
  return JSON.stringify({ tenant, members, mappings, runs, keys, audit, rescue, entra, invitations });
}

beforeAll(async () => {
  api = await startApiHarness();
  operations = await v1Operations(api.app);
  const ownerA = await api.ownerWithTenant("Tenant A");
  const keyRes = await api.call(ownerA.token, {
    method: "POST",
    url: `/v1/tenants/${ownerA.tenantId}/api-keys`,
    payload: { name: "a-all", scopes: ["read", "write", "run"] },
  });
  a = { ...ownerA, apiKey: keyRes.json().key };

  const ownerB = await api.ownerWithTenant("Tenant B");
  bIds = await api.tenantResources(ownerB);
});
afterAll(() => api.close());

describe("tenant isolation", () => {
  test("the walk covers every tenant route of the document", () => {
    const tenantRoutes = operations.filter((op) => op.audience === "tenant");
    expect(tenantRoutes.length).toBeGreaterThanOrEqual(34);
  });

  for (const credential of ["portal user", "API key"] as const) {
    test(`tenant A's ${credential} gets 403/404 from every route with tenant B's ids, and B is unchanged`, async () => {
      const before = await snapshotOf(bIds.tenantId as string);
      const token = credential === "API key" ? a.apiKey : a.token;
      const refusals: string[] = [];
      for (const op of operations.filter((o) => o.audience === "tenant")) {
        const res = await api.call(token, { method: op.method, url: fillPath(op, bIds), payload: validBody(op) });
        refusals.push(`${op.method} ${op.path} → ${res.statusCode}`);
        expect({ route: `${op.method} ${op.path}`, status: [403, 404].includes(res.statusCode) }).toEqual({
          route: `${op.method} ${op.path}`,
          status: true,
        });
      }
      expect(refusals.length).toBeGreaterThanOrEqual(34);
      expect(await snapshotOf(bIds.tenantId as string)).toBe(before);
    });
  }

  test("tenant A's own id with tenant B's run, mapping, member, key or invitation ids is 404", async () => {
    const before = await snapshotOf(bIds.tenantId as string);
    // An Entra user id belongs to a directory, not to a tenant's rows: syncing one is a run of the caller's own tenant
    // (its directory is asked whether it has the user), tested in entra-users/sync-entra-user.int.test.ts.
    const mixed = operations.filter(
      (op) => op.audience === "tenant" && op.pathParams.filter((p) => p !== "entraUserId").length > 1,
    );
    expect(mixed.length).toBeGreaterThanOrEqual(10);
    for (const op of mixed) {
      const res = await api.call(a.token, {
        method: op.method,
        url: fillPath(op, { ...bIds, tenantId: a.tenantId }),
        payload: validBody(op),
      });
      expect({ route: `${op.method} ${op.path}`, status: res.statusCode }).toEqual({
        route: `${op.method} ${op.path}`,
        status: 404,
      });
    }
    expect(await snapshotOf(bIds.tenantId as string)).toBe(before);
  });
});
