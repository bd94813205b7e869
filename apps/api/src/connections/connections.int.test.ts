// Connection tests, pickers and mappings through the real Rescue and Entra clients, against the two emulators.
import {
  DEMO_CLIENT_ID,
  DEMO_CLIENT_SECRET,
  DEMO_TENANT_ID,
  type RunningGraphEmulator,
  startGraphEmulator,
} from "@techsync/emulators/graph";
import {
  DEMO_RESCUE_CONNECTION,
  demoRescueOrganisation,
  type StartedRescueEmulator,
  startRescueEmulator,
} from "@techsync/emulators/rescue";
import { type ApiHarness, startApiHarness } from "../../test/api-harness";
import { SANDBOX_ENTRA_BODY, SANDBOX_RESCUE_BODY } from "../../test/sandbox-connections";

const DEMO_RESCUE_BODY = SANDBOX_RESCUE_BODY;

// Every test here talks to emulators over TLS and HTTP; on a loaded machine that outlasts jest's default 5 s.
jest.setTimeout(30_000);

let api: ApiHarness;
let rescue: StartedRescueEmulator;
let graph: RunningGraphEmulator;
let owner: { tenantId: string; token: string; userId: string };
let base: string;

beforeAll(async () => {
  rescue = await startRescueEmulator({ port: 0 });
  graph = await startGraphEmulator({ port: 0 });
  // The server is configured with the emulators; the tenant, in sandbox mode, picks them by name.
  api = await startApiHarness({
    outbound: { emulators: { rescueUrl: rescue.url, graphUrl: graph.url }, graphEmulatorCa: graph.caCertPem },
  });
  owner = await api.ownerWithTenant("Contoso", { sandbox: true });
  base = `/v1/tenants/${owner.tenantId}`;
});
afterAll(async () => {
  await api.close();
  await rescue.close();
  await graph.close();
});

const setRescue = (body: Record<string, unknown>) =>
  api.call(owner.token, { method: "PUT", url: `${base}/rescue-connection`, payload: body });
const setEntra = (body: Record<string, unknown>) =>
  api.call(owner.token, { method: "PUT", url: `${base}/entra-connection`, payload: body });

describe("before any connection is set", () => {
  test("GETs are 404 and pickers say the connection is missing", async () => {
    expect((await api.call(owner.token, { method: "GET", url: `${base}/rescue-connection` })).statusCode).toBe(404);
    expect((await api.call(owner.token, { method: "GET", url: `${base}/entra-connection` })).statusCode).toBe(404);
    const picker = await api.call(owner.token, { method: "GET", url: `${base}/pickers/rescue-groups` });
    expect(picker.statusCode).toBe(409);
    expect(picker.json()).toMatchObject({
      error: "not_connected",
      message: expect.stringContaining("Rescue connection"),
    });
  });

  test("the first set requires the secrets, by name", async () => {
    const res = await setRescue({ email: DEMO_RESCUE_CONNECTION.email, password: "p", region: "sandbox" });
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toContain("apiToken");
    const entra = await setEntra({ directoryId: DEMO_TENANT_ID, clientId: DEMO_CLIENT_ID });
    expect(entra.json().message).toContain("clientSecret");
  });
});

