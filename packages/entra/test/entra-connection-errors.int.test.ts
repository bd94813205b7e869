// Every way a customer's Entra connection goes wrong, as the real MSAL and Graph client see it from
// the emulator, and the typed error (with a hint a person can act on) the source turns it into.
import { generateDirectory, type RunningGraphEmulator } from "@techsync/emulators/graph";
import {
  createEntraDirectorySource,
  EntraTokenError,
  forgetCachedTokens,
  GraphRequestError,
  testEntraConnection,
} from "../src";
import {
  collect,
  sourceConfig,
  startTestEmulator,
  TEST_CLIENT_ID,
  TEST_EXPIRED_SECRET,
  TEST_SECRET_ID,
  testApp,
} from "./graph-emulator-fixture";

const tenant = generateDirectory({
  seed: 11,
  tenantId: "40000000-0000-4000-a000-000000000001",
  domain: "errors.example",
  users: 30,
  groups: 3,
  apps: [testApp()],
});
const groupId = tenant.groups[0]?.id as string;

let emulator: RunningGraphEmulator;

beforeAll(async () => {
  emulator = await startTestEmulator({ tenants: [tenant] });
});
afterAll(async () => {
  await emulator.close();
});
beforeEach(() => {
  emulator.admin.reset();
  // Consent changes below must not be hidden by a token cached in an earlier test.
  forgetCachedTokens();
});

async function tokenFailure(overrides: Parameters<typeof sourceConfig>[2]): Promise<EntraTokenError> {
  const source = createEntraDirectorySource(sourceConfig(emulator, tenant, overrides));
  const error = await source.getGroup(groupId).catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(EntraTokenError);
  return error as EntraTokenError;
}

