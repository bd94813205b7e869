// The emulator's wire protocol, checked raw (no MSAL, no Graph client): what Entra and Graph answer.
import { createLocalJWKSet, jwtVerify } from "jose";
import {
  DEMO_CLIENT_ID,
  DEMO_CLIENT_SECRET,
  DEMO_GROUP_IDS,
  DEMO_SHARED_TECHNICIAN_EMAIL,
  DEMO_TENANT_ID,
} from "./demo-directory";
import { type BuiltGraphEmulator, buildGraphEmulator } from "./graph-emulator";

let emulator: BuiltGraphEmulator;

beforeAll(async () => {
  emulator = await buildGraphEmulator();
});
afterAll(async () => {
  await emulator.app.close();
});
beforeEach(() => {
  emulator.admin.reset();
});

async function token(form: Record<string, string> = {}) {
  return emulator.app.inject({
    method: "POST",
    url: `/${form.tenant ?? DEMO_TENANT_ID}/oauth2/v2.0/token`,
    headers: { "content-type": "application/x-www-form-urlencoded" },
    payload: new URLSearchParams({
      grant_type: "client_credentials",
      client_id: DEMO_CLIENT_ID,
      client_secret: DEMO_CLIENT_SECRET,
      scope: "https://graph.microsoft.com/.default",
      ...form,
    }).toString(),
  });
}

async function graph(url: string, headers: Record<string, string> = {}) {
  const accessToken = (await token()).json().access_token as string;
  return emulator.app.inject({
    method: "GET",
    url: `/v1.0${url}`,
    headers: { authorization: `Bearer ${accessToken}`, ...headers },
  });
}

describe("identity platform", () => {
  it("serves OpenID metadata for a known tenant and AADSTS90002 for an unknown one", async () => {
    const metadata = await emulator.app.inject({ url: `/${DEMO_TENANT_ID}/v2.0/.well-known/openid-configuration` });
    expect(metadata.json()).toMatchObject({
      token_endpoint: expect.stringContaining(`/${DEMO_TENANT_ID}/oauth2/v2.0/token`),
    });
    const unknown = await emulator.app.inject({ url: "/contoso.example/v2.0/.well-known/openid-configuration" });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error_codes).toEqual([90002]);
  });

  it("issues RS256 tokens verifiable with its JWKS, carrying tid, appid and the consented roles", async () => {
    const response = await token();
    expect(response.json()).toMatchObject({ token_type: "Bearer", expires_in: 3599 });
    const jwks = (await emulator.app.inject({ url: `/${DEMO_TENANT_ID}/discovery/v2.0/keys` })).json();
    const { payload, protectedHeader } = await jwtVerify(response.json().access_token, createLocalJWKSet(jwks), {
      audience: "https://graph.microsoft.com",
    });
    expect(protectedHeader.alg).toBe("RS256");
    expect(payload).toMatchObject({
      tid: DEMO_TENANT_ID,
      appid: DEMO_CLIENT_ID,
      roles: ["User.Read.All", "Group.Read.All", "Directory.Read.All"],
    });
  });

  it("answers errors in Entra's format, by AADSTS code", async () => {
    const cases: [Record<string, string>, number, string, number][] = [
      [{ tenant: "not-a-tenant" }, 400, "invalid_request", 900023],
      [{ tenant: "00000000-0000-4000-a000-000000000000" }, 400, "invalid_request", 90002],
      [{ client_id: "00000000-0000-4000-a000-000000000000" }, 400, "unauthorized_client", 700016],
      [{ client_secret: "wrong" }, 401, "invalid_client", 7000215],
      [{ client_secret: "Exp8Q~TechSyncGraphDemoSecretExpired00001" }, 401, "invalid_client", 7000222],
    ];
    for (const [form, status, error, code] of cases) {
      const response = await token(form);
      expect(response.statusCode).toBe(status);
      const body = response.json();
      expect(body).toMatchObject({
        error,
        error_codes: [code],
        trace_id: expect.any(String),
        correlation_id: expect.any(String),
      });
      expect(body.error_description).toMatch(new RegExp(`^AADSTS${code}: `));
    }
  });
});