describe("Rescue connection", () => {
  test("set, read without secrets, test OK against the emulator", async () => {
    const set = await setRescue({ ...DEMO_RESCUE_BODY });
    expect(set.statusCode).toBe(200);
    expect(set.json()).toMatchObject({ email: DEMO_RESCUE_CONNECTION.email, hasPassword: true, hasApiToken: true });
    const tested = await api.call(owner.token, { method: "POST", url: `${base}/rescue-connection/test` });
    expect(tested.statusCode).toBe(200);
    expect(tested.json()).toMatchObject({
      ok: true,
      result: "connected",
      account: { organization: expect.any(String) },
    });
    const read = await api.call(owner.token, { method: "GET", url: `${base}/rescue-connection` });
    expect(read.json()).toMatchObject({ lastTestOk: true, lastTestedAt: expect.any(String) });
  });

  const testConnection = async () => {
    const tested = await api.call(owner.token, { method: "POST", url: `${base}/rescue-connection/test` });
    expect(tested.statusCode).toBe(200);
    return tested.json() as {
      ok: boolean;
      result: string;
      message: string;
      checks: { credential: string; outcome: string; message: string }[];
      masterAdministrator: boolean | null;
    };
  };
  const outcomes = (checks: { credential: string; outcome: string }[]) =>
    Object.fromEntries(checks.map((c) => [c.credential, c.outcome]));

  test("connected: token, email and password each pass, and the caller is a Master Administrator", async () => {
    await setRescue({ ...DEMO_RESCUE_BODY });
    const tested = await testConnection();
    expect(tested).toMatchObject({ ok: true, result: "connected", masterAdministrator: true });
    expect(outcomes(tested.checks)).toEqual({ apiToken: "passed", email: "passed", password: "passed" });
    expect(tested.message).toMatch(/^Connected to the Rescue organisation “Contoso Demo Support”/);
  });

  test("a wrong API token: not connected, says where to find the right one, kept on the connection", async () => {
    await setRescue({ email: DEMO_RESCUE_CONNECTION.email, apiToken: DEMO_RESCUE_CONNECTION.serviceToken });
    const tested = await testConnection();
    expect(tested).toMatchObject({ ok: false, result: "token_invalid" });
    expect(tested.message).toMatch(/Rescue refused the API token/);
    expect(tested.message).toMatch(/Global Settings › Generate API token/);
    // The password still works and is reported on its own.
    expect(outcomes(tested.checks)).toEqual({ apiToken: "failed", email: "skipped", password: "passed" });
    const read = await api.call(owner.token, { method: "GET", url: `${base}/rescue-connection` });
    expect(read.json()).toMatchObject({ lastTestOk: false, lastTestMessage: tested.message });
    expect(JSON.stringify(tested)).not.toContain(DEMO_RESCUE_CONNECTION.serviceToken);
  });

  test("typed values are tested without being saved: a wrong new token never replaces the working one", async () => {
    await setRescue({ ...DEMO_RESCUE_BODY });
    const candidate = { email: DEMO_RESCUE_CONNECTION.email, apiToken: DEMO_RESCUE_CONNECTION.serviceToken };
    const tested = await api.call(owner.token, {
      method: "POST",
      url: `${base}/rescue-connection/test`,
      payload: { candidate },
    });
    expect(tested.json()).toMatchObject({ ok: false, result: "token_invalid" });
    expect(await testConnection()).toMatchObject({ ok: true, result: "connected" });
  });

  test("a wrong email: not connected, names the token's owner", async () => {
    await setRescue({ ...DEMO_RESCUE_BODY, email: "someone.else@contoso-demo.example" });
    const tested = await testConnection();
    expect(tested).toMatchObject({ ok: false, result: "email_mismatch" });
    expect(tested.message).toMatch(
      /The API token belongs to mah@contoso-demo\.example, not the email you entered \(someone\.else@contoso-demo\.example\)/,
    );
    expect(outcomes(tested.checks)).toMatchObject({ apiToken: "passed", email: "failed" });
  });

  test("a wrong password: not connected, the password named as the culprit", async () => {
    await setRescue({ ...DEMO_RESCUE_BODY, password: "Not-The-Password-1" });
    const tested = await testConnection();
    expect(tested).toMatchObject({ ok: false, result: "password_invalid" });
    expect(tested.message).toMatch(/Rescue refused the password for mah@contoso-demo\.example: it is wrong/);
    expect(outcomes(tested.checks)).toEqual({ apiToken: "passed", email: "passed", password: "failed" });
    expect(JSON.stringify(tested)).not.toContain("Not-The-Password-1");
  });

  test("the organisation denies the login endpoint: with a password, not connected and told to remove it", async () => {
    rescue.organisation.load({ ...demoRescueOrganisation(), apiSettings: { denyLoginEndpoint: true } });
    try {
      await setRescue({ ...DEMO_RESCUE_BODY });
      const tested = await testConnection();
      expect(tested).toMatchObject({ ok: false, result: "login_endpoint_denied" });
      expect(tested.message).toMatch(/denies the login endpoint/);
      expect(tested.message).toMatch(/remove it from the connection, or allow the endpoint/);
      expect(outcomes(tested.checks)).toEqual({ apiToken: "passed", email: "passed", password: "failed" });
    } finally {
      rescue.reset();
    }
  });

  test("Rescue's login limit reached: not connected, try again in 3 minutes", async () => {
    await setRescue({ ...DEMO_RESCUE_BODY });
    for (let i = 0; i < 10; i++) {
      await fetch(`${rescue.url}/API/login.aspx`, {
        method: "POST",
        body: new URLSearchParams({ email: DEMO_RESCUE_CONNECTION.email, pwd: DEMO_RESCUE_CONNECTION.password }),
      });
    }
    try {
      const tested = await testConnection();
      expect(tested).toMatchObject({ ok: false, result: "login_limit_reached" });
      expect(tested.message).toMatch(/try the test again in 3 minutes/);
    } finally {
      rescue.clock.advance(3 * 60_000);
    }
  });

  test("what runs learned about createUsers is forgotten when the token, email or region changes, kept otherwise", async () => {
    await setRescue({ ...DEMO_RESCUE_BODY });
    const learned = () =>
      api.prisma.rescueConnection.update({
        where: { tenantId: owner.tenantId },
        data: {
          bulkCreate: "unavailable",
          bulkCreateReason: "createUsers answered HTTP 500",
          bulkCreateCheckedAt: new Date(),
        },
      });
    const bulkCreate = async () =>
      (await api.prisma.rescueConnection.findUniqueOrThrow({ where: { tenantId: owner.tenantId } })).bulkCreate;
    await learned();
    await setRescue({ email: DEMO_RESCUE_CONNECTION.email, password: "Another-Password-1" });
    expect(await bulkCreate()).toBe("unavailable");
    await setRescue({ email: DEMO_RESCUE_CONNECTION.email, apiToken: DEMO_RESCUE_CONNECTION.apiToken });
    expect(await bulkCreate()).toBe("unknown");
    await learned();
    await setRescue({ email: "another.holder@contoso-demo.example" });
    expect(await bulkCreate()).toBe("unknown");
    await learned();
    // Another region is another Rescue: its secrets are entered again, and what was learned starts over.
    const moved = await setRescue({
      email: DEMO_RESCUE_CONNECTION.email,
      region: "global",
      apiToken: DEMO_RESCUE_CONNECTION.apiToken,
    });
    expect(moved.statusCode).toBe(200);
    expect(await bulkCreate()).toBe("unknown");
  });

  test("omitted secrets are kept by a later PUT", async () => {
    await setRescue({ ...DEMO_RESCUE_BODY });
    await setRescue({ email: DEMO_RESCUE_CONNECTION.email });
    expect((await testConnection()).ok).toBe(true);
  });

  test("a viewer can read the connection but not set or test it", async () => {
    const viewer = await api.memberOf(owner.tenantId, "viewer");
    expect((await api.call(viewer.token, { method: "GET", url: `${base}/rescue-connection` })).statusCode).toBe(200);
    const set = await api.call(viewer.token, {
      method: "PUT",
      url: `${base}/rescue-connection`,
      payload: { email: "x@example.test" },
    });
    expect(set.statusCode).toBe(403);
    expect((await api.call(viewer.token, { method: "POST", url: `${base}/rescue-connection/test` })).statusCode).toBe(
      403,
    );
  });
});

