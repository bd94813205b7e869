// Admin changes to the directory show in delta as Graph shows them: a member added to a nested group is a change of
// the nested group only (Graph reports nothing on the parent), and memberOf / transitiveMemberOf say where a user is.
import { DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_GROUP_IDS, DEMO_TENANT_ID } from "./demo-directory";
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

async function graph(url: string, headers: Record<string, string> = {}) {
  const issued = await emulator.app.inject({
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
  const path = url.startsWith("http") ? new URL(url).pathname + new URL(url).search : `/v1.0${url}`;
  return emulator.app.inject({
    method: "GET",
    url: path,
    headers: { authorization: `Bearer ${issued.json().access_token}`, ...headers },
  });
}

async function admin(method: "POST" | "PATCH", url: string, payload: object) {
  const response = await emulator.app.inject({ method, url: `/_emulator/tenants/${DEMO_TENANT_ID}${url}`, payload });
  expect(response.statusCode).toBeLessThan(300);
  return response.json();
}

const parent = DEMO_GROUP_IDS.helpdesk;
const filter = (ids: string[]) => encodeURIComponent(ids.map((id) => `id eq '${id}'`).join(" or "));

describe("delta reflects admin changes", () => {
  it("a member added to a nested group is a change of the nested group, not of the mapped parent", async () => {
    const nested = await admin("POST", "/groups", { displayName: "Helpdesk nights" });
    await admin("POST", `/groups/${parent}/members`, { memberId: nested.id });
    const user = await admin("POST", "/users", { displayName: "Nadia Example", userPrincipalName: "nadia@x.example" });

    const start = await graph(
      `/groups/delta?$select=displayName,members&$filter=${filter([parent, nested.id])}&$deltatoken=latest`,
    );
    expect(start.json().value).toEqual([]);
    await admin("POST", `/groups/${nested.id}/members`, { memberId: user.id });

    const round = (await graph(start.json()["@odata.deltaLink"])).json();
    expect(round.value).toEqual([
      expect.objectContaining({
        id: nested.id,
        "members@delta": [{ "@odata.type": "#microsoft.graph.user", id: user.id }],
      }),
    ]);
    // The user is in the parent (and the groups the parent is nested in) only through the nested group.
    const transitive = (await graph(`/users/${user.id}/transitiveMemberOf?$select=id`)).json().value;
    expect(transitive.map((group: { id: string }) => group.id)).toEqual(expect.arrayContaining([nested.id, parent]));
    const direct = (await graph(`/users/${user.id}/memberOf?$select=id`)).json().value;
    expect(direct.map((group: { id: string }) => group.id)).toEqual([nested.id]);
    // A cast on transitiveMembers is an advanced query, as in Graph.
    const nestedGroups = await graph(
      `/groups/${parent}/transitiveMembers/microsoft.graph.group?$select=id&$count=true`,
      {
        ConsistencyLevel: "eventual",
      },
    );
    expect(nestedGroups.json().value.map((group: { id: string }) => group.id)).toContain(nested.id);
  });

  it("a user disabled by an admin is a change in users delta", async () => {
    const start = await graph("/users/delta?$select=id,accountEnabled&$deltatoken=latest");
    const user = await admin("POST", "/users", { displayName: "Omar Example", userPrincipalName: "omar@x.example" });
    const first = (await graph(start.json()["@odata.deltaLink"])).json();
    await admin("PATCH", `/users/${user.id}`, { accountEnabled: false });
    const second = (await graph(first["@odata.deltaLink"])).json();
    expect(second.value).toEqual([expect.objectContaining({ id: user.id, accountEnabled: false })]);
  });

  it("an expired delta link is refused 410 Gone with resyncRequired and a fresh start URL", async () => {
    const start = await graph("/users/delta?$select=id&$deltatoken=latest");
    emulator.admin.setFaults({ deltaTokenTtlMs: 0, deltaExpiry: "gone" });
    await new Promise((resolve) => setTimeout(resolve, 5));
    const expired = await graph(start.json()["@odata.deltaLink"]);
    expect(expired.statusCode).toBe(410);
    expect(expired.json().error.code).toBe("resyncRequired");
    expect(expired.headers.location).toMatch(/\/users\/delta\?\$deltatoken=$/);
  });
});
