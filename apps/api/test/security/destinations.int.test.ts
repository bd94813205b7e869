// Finding: stored secrets left with a URL change. A tenant could PUT its Rescue connection with a new
// apiBaseUrl (or its Entra connection with a new authority / Graph URL), keep the stored secrets, and have the
// connection test send the API token and password to a listener of its choosing. Now a destination is a name
// from a fixed table, URLs in the body are refused, and changing the destination clears the stored secrets.
import { loadTenantSyncConfig } from "@techsync/db";
import { DEMO_CLIENT_ID, DEMO_TENANT_ID } from "@techsync/emulators/graph";
import { DEMO_RESCUE_CONNECTION, type StartedRescueEmulator, startRescueEmulator } from "@techsync/emulators/rescue";
import { type ApiHarness, startApiHarness } from "../api-harness";
import { type RecordingListener, startRecordingListener } from "./recording-listener";

// Every test here talks to emulators over TLS and HTTP; on a loaded machine that outlasts jest's default 5 s.
jest.setTimeout(30_000);

const STORED_TOKEN = "stored-api-token-0123456789-never-leaves";
const STORED_PASSWORD = "Stored-Password-2026!-never-leaves";
const STORED_CLIENT_SECRET = "stored-client-secret-never-leaves";

let api: ApiHarness;
let trap: RecordingListener;
let rescue: StartedRescueEmulator;

beforeAll(async () => {
  trap = await startRecordingListener({ body: "OK AccountID:1 Organization:Trap AdminID:1 TechID:0" });
  rescue = await startRescueEmulator({ port: 0 });
  // The operator's Rescue emulator is the trap: whatever reaches it is recorded.
  api = await startApiHarness({ outbound: { emulators: { rescueUrl: trap.url } } });
});
afterAll(async () => {
  await api.close();
  await trap.close();
  await rescue.close();
});

const everythingTrapSaw = () => [...trap.received].join("\n");

async function connectedTenant(options: { sandbox: boolean }) {
  const owner = await api.ownerWithTenant("Victim", options);
  const base = `/v1/tenants/${owner.tenantId}`;
  const rescueSet = await api.call(owner.token, {
    method: "PUT",
    url: `${base}/rescue-connection`,
    payload: { email: "mah@victim.example", apiToken: STORED_TOKEN, password: STORED_PASSWORD, region: "global" },
  });
  expect(rescueSet.statusCode).toBe(200);
  const entraSet = await api.call(owner.token, {
    method: "PUT",
    url: `${base}/entra-connection`,
    payload: { directoryId: DEMO_TENANT_ID, clientId: DEMO_CLIENT_ID, clientSecret: STORED_CLIENT_SECRET },
  });
  expect(entraSet.statusCode).toBe(200);
  return { ...owner, base };
}