describe("Entra connection", () => {
  test("test reports every permission granted against the emulator", async () => {
    const set = await setEntra({ ...SANDBOX_ENTRA_BODY });
    expect(set.statusCode).toBe(200);
    expect(set.json()).toMatchObject({ hasClientSecret: true, cloud: "sandbox" });
    const tested = await api.call(owner.token, { method: "POST", url: `${base}/entra-connection/test` });
    expect(tested.statusCode).toBe(200);
    expect(tested.json()).toMatchObject({
      ok: true,
      permissions: [
        { permission: "User.Read.All", granted: true },
        { permission: "Group.Read.All", granted: true },
        { permission: "Directory.Read.All", granted: true },
      ],
    });
  });

  test("missing consent is named permission by permission", async () => {
    const tenant = graph.admin.requireTenant(DEMO_TENANT_ID);
    tenant.setAppRoles(DEMO_CLIENT_ID, ["User.Read.All"]);
    try {
      const tested = (await api.call(owner.token, { method: "POST", url: `${base}/entra-connection/test` })).json();
      expect(tested.ok).toBe(false);
      expect(tested.permissions).toEqual([
        { permission: "User.Read.All", granted: true },
        { permission: "Group.Read.All", granted: false },
        { permission: "Directory.Read.All", granted: false },
      ]);
      expect(tested.message).toContain("Group.Read.All, Directory.Read.All");
    } finally {
      tenant.setAppRoles(DEMO_CLIENT_ID, ["User.Read.All", "Group.Read.All", "Directory.Read.All"]);
    }
  });

  test("a wrong client secret is a failed sign-in in plain words", async () => {
    await setEntra({ directoryId: DEMO_TENANT_ID, clientId: DEMO_CLIENT_ID, clientSecret: "wrong-secret" });
    const tested = (await api.call(owner.token, { method: "POST", url: `${base}/entra-connection/test` })).json();
    expect(tested.ok).toBe(false);
    expect(tested.message).toMatch(/Could not sign in/);
    expect(tested.permissions).toEqual([]);
    await setEntra({ directoryId: DEMO_TENANT_ID, clientId: DEMO_CLIENT_ID, clientSecret: DEMO_CLIENT_SECRET });
  });

  test("typed values are tested without being saved: a wrong new secret never replaces the working one", async () => {
    await setEntra({ ...SANDBOX_ENTRA_BODY });
    await api.call(owner.token, { method: "POST", url: `${base}/entra-connection/test` });
    const before = (await api.call(owner.token, { method: "GET", url: `${base}/entra-connection` })).json();
    const candidate = { directoryId: DEMO_TENANT_ID, clientId: DEMO_CLIENT_ID, clientSecret: "a-wrong-new-secret" };
    const tested = await api.call(owner.token, {
      method: "POST",
      url: `${base}/entra-connection/test`,
      payload: { candidate },
    });
    expect(tested.statusCode).toBe(200);
    expect(tested.json()).toMatchObject({ ok: false, message: expect.stringMatching(/Could not sign in/) });
    // Nothing was written: the saved connection and its last test are as they were, and it still works.
    const after = (await api.call(owner.token, { method: "GET", url: `${base}/entra-connection` })).json();
    expect(after).toEqual(before);
    const saved = (await api.call(owner.token, { method: "POST", url: `${base}/entra-connection/test` })).json();
    expect(saved.ok).toBe(true);
    // Without a secret, the candidate uses the saved one.
    const { clientSecret: _omitted, ...withoutSecret } = candidate;
    const keptSecret = await api.call(owner.token, {
      method: "POST",
      url: `${base}/entra-connection/test`,
      payload: { candidate: withoutSecret },
    });
    expect(keptSecret.json().ok).toBe(true);
  });
});

