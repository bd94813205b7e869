// Secrets never leave: store known secret values, call every route (and some refusals that carry
// secrets in their bodies), then search every response and every captured log line for them.
import { DEMO_CLIENT_SECRET, type RunningGraphEmulator, startGraphEmulator } from "@techsync/emulators/graph";
import { DEMO_RESCUE_CONNECTION, type StartedRescueEmulator, startRescueEmulator } from "@techsync/emulators/rescue";
import { type ApiHarness, invitationTokenOf, startApiHarness } from "../test/api-harness";
import { fillPath, v1Operations, validBody } from "../test/route-catalogue";
import { SANDBOX_ENTRA_BODY, SANDBOX_RESCUE_BODY } from "../test/sandbox-connections";

const DEMO_RESCUE_BODY = SANDBOX_RESCUE_BODY;
// Every test here talks to emulators over TLS and HTTP; on a loaded machine that outlasts jest's default 5 s.
jest.setTimeout(30_000);

const SIGNUP_PASSWORD = "signup-secret-Pa55word-1";
const DEFAULT_PASSWORD = "default-secret-Welcome-2026!";
const logLines: string[] = [];
const responses: string[] = [];
let api: ApiHarness;
let rescue: StartedRescueEmulator;
let graph: RunningGraphEmulator;

beforeAll(async () => {
  rescue = await startRescueEmulator({ port: 0 });
  graph = await startGraphEmulator({ port: 0 });
  api = await startApiHarness({
    outbound: { emulators: { rescueUrl: rescue.url, graphUrl: graph.url }, graphEmulatorCa: graph.caCertPem },
    logStream: { write: (line: string) => void logLines.push(line) },
  });
});
afterAll(async () => {
  await api.close();
  await rescue.close();
  await graph.close();
});