describe("Graph", () => {
  it("checks the token and answers in Graph's error format with a request-id", async () => {
    const response = await emulator.app.inject({ url: "/v1.0/groups", headers: { authorization: "Bearer nonsense" } });
    expect(response.statusCode).toBe(401);
    expect(response.json().error).toMatchObject({
      code: "InvalidAuthenticationToken",
      innerError: { "request-id": response.headers["request-id"] },
    });
  });

  it("refuses reads the token's roles do not allow with 403 Authorization_RequestDenied", async () => {
    emulator.admin.requireTenant(DEMO_TENANT_ID).setAppRoles(DEMO_CLIENT_ID, ["User.Read.All"]);
    const response = await graph("/groups");
    expect(response.statusCode).toBe(403);
    expect(response.json().error.code).toBe("Authorization_RequestDenied");
  });

  it("needs ConsistencyLevel: eventual for $search, and caps $top at 999", async () => {
    expect((await graph(`/groups?$search="displayName:help"`)).json().error.code).toBe("Request_UnsupportedQuery");
    const found = await graph(`/groups?$search="displayName:help"&$count=true`, { consistencylevel: "eventual" });
    expect(found.json()["@odata.count"]).toBe(2);
    expect((await graph("/groups?$top=1000")).statusCode).toBe(400);
  });

  it("counts a group's members with /members/$count only under ConsistencyLevel: eventual, and gives no @odata.count without it", async () => {
    const url = `/groups/${DEMO_GROUP_IDS.allTechnicians}/members/$count`;
    const refused = await graph(url);
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error.code).toBe("Request_BadRequest");
    const counted = await graph(url, { consistencylevel: "eventual" });
    expect(counted.statusCode).toBe(200);
    expect(counted.headers["content-type"]).toMatch(/^text\/plain/);
    const listed = await graph(`/groups/${DEMO_GROUP_IDS.allTechnicians}/members?$top=999`);
    expect(Number(counted.body)).toBe(listed.json().value.length);
    expect((await graph("/groups?$count=true")).json()["@odata.count"]).toBeUndefined();
    const all = await graph("/groups?$count=true&$top=1", { consistencylevel: "eventual" });
    expect(all.json()["@odata.count"]).toBeGreaterThan(1);
  });

  it("lists transitive user members once each despite the Helpdesk ⇄ Escalations cycle", async () => {
    const url = `/groups/${DEMO_GROUP_IDS.allTechnicians}/transitiveMembers/microsoft.graph.user?$select=id,mail,accountEnabled&$count=true`;
    expect((await graph(url)).statusCode).toBe(400);
    const body = (await graph(url, { consistencylevel: "eventual" })).json();
    const ids = body.value.map((user: { id: string }) => user.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(body["@odata.count"]).toBe(ids.length);
    expect(body.value.some((user: { mail: string }) => user.mail === DEMO_SHARED_TECHNICIAN_EMAIL)).toBe(true);
  });

  it("searches users by word prefixes with ConsistencyLevel: eventual, as Graph does", async () => {
    const search = `/users?$search="displayName:zz-nobody" OR "mail:zz-nobody"&$count=true`;
    expect((await graph(search)).json().error.code).toBe("Request_UnsupportedQuery");
    const none = await graph(search, { consistencylevel: "eventual" });
    expect(none.json()).toMatchObject({ "@odata.count": 0, value: [] });
    const first = (await graph("/users?$top=1&$select=id,displayName")).json().value[0] as { displayName: string };
    const word = first.displayName.split(" ")[0]?.slice(0, 3) ?? "";
    const found = await graph(`/users?$search="displayName:${word}"&$count=true&$select=id,displayName`, {
      consistencylevel: "eventual",
    });
    expect(found.json().value.map((u: { displayName: string }) => u.displayName)).toContain(first.displayName);
  });

  it("lists the groups that hold a user or a group directly (memberOf), and 404 for an unknown one", async () => {
    const helpdeskMemberOf = (await graph(`/groups/${DEMO_GROUP_IDS.helpdesk}/memberOf?$select=id,displayName`)).json();
    expect(helpdeskMemberOf.value.map((g: { id: string }) => g.id).sort()).toEqual(
      [DEMO_GROUP_IDS.allTechnicians, DEMO_GROUP_IDS.escalations].sort(),
    );
    expect(helpdeskMemberOf.value[0]["@odata.type"]).toBe("#microsoft.graph.group");
    const member = (await graph(`/groups/${DEMO_GROUP_IDS.fieldSupport}/members?$top=1`)).json().value[0] as {
      id: string;
    };
    const userMemberOf = (await graph(`/users/${member.id}/memberOf`)).json();
    expect(userMemberOf.value.map((g: { id: string }) => g.id)).toContain(DEMO_GROUP_IDS.fieldSupport);
    expect((await graph("/users/00000000-0000-4000-a000-00000000dead/memberOf")).statusCode).toBe(404);
  });

  it("rejects a $batch of more than 20 requests", async () => {
    const accessToken = (await token()).json().access_token as string;
    const response = await emulator.app.inject({
      method: "POST",
      url: "/v1.0/$batch",
      headers: { authorization: `Bearer ${accessToken}` },
      payload: {
        requests: Array.from({ length: 21 }, (_, index) => ({ id: String(index), method: "GET", url: "/groups" })),
      },
    });
    expect(response.statusCode).toBe(400);
  });
});

