// Finding: server-side request forgery. Connections accepted any http(s) URL, so a tenant (or a viewer, through
// the pickers) could make the server call internal ports and metadata addresses and read the replies back. Now
// destinations are fixed names, every call goes through the outbound policy (public addresses only, except the
// operator's emulators; bounded time), and upstream replies are never echoed.
import type { Resolve } from "@techsync/outbound";
import { type ApiHarness, startApiHarness } from "../api-harness";
import { type RecordingListener, startRecordingListener } from "./recording-listener";

// Every test here talks to emulators over TLS and HTTP; on a loaded machine that outlasts jest's default 5 s.
jest.setTimeout(30_000);

const SECRET_PAGE = "internal-only-page secret=0xC0FFEE";

async function productionTenant(api: ApiHarness) {
  const owner = await api.ownerWithTenant("Prod");
  const base = `/v1/tenants/${owner.tenantId}`;
  await api.call(owner.token, {
    method: "PUT",
    url: `${base}/rescue-connection`,
    payload: { email: "mah@prod.example", apiToken: "prod-token" },
  });
  await api.call(owner.token, {
    method: "PUT",
    url: `${base}/entra-connection`,
    payload: {
      directoryId: "7d3b3f4e-5c2a-4e1b-9a6f-2c8d1e0f4a10",
      clientId: "a1c2e3f4-0b1d-4c5e-8f90-123456789abc",
      clientSecret: "prod-secret",
    },
  });
  const viewer = await api.memberOf(owner.tenantId, "viewer");
  return { ...owner, base, viewer };
}

describe("a real destination whose DNS answer is internal is refused before connecting", () => {
  // DNS that answers every real host with an internal address (as a hostile or hijacked resolver would).
  const asked: string[] = [];
  const internalDns: Resolve = async (hostname) => {
    asked.push(hostname);
    if (hostname.startsWith("login.")) return [{ address: "10.0.0.1", family: 4 }];
    if (hostname.startsWith("secure.")) return [{ address: "169.254.169.254", family: 4 }];
    return [{ address: "127.0.0.1", family: 4 }];
  };
  let api: ApiHarness;
  beforeAll(async () => {
    api = await startApiHarness({ outbound: { emulators: {}, resolve: internalDns } });
  });
  afterAll(async () => api.close());

  test("connection tests fail in plain words; only the fixed hosts were looked up", async () => {
    const tenant = await productionTenant(api);
    const rescue = await api.call(tenant.token, { method: "POST", url: `${tenant.base}/rescue-connection/test` });
    expect(rescue.statusCode).toBe(200);
    expect(rescue.json()).toMatchObject({ ok: false, message: expect.stringMatching(/Could not reach Rescue/) });
    const entra = await api.call(tenant.token, { method: "POST", url: `${tenant.base}/entra-connection/test` });
    expect(entra.statusCode).toBe(200);
    expect(entra.json().ok).toBe(false);
    expect(new Set(asked)).toEqual(new Set(["secure.logmeinrescue.com", "login.microsoftonline.com"]));
  });

  test("a viewer's pickers reach nothing either, whatever the query says", async () => {
    const tenant = await productionTenant(api);
    asked.length = 0;
    const rescueGroups = await api.call(tenant.viewer.token, {
      method: "GET",
      url: `${tenant.base}/pickers/rescue-groups?baseUrl=http://169.254.169.254/`,
    });
    expect([400, 502]).toContain(rescueGroups.statusCode);
    const entraGroups = await api.call(tenant.viewer.token, {
      method: "GET",
      url: `${tenant.base}/pickers/entra-groups?search=a&graphBaseUrl=http://127.0.0.1:6379`,
    });
    expect(entraGroups.statusCode).toBe(400);
    expect(entraGroups.json().message).toContain("graphBaseUrl");
    const viewerPut = await api.call(tenant.viewer.token, {
      method: "PUT",
      url: `${tenant.base}/rescue-connection`,
      payload: { email: "v@prod.example", region: "enterprise", apiToken: "x" },
    });
    expect(viewerPut.statusCode).toBe(403);
    expect(asked.every((host) => host === "secure.logmeinrescue.com")).toBe(true);
  });
});

describe("replies that are not the protocol's are reported without their content", () => {
  let api: ApiHarness;
  let html: RecordingListener;
  beforeAll(async () => {
    html = await startRecordingListener({ contentType: "text/html", body: `<html><body>${SECRET_PAGE}</body></html>` });
    api = await startApiHarness({ outbound: { emulators: { rescueUrl: html.url } } });
  });
  afterAll(async () => {
    await api.close();
    await html.close();
  });

  test("an HTML page behind the Rescue destination reaches neither the picker nor the test result", async () => {
    const owner = await api.ownerWithTenant("Sandbox", { sandbox: true });
    const base = `/v1/tenants/${owner.tenantId}`;
    await api.call(owner.token, {
      method: "PUT",
      url: `${base}/rescue-connection`,
      payload: { email: "mah@sandbox.example", apiToken: "t", region: "sandbox" },
    });
    const picker = await api.call(owner.token, { method: "GET", url: `${base}/pickers/rescue-groups` });
    expect(picker.statusCode).toBe(502);
    expect(picker.json().message).toMatch(/not a Rescue API reply|an HTML page \(HTTP 200\), not an API reply/);
    const tested = await api.call(owner.token, { method: "POST", url: `${base}/rescue-connection/test` });
    expect(tested.json().ok).toBe(false);
    for (const body of [picker.body, tested.body]) expect(body).not.toMatch(/secret|internal-only|<html/);
    expect(html.received.length).toBeGreaterThan(0);
  });
});

describe("a slow upstream is bounded", () => {
  let api: ApiHarness;
  let silent: RecordingListener;
  beforeAll(async () => {
    silent = await startRecordingListener("hang");
    api = await startApiHarness({ outbound: { emulators: { rescueUrl: silent.url } }, upstreamTimeoutMs: 500 });
  });
  afterAll(async () => {
    await api.close();
    await silent.close();
  });

  test("a connection test against a listener that never answers ends within the configured bound", async () => {
    const owner = await api.ownerWithTenant("Slow", { sandbox: true });
    const base = `/v1/tenants/${owner.tenantId}`;
    await api.call(owner.token, {
      method: "PUT",
      url: `${base}/rescue-connection`,
      payload: { email: "mah@slow.example", apiToken: "t", region: "sandbox" },
    });
    // The save asked once too (rule 15: which organisation the token opens), bounded the same way.
    const beforeTest = silent.received.length;
    const started = Date.now();
    const tested = await api.call(owner.token, { method: "POST", url: `${base}/rescue-connection/test` });
    const elapsed = Date.now() - started;
    expect(tested.json()).toMatchObject({
      ok: false,
      message: expect.stringContaining("did not answer within 500 ms"),
    });
    // One attempt of 500 ms plus the API's own work; far below the tens of seconds a held socket used to take.
    expect(elapsed).toBeLessThan(5000);
    expect(silent.received).toHaveLength(beforeTest + 1);
  });
});