test("no secret value appears in any response body or log line", async () => {
  const service = await api.serviceToken();
  const record = async (token: string, request: Parameters<ApiHarness["call"]>[1]) => {
    const res = await api.call(token, request);
    responses.push(JSON.stringify(res.headers), res.body);
    return res;
  };

  const signup = await record(service, {
    method: "POST",
    url: "/v1/auth/signup",
    payload: { email: "owner@example.test", password: SIGNUP_PASSWORD, tenantName: "Secretive Ltd" },
  });
  expect(signup.statusCode).toBe(202);
  const login = await record(service, {
    method: "POST",
    url: "/v1/auth/login",
    payload: { email: "owner@example.test", password: SIGNUP_PASSWORD },
  });
  const token = await api.userToken(login.json().user.id);
  const tenant = (await api.call(token, { method: "GET", url: "/v1/me" })).json().tenants[0];
  const base = `/v1/tenants/${tenant.id}`;
  // A sandbox tenant, so its connections may name the server's emulators.
  await api.prisma.tenant.update({ where: { id: tenant.id }, data: { sandboxMode: true } });
  await record(service, {
    method: "POST",
    url: "/v1/auth/login",
    payload: { email: "owner@example.test", password: `${SIGNUP_PASSWORD}x` },
  });

  await record(token, {
    method: "PUT",
    url: `${base}/rescue-connection`,
    payload: SANDBOX_RESCUE_BODY,
  });
  await record(token, {
    method: "PUT",
    url: `${base}/entra-connection`,
    payload: SANDBOX_ENTRA_BODY,
  });
  await record(token, { method: "PATCH", url: base, payload: { defaultPassword: DEFAULT_PASSWORD } });
  // The one response allowed to hold a key: its creation. It is not searched; everything after is.
  const created = await api.call(token, {
    method: "POST",
    url: `${base}/api-keys`,
    payload: { name: "all", scopes: ["read", "write", "run"] },
  });
  const apiKey: string = created.json().key;
  // Likewise an invitation's link, whose token lets its holder in.
  const invited = await api.call(token, {
    method: "POST",
    url: `${base}/invitations`,
    payload: { email: "invitee@example.test", role: "admin" },
  });
  const invitationToken = invitationTokenOf(invited.json().link);
  // Likewise a webhook's signing secret, shown only when the webhook is added.
  const hook = await api.call(token, {
    method: "POST",
    url: `${base}/alerts/webhooks`,
    payload: { url: "https://hooks.example.com/techsync", events: ["run_failed"] },
  });
  expect(hook.statusCode).toBe(201);
  const signingSecret: string = hook.json().signingSecret;

  // Refusals whose bodies carry secrets must not echo them.
  await record(token, {
    method: "PUT",
    url: `${base}/rescue-connection`,
    payload: { ...DEMO_RESCUE_BODY, extra: DEMO_RESCUE_CONNECTION.password },
  });
  await record(token, {
    method: "PUT",
    url: `${base}/entra-connection`,
    payload: { directoryId: DEMO_CLIENT_SECRET, clientId: DEMO_CLIENT_SECRET },
  });
  await record(token, {
    method: "PATCH",
    url: base,
    payload: { defaultPassword: 42, name: DEFAULT_PASSWORD.repeat(20) },
  });
  await record(apiKey, { method: "GET", url: `${base}/audit-events` });
  await record(`${apiKey}x`, { method: "GET", url: base });

  // Every route, in the document's order, with the secrets in place (tests and pickers reach the emulators).
  const run = await api.prisma.syncRun.create({
    data: { tenantId: tenant.id, trigger: "portal", dryRun: true, status: "succeeded" },
  });
  const mapping = await api.prisma.groupMapping.create({
    data: { tenantId: tenant.id, entraGroupId: "g", entraGroupName: "G", rescueGroupId: 1, rescueGroupName: "R" },
  });
  const member = await api.memberOf(tenant.id, "viewer");
  const recipient = await api.call(token, {
    method: "POST",
    url: `${base}/alerts/recipients`,
    payload: { email: "oncall@example.test", events: ["run_failed"] },
  });
  const link = await api.prisma.link.create({
    data: {
      tenantId: tenant.id,
      entraUserId: "e",
      rescueNodeId: 7,
      name: "A",
      nick: "A",
      email: "a@example.test",
      ssoId: "",
    },
  });
  const ids = {
    tenantId: tenant.id,
    runId: run.id,
    mappingId: mapping.id,
    userId: member.userId,
    keyId: created.json().apiKey.id,
    invitationId: invited.json().invitation.id,
    token: invitationToken,
    // Not a user of the demo directory: the sync route asks the directory (with the stored secret) and answers 404.
    entraUserId: "5f0c2a8e-1b7d-4c3e-9a6f-2d8b4e1c7a90",
    recipientId: recipient.json().id,
    webhookId: hook.json().webhook.id,
    linkId: link.id,
  };
  const operations = await v1Operations(api.app);
  const routesCalled = new Set<string>();
  for (const op of operations) {
    // Writes that would replace the stored secrets run last, below.
    if (op.method === "PUT" || op.method === "DELETE") continue;
    for (const caller of op.audience === "service"
      ? [service]
      : op.audience === "user" || op.audience === "public"
        ? [token]
        : [token, apiKey]) {
      await record(caller, { method: op.method, url: fillPath(op, ids), payload: validBody(op) });
    }
    routesCalled.add(`${op.method} ${op.path}`);
  }
  for (const op of operations.filter((o) => o.method === "PUT" || o.method === "DELETE")) {
    await record(token, { method: op.method, url: fillPath(op, ids), payload: validBody(op) });
    routesCalled.add(`${op.method} ${op.path}`);
  }
  expect(routesCalled.size).toBe(operations.length);

  const secrets = [
    SIGNUP_PASSWORD,
    DEFAULT_PASSWORD,
    DEMO_RESCUE_CONNECTION.password,
    DEMO_RESCUE_CONNECTION.apiToken,
    DEMO_CLIENT_SECRET,
    apiKey,
    // The part after `tsk_<prefix>_`: base64url, so it may itself hold "_".
    apiKey.slice("tsk_".length + 13),
    invitationToken,
    signingSecret,
    "walker-password",
    "walker-token",
    "walker-secret",
  ];
  // The search sees what it should: non-secret values of the same requests are there.
  expect(responses.some((body) => body.includes("owner@example.test"))).toBe(true);
  expect(logLines.some((line) => line.includes(`${base}/rescue-connection`))).toBe(true);
  expect(logLines.length).toBeGreaterThan(100);
  expect(responses.length).toBeGreaterThan(100);
  for (const secret of secrets) {
    expect({ secret, inResponses: responses.filter((body) => body.includes(secret)) }).toEqual({
      secret,
      inResponses: [],
    });
    expect({ secret, inLogs: logLines.filter((line) => line.includes(secret)) }).toEqual({ secret, inLogs: [] });
  }
  // The stored values are still the secrets (the walk changed them only through the API, encrypted).
  const row = await api.prisma.rescueConnection.findUniqueOrThrow({ where: { tenantId: tenant.id } });
  expect(row.passwordEnc).not.toContain("walker-password");
}, 60_000); // two emulators and several password hashes: slow on a busy machine