describe("pickers", () => {
  test("Entra groups are searched and paged server-side", async () => {
    const found = await api.call(owner.token, { method: "GET", url: `${base}/pickers/entra-groups?search=Help` });
    expect(found.statusCode).toBe(200);
    expect(found.json().groups.map((g: { displayName: string }) => g.displayName)).toContain("Helpdesk");

    const first = (
      await api.call(owner.token, { method: "GET", url: `${base}/pickers/entra-groups?pageSize=2` })
    ).json();
    expect(first.groups).toHaveLength(2);
    expect(first.nextPageToken).toEqual(expect.any(String));
    const second = (
      await api.call(owner.token, {
        method: "GET",
        url: `${base}/pickers/entra-groups?pageToken=${encodeURIComponent(first.nextPageToken)}`,
      })
    ).json();
    expect(second.groups.length).toBeGreaterThan(0);
    expect(second.groups[0].id).not.toBe(first.groups[0].id);

    const forged = await api.call(owner.token, {
      method: "GET",
      url: `${base}/pickers/entra-groups?pageToken=${Buffer.from("https://evil.test/groups").toString("base64url")}`,
    });
    expect(forged.statusCode).toBe(400);
    expect(forged.json().message).toContain("pageToken");
  });

  test("Rescue technician groups come flat with parent ids and paths", async () => {
    const res = await api.call(owner.token, { method: "GET", url: `${base}/pickers/rescue-groups` });
    expect(res.statusCode).toBe(200);
    const groups: { id: number; parentId: number | null; name: string; path: string[] }[] = res.json().groups;
    const names = groups.map((g) => g.name);
    expect(names).toEqual(
      expect.arrayContaining(["Support Tier 1", "Support Tier 2", "Field Engineers", "Field Engineers North"]),
    );
    expect(names).not.toContain("Alex Morgan");
    const north = groups.find((g) => g.name === "Field Engineers North");
    const field = groups.find((g) => g.name === "Field Engineers");
    expect(north).toMatchObject({ parentId: field?.id, path: ["Field Engineers", "Field Engineers North"] });
  });
});