describe("demo directory and admin routes", () => {
  it("has 50 member users and 3 guests, some disabled and some without mail, and the nested demo groups", () => {
    const tenant = emulator.admin.requireTenant(DEMO_TENANT_ID);
    const users = [...tenant.users.values()].filter((user) => user.userType === "Member");
    expect(users).toHaveLength(50);
    expect(tenant.users.size).toBe(53);
    expect(users.some((user) => !user.accountEnabled)).toBe(true);
    expect(users.some((user) => user.mail === null)).toBe(true);
    expect([...tenant.groups.values()].map((group) => group.displayName)).toEqual(
      expect.arrayContaining(["Helpdesk", "Field Support", "Escalations"]),
    );
  });

  it("changes the directory through /_emulator routes", async () => {
    const tenant = emulator.admin.requireTenant(DEMO_TENANT_ID);
    const [userId] = tenant.users.keys();
    const base = `/_emulator/tenants/${DEMO_TENANT_ID}`;
    const renamed = await emulator.app.inject({
      method: "PATCH",
      url: `${base}/users/${userId}`,
      payload: { displayName: "Renamed", accountEnabled: false },
    });
    expect(renamed.json()).toMatchObject({ displayName: "Renamed", accountEnabled: false });
    const added = await emulator.app.inject({
      method: "POST",
      url: `${base}/groups/${DEMO_GROUP_IDS.nightShift}/members`,
      payload: { memberId: userId },
    });
    expect(added.json()).toEqual({ added: true });
    const removed = await emulator.app.inject({
      method: "DELETE",
      url: `${base}/groups/${DEMO_GROUP_IDS.nightShift}/members/${userId}`,
    });
    expect(removed.json()).toEqual({ removed: true });
    await emulator.app.inject({ method: "POST", url: `${base}/users/${userId}/delete` });
    expect((await graph(`/users/${userId}`)).statusCode).toBe(404);
    await emulator.app.inject({ method: "POST", url: `${base}/users/${userId}/restore` });
    expect((await graph(`/users/${userId}`)).statusCode).toBe(200);
    const roles = await emulator.app.inject({
      method: "PUT",
      url: `${base}/apps/${DEMO_CLIENT_ID}/roles`,
      payload: { roles: ["User.Read.All"] },
    });
    expect(roles.json().roles).toEqual(["User.Read.All"]);
    const generated = await emulator.app.inject({
      method: "POST",
      url: "/_emulator/tenants/generate",
      payload: { seed: 3, tenantId: "12121212-0000-4000-a000-000000000000", users: 40, groups: 2, nestingDepth: 1 },
    });
    expect(generated.statusCode).toBe(201);
    expect(emulator.admin.requireTenant("12121212-0000-4000-a000-000000000000").users.size).toBe(40);
    const badFaults = await emulator.app.inject({
      method: "PUT",
      url: "/_emulator/faults",
      payload: { latencyMs: -1 },
    });
    expect(badFaults.statusCode).toBe(400);
  });
});