describe("stored secrets stay bound to their destination", () => {
  test("a PUT with a URL is refused by name, and the test that follows sends the trap nothing", async () => {
    const tenant = await connectedTenant({ sandbox: false });
    for (const payload of [
      { email: "x@example.com", apiBaseUrl: `${trap.url}` },
      { email: "x@example.com", apiBaseUrl: `${trap.url}/API/x.aspx#` },
      { email: "x@example.com", baseUrl: `${trap.url}?` },
    ]) {
      const res = await api.call(tenant.token, { method: "PUT", url: `${tenant.base}/rescue-connection`, payload });
      expect(res.statusCode).toBe(400);
      expect(res.json().message).toContain(Object.keys(payload)[1]);
    }
    for (const field of ["authorityHost", "graphBaseUrl"]) {
      const res = await api.call(tenant.token, {
        method: "PUT",
        url: `${tenant.base}/entra-connection`,
        payload: { directoryId: DEMO_TENANT_ID, clientId: DEMO_CLIENT_ID, [field]: trap.url },
      });
      expect(res.statusCode).toBe(400);
      expect(res.json().message).toContain(field);
    }
    const region = await api.call(tenant.token, {
      method: "PUT",
      url: `${tenant.base}/rescue-connection`,
      payload: { email: "x@example.com", region: trap.url },
    });
    expect(region.statusCode).toBe(400);
    expect(region.json().message).toContain("region");

    await api.call(tenant.token, { method: "POST", url: `${tenant.base}/rescue-connection/test` });
    await api.call(tenant.token, { method: "POST", url: `${tenant.base}/entra-connection/test` });
    expect(trap.connections()).toBe(0);
    // The connection is as it was: still the global region, secrets kept.
    const read = await api.call(tenant.token, { method: "GET", url: `${tenant.base}/rescue-connection` });
    expect(read.json()).toMatchObject({ email: "mah@victim.example", region: "global", hasApiToken: true });
  });

  test("a production tenant cannot move its connection to the server's emulator", async () => {
    const tenant = await connectedTenant({ sandbox: false });
    const res = await api.call(tenant.token, {
      method: "PUT",
      url: `${tenant.base}/rescue-connection`,
      payload: { email: "mah@victim.example", region: "sandbox", apiToken: "anything" },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toMatch(/^region: .*sandbox mode/);
    const entra = await api.call(tenant.token, {
      method: "PUT",
      url: `${tenant.base}/entra-connection`,
      payload: { directoryId: DEMO_TENANT_ID, clientId: DEMO_CLIENT_ID, cloud: "sandbox", clientSecret: "x" },
    });
    expect(entra.statusCode).toBe(400);
    expect(entra.json().message).toMatch(/^cloud: /);
    await api.call(tenant.token, { method: "POST", url: `${tenant.base}/rescue-connection/test` });
    expect(trap.connections()).toBe(0);
  });

  test("changing the region requires the secrets again; the old ones never reach the new destination", async () => {
    const tenant = await connectedTenant({ sandbox: true });
    const moveWithout = await api.call(tenant.token, {
      method: "PUT",
      url: `${tenant.base}/rescue-connection`,
      payload: { email: "mah@victim.example", region: "sandbox" },
    });
    expect(moveWithout.statusCode).toBe(400);
    expect(moveWithout.json().message).toMatch(/^apiToken: required again because the region changed/);
    const before = await api.call(tenant.token, { method: "POST", url: `${tenant.base}/rescue-connection/test` });
    expect(before.json().ok).toBe(false); // the global region, which tests cannot reach
    expect(trap.connections()).toBe(0);

    // Moving with a new token: the stored password is cleared, not carried along.
    const moved = await api.call(tenant.token, {
      method: "PUT",
      url: `${tenant.base}/rescue-connection`,
      payload: { email: "mah@victim.example", region: "sandbox", apiToken: "a-new-token-for-the-sandbox" },
    });
    expect(moved.statusCode).toBe(200);
    expect(moved.json()).toMatchObject({ region: "sandbox", hasApiToken: true, hasPassword: false });
    await api.call(tenant.token, { method: "POST", url: `${tenant.base}/rescue-connection/test` });
    expect(everythingTrapSaw()).toContain("a-new-token-for-the-sandbox");
    expect(everythingTrapSaw()).not.toContain(STORED_TOKEN);
    expect(everythingTrapSaw()).not.toContain(encodeURIComponent(STORED_PASSWORD));
    expect(everythingTrapSaw()).not.toContain(STORED_PASSWORD);
  });

  test("changing the Entra cloud requires the client secret again", async () => {
    const tenant = await connectedTenant({ sandbox: false });
    const res = await api.call(tenant.token, {
      method: "PUT",
      url: `${tenant.base}/entra-connection`,
      payload: { directoryId: DEMO_TENANT_ID, clientId: DEMO_CLIENT_ID, cloud: "usgov" },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toMatch(/^clientSecret: required again because the cloud changed/);
    const moved = await api.call(tenant.token, {
      method: "PUT",
      url: `${tenant.base}/entra-connection`,
      payload: { directoryId: DEMO_TENANT_ID, clientId: DEMO_CLIENT_ID, cloud: "usgov", clientSecret: "new" },
    });
    expect(moved.json()).toMatchObject({ cloud: "usgov", hasClientSecret: true });
    const row = await api.prisma.entraConnection.findUniqueOrThrow({ where: { tenantId: tenant.tenantId } });
    const config = await loadTenantSyncConfig({ prisma: api.prisma, secretBox: api.secretBox }, tenant.tenantId);
    expect(row.cloud).toBe("usgov");
    expect(config.entra?.clientSecret).toBe("new");
  });

  test("the emulator's demo connection still works for a sandbox tenant", async () => {
    const sandboxApi = await startApiHarness({ outbound: { emulators: { rescueUrl: rescue.url } } });
    try {
      const owner = await sandboxApi.ownerWithTenant("Demo", { sandbox: true });
      const base = `/v1/tenants/${owner.tenantId}`;
      const set = await sandboxApi.call(owner.token, {
        method: "PUT",
        url: `${base}/rescue-connection`,
        payload: {
          email: DEMO_RESCUE_CONNECTION.email,
          apiToken: DEMO_RESCUE_CONNECTION.apiToken,
          region: "sandbox",
        },
      });
      expect(set.statusCode).toBe(200);
      const tested = await sandboxApi.call(owner.token, { method: "POST", url: `${base}/rescue-connection/test` });
      expect(tested.json()).toMatchObject({ ok: true });
    } finally {
      await sandboxApi.close();
    }
  });
});
