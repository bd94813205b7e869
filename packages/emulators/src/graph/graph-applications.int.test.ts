// GET /v1.0/applications on the wire: an app registration's secrets' metadata (hint, dates, never the value), and
// the permission and query checks Graph applies.
import { DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_TENANT_ID } from "./demo-directory";
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

async function grant(roles: string[]) {
  const response = await emulator.app.inject({
    method: "PUT",
    url: `/_emulator/tenants/${DEMO_TENANT_ID}/apps/${DEMO_CLIENT_ID}/roles`,
    payload: { roles },
  });
  expect(response.statusCode).toBe(200);
}

async function graph(url: string) {
  const tokenResponse = await emulator.app.inject({
    method: "POST",
    url: `/${DEMO_TENANT_ID}/oauth2/v2.0/token`,
    headers: { "content-type": "application/x-www-form-urlencoded" },
    payload: new URLSearchParams({
      grant_type: "client_credentials",
      client_id: DEMO_CLIENT_ID,
      client_secret: DEMO_CLIENT_SECRET,
      scope: "https://graph.microsoft.com/.default",
    }).toString(),
  });
  return emulator.app.inject({
    method: "GET",
    url: `/v1.0${url}`,
    headers: { authorization: `Bearer ${tokenResponse.json().access_token}` },
  });
}

const byAppId = `/applications?$filter=${encodeURIComponent(`appId eq '${DEMO_CLIENT_ID}'`)}&$select=passwordCredentials,appId,displayName`;

describe("GET /v1.0/applications", () => {
  it("answers the app registration with its secrets' hints and dates, never their values", async () => {
    await grant(["Group.Read.All", "User.Read.All", "Application.Read.All"]);
    const response = await graph(byAppId);
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body["@odata.context"]).toBe(
      "https://graph.microsoft.com/v1.0/$metadata#applications(passwordCredentials,appId,displayName)",
    );
    expect(body.value).toHaveLength(1);
    const [app] = body.value;
    expect(Object.keys(app).sort()).toEqual(["appId", "displayName", "id", "passwordCredentials"]);
    expect(app.appId).toBe(DEMO_CLIENT_ID);
    expect(app.id).not.toBe(DEMO_CLIENT_ID);
    expect(app.passwordCredentials).toEqual([
      expect.objectContaining({ hint: "Dmo", endDateTime: "2099-12-31T00:00:00Z", secretText: null }),
      expect.objectContaining({ hint: "Exp", endDateTime: "2024-01-01T00:00:00Z" }),
    ]);
    expect(response.body).not.toContain(DEMO_CLIENT_SECRET);
  });

  it("lists a secret added through the admin interface", async () => {
    const added = await emulator.app.inject({
      method: "POST",
      url: `/_emulator/tenants/${DEMO_TENANT_ID}/apps/${DEMO_CLIENT_ID}/secrets`,
      payload: { value: "Nw3Q~another", expiresAt: "2027-03-01T00:00:00Z", displayName: "rotation" },
    });
    expect(added.statusCode).toBe(200);
    const response = await graph(byAppId);
    expect(response.json().value[0].passwordCredentials).toContainEqual(
      expect.objectContaining({
        keyId: added.json().keyId,
        hint: "Nw3",
        displayName: "rotation",
        endDateTime: "2027-03-01T00:00:00Z",
      }),
    );
  });

  it("refuses an app without Application.Read.All or a wider permission (403 Authorization_RequestDenied)", async () => {
    await grant(["Group.Read.All", "User.Read.All"]);
    const response = await graph(byAppId);
    expect(response.statusCode).toBe(403);
    expect(response.json().error).toMatchObject({
      code: "Authorization_RequestDenied",
      message: "Insufficient privileges to complete the operation.",
    });
  });

  it("lets Directory.Read.All read applications, as Graph does", async () => {
    await grant(["Directory.Read.All"]);
    expect((await graph(byAppId)).statusCode).toBe(200);
  });

  it("answers no app for another client id and 400 for filters it does not know", async () => {
    await grant(["Application.Read.All"]);
    const other = await graph(
      `/applications?$filter=${encodeURIComponent("appId eq '00000000-0000-0000-0000-000000000000'")}`,
    );
    expect(other.json().value).toEqual([]);
    const unsupported = await graph(`/applications?$filter=${encodeURIComponent("signInAudience eq 'AzureADMyOrg'")}`);
    expect(unsupported.statusCode).toBe(400);
    expect(unsupported.json().error.code).toBe("Request_UnsupportedQuery");
    const malformed = await graph(`/applications?$filter=${encodeURIComponent(`appId = '${DEMO_CLIENT_ID}'`)}`);
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().error.code).toBe("BadRequest");
    const badSelect = await graph("/applications?$select=secretValue");
    expect(badSelect.statusCode).toBe(400);
  });
});