describe("token errors, classified by AADSTS code", () => {
  it("a tenant id that does not exist: 90002", async () => {
    const error = await tokenFailure({ tenantId: "40000000-0000-4000-a000-0000000000ff" });
    expect(error).toMatchObject({ kind: "tenantNotFound", code: "90002", retryable: false });
    expect(error.hint).toMatch(/Directory \(tenant\) ID/);
    expect(error.correlationId).toEqual(expect.any(String));
  });

  it("a tenant id that is neither a GUID nor a domain: 900023", async () => {
    const error = await tokenFailure({ tenantId: "not-a-tenant" });
    expect(error).toMatchObject({ kind: "invalidTenant", code: "900023" });
  });

  it("a wrong tenant found while discovering its metadata (msal-node v5+ path) is the same kind", async () => {
    const error = await tokenFailure({
      tenantId: "40000000-0000-4000-a000-0000000000ff",
      discoverAuthorityMetadata: true,
    });
    expect(error).toMatchObject({ kind: "tenantNotFound", code: "endpoints_resolution_error" });
    const source = createEntraDirectorySource(sourceConfig(emulator, tenant, { discoverAuthorityMetadata: true }));
    expect((await source.getGroup(groupId))?.id).toBe(groupId);
  });

  it("'common' is refused before any call: client credentials need a specific tenant", async () => {
    const error = await tokenFailure({ tenantId: "common" });
    expect(error).toMatchObject({ kind: "invalidTenant", code: "missing_tenant_id_error" });
    expect(emulator.admin.stats.tokenRequests).toBe(0);
  });

  it("an unknown client id, or an app never consented in the tenant: 700016", async () => {
    const error = await tokenFailure({ clientId: "c0ffee00-1111-4222-8333-000000000000" });
    expect(error).toMatchObject({ kind: "appNotFound", code: "700016" });
    expect(error.hint).toMatch(/admin consent/);
  });

  it("a wrong secret: 7000215", async () => {
    const error = await tokenFailure({ clientSecret: "Tst8Q~not-the-secret" });
    expect(error).toMatchObject({ kind: "invalidSecret", code: "7000215" });
    expect(error.hint).toMatch(/Value/);
  });

  it("the secret's id pasted instead of its value: 7000215 with that hint", async () => {
    const error = await tokenFailure({ clientSecret: TEST_SECRET_ID });
    expect(error).toMatchObject({ kind: "invalidSecret", code: "7000215" });
    expect(error.message).toMatch(/secret's ID, not its value/);
  });

  it("an expired secret: 7000222", async () => {
    const error = await tokenFailure({ clientSecret: TEST_EXPIRED_SECRET });
    expect(error).toMatchObject({ kind: "secretExpired", code: "7000222" });
    expect(error.hint).toMatch(/new client secret/);
  });
});

describe("Graph errors", () => {
  it("missing admin consent for groups: 403 Authorization_RequestDenied with the request-id", async () => {
    emulator.admin.requireTenant(tenant.tenantId).setAppRoles(TEST_CLIENT_ID, ["User.Read.All"]);
    const source = createEntraDirectorySource(sourceConfig(emulator, tenant));
    const error = (await collect(source.groupMembers(groupId, { transitive: true })).catch(
      (caught: unknown) => caught,
    )) as GraphRequestError;
    expect(error).toBeInstanceOf(GraphRequestError);
    expect(error).toMatchObject({
      kind: "consentMissing",
      code: "Authorization_RequestDenied",
      status: 403,
      retryable: false,
    });
    expect(error.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(error.message).toContain(error.requestId);
    expect(error.hint).toMatch(/Grant admin consent/);
  });

  it("no permission consented at all: the token has no roles; Graph's 401 survives one token refresh and is typed", async () => {
    emulator.admin.requireTenant(tenant.tenantId).setAppRoles(TEST_CLIENT_ID, []);
    const source = createEntraDirectorySource(sourceConfig(emulator, tenant, { maxConcurrency: 2 }));
    const error = (await source.getGroup(groupId).catch((caught: unknown) => caught)) as GraphRequestError;
    expect(error).toMatchObject({ kind: "tokenRejected", code: "InvalidAuthenticationToken", status: 401 });
    expect(error.hint).toMatch(/admin consent/);
    // the refused call, one fresh token, the call again
    expect(source.callCount()).toBe(2);
  });

  it("Graph unavailable: 503s are retried with backoff, then succeed", async () => {
    emulator.admin.setFaults({ unavailable: { count: 2 } });
    const source = createEntraDirectorySource(sourceConfig(emulator, tenant));
    expect((await source.getGroup(groupId))?.id).toBe(groupId);
    expect(source.callStats()).toMatchObject({ graphCalls: 3, retries: 2 });
  });

  it("Graph unavailable for good: a retryable graphUnavailable error once retries run out", async () => {
    emulator.admin.setFaults({ unavailable: { count: 100, status: 504 } });
    const source = createEntraDirectorySource(sourceConfig(emulator, tenant, { maxRetries: 2, baseBackoffMs: 5 }));
    const error = await source.getGroup(groupId).catch((caught: unknown) => caught);
    expect(error).toMatchObject({
      kind: "graphUnavailable",
      code: "serviceNotAvailable",
      status: 504,
      retryable: true,
    });
    expect(source.callCount()).toBe(3);
  });
});

describe("tokens", () => {
  it("a token Graph no longer accepts (401) is replaced once, and the call succeeds", async () => {
    const source = createEntraDirectorySource(sourceConfig(emulator, tenant));
    expect(await source.getGroup(groupId)).not.toBeNull();
    await emulator.admin.rotateSigningKey();
    expect(await source.getGroup(groupId)).not.toBeNull();
    expect(emulator.admin.stats.tokenRequests).toBe(2);
    expect(source.callCount()).toBe(3);
  });

  it("one token request per tenant however many calls start at once", async () => {
    const source = createEntraDirectorySource(sourceConfig(emulator, tenant, { maxConcurrency: 8 }));
    await Promise.all(Array.from({ length: 12 }, () => source.getGroup(groupId)));
    expect(emulator.admin.stats.tokenRequests).toBe(1);
    expect(emulator.admin.stats.graphRequests).toBe(12);
    expect(source.callStats()).toMatchObject({ graphCalls: 12, tokenCalls: 1, retries: 0 });
  });
});

describe("testEntraConnection", () => {
  it("reports all three permissions granted and proves it with one read", async () => {
    const result = await testEntraConnection(sourceConfig(emulator, tenant));
    expect(result.ok).toBe(true);
    expect(result.token).toEqual({ ok: true, tenantId: tenant.tenantId, appId: TEST_CLIENT_ID });
    expect(result.permissions).toEqual([
      { permission: "User.Read.All", granted: true },
      { permission: "Group.Read.All", granted: true },
      { permission: "Directory.Read.All", granted: true },
    ]);
    expect(result.read).toEqual({ ok: true, sampleGroup: tenant.groups[0]?.displayName });
    expect(result.summary.join("\n")).toMatch(/Group.Read.All: granted/);
  });

  it("reports missing permissions and the refused read, then sees a later consent at once (no stale cached token)", async () => {
    const emulated = emulator.admin.requireTenant(tenant.tenantId);
    emulated.setAppRoles(TEST_CLIENT_ID, ["User.Read.All"]);
    const before = await testEntraConnection(sourceConfig(emulator, tenant));
    expect(before.ok).toBe(false);
    expect(before.permissions.filter((check) => !check.granted).map((check) => check.permission)).toEqual([
      "Group.Read.All",
      "Directory.Read.All",
    ]);
    expect(before.read).toMatchObject({
      ok: false,
      problem: { kind: "consentMissing", code: "Authorization_RequestDenied" },
    });
    expect(before.summary.join("\n")).toMatch(/Group.Read.All: missing/);

    emulated.setAppRoles(TEST_CLIENT_ID, ["User.Read.All", "Group.Read.All", "Directory.Read.All"]);
    const after = await testEntraConnection(sourceConfig(emulator, tenant));
    expect(after.ok).toBe(true);
  });

  it("explains a failed sign-in in plain words", async () => {
    const result = await testEntraConnection(sourceConfig(emulator, tenant, { clientSecret: TEST_SECRET_ID }));
    expect(result.ok).toBe(false);
    expect(result.token).toMatchObject({ ok: false, problem: { kind: "invalidSecret", code: "7000215" } });
    expect(result.permissions).toEqual([]);
    expect(result.summary.join("\n")).toMatch(/What to do: Paste the secret's Value/);
  });
});