describe("mappings", () => {
  async function groupId(name: string): Promise<number> {
    const groups = (await api.call(owner.token, { method: "GET", url: `${base}/pickers/rescue-groups` })).json().groups;
    return groups.find((g: { name: string }) => g.name === name).id;
  }

  test("create, list in priority order, update, delete; the Rescue side must be a technician group; pairs are unique", async () => {
    const tier1 = await groupId("Support Tier 1");
    const tier2 = await groupId("Support Tier 2");
    const create = (body: Record<string, unknown>) =>
      api.call(owner.token, { method: "POST", url: `${base}/mappings`, payload: body });

    const first = await create({
      entraGroupId: "g-help",
      entraGroupName: "Helpdesk",
      rescueGroupId: tier1,
      priority: 20,
    });
    expect(first.statusCode).toBe(201);
    expect(first.json()).toMatchObject({
      rescueGroupName: "Support Tier 1",
      transitive: true,
      filter: null,
      priority: 20,
    });
    const second = await create({
      entraGroupId: "g-esc",
      entraGroupName: "Escalations",
      rescueGroupId: tier2,
      priority: 10,
      filter: { attribute: "department", operator: "equals", value: "IT" },
    });
    expect(second.statusCode).toBe(201);

    const duplicate = await create({ entraGroupId: "g-help", entraGroupName: "Helpdesk", rescueGroupId: tier1 });
    expect(duplicate.statusCode).toBe(409);
    const notAGroup = await create({ entraGroupId: "g-x", entraGroupName: "X", rescueGroupId: 987654 });
    expect(notAGroup.statusCode).toBe(400);
    expect(notAGroup.json().message).toContain("rescueGroupId");
    const badFilter = await create({
      entraGroupId: "g-y",
      entraGroupName: "Y",
      rescueGroupId: tier1,
      filter: { attribute: "salary", operator: "equals", value: "1" },
    });
    expect(badFilter.json().message).toContain("body.filter.attribute");

    const list = (await api.call(owner.token, { method: "GET", url: `${base}/mappings` })).json().mappings;
    expect(list.map((m: { entraGroupName: string }) => m.entraGroupName)).toEqual(["Escalations", "Helpdesk"]);

    const moved = await api.call(owner.token, {
      method: "PATCH",
      url: `${base}/mappings/${first.json().id}`,
      payload: { priority: 5, filter: { attribute: "jobTitle", operator: "contains", value: "tech" } },
    });
    expect(moved.json()).toMatchObject({
      priority: 5,
      filter: { attribute: "jobTitle", operator: "contains", value: "tech" },
    });
    const clash = await api.call(owner.token, {
      method: "PATCH",
      url: `${base}/mappings/${second.json().id}`,
      payload: { entraGroupId: "g-help", rescueGroupId: tier1 },
    });
    expect(clash.statusCode).toBe(409);

    const deleted = await api.call(owner.token, { method: "DELETE", url: `${base}/mappings/${first.json().id}` });
    expect(deleted.statusCode).toBe(204);
    expect((await api.call(owner.token, { method: "GET", url: `${base}/mappings` })).json().mappings).toHaveLength(1);

    const actions = (await api.call(owner.token, { method: "GET", url: `${base}/audit-events?limit=10` })).json()
      .events;
    expect(actions.map((e: { action: string }) => e.action).slice(0, 4)).toEqual([
      "mapping.deleted",
      "mapping.updated",
      "mapping.created",
      "mapping.created",
    ]);
  });

  test("a viewer can list mappings but not change them", async () => {
    const viewer = await api.memberOf(owner.tenantId, "viewer");
    expect((await api.call(viewer.token, { method: "GET", url: `${base}/mappings` })).statusCode).toBe(200);
    const res = await api.call(viewer.token, {
      method: "POST",
      url: `${base}/mappings`,
      payload: { entraGroupId: "g", entraGroupName: "G", rescueGroupId: 1 },
    });
    expect(res.statusCode).toBe(403);
  });
});
