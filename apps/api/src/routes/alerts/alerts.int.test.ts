// The alert settings API: owners' events, extra recipients and webhooks, with bad input refused in words, the
// signing secret shown once and kept only sealed, viewers refused, and "Send test" queueing one delivery.
import { type ApiHarness, startApiHarness } from "../../../test/api-harness";

let api: ApiHarness;
let owner: { tenantId: string; token: string };
const base = () => `/v1/tenants/${owner.tenantId}/alerts`;

beforeAll(async () => {
  api = await startApiHarness();
  owner = await api.ownerWithTenant("Alerting Ltd");
});
afterAll(() => api.close());

test("by default the owners get every event but 'every successful run'", async () => {
  const res = await api.call(owner.token, { method: "GET", url: base() });
  expect(res.statusCode).toBe(200);
  expect(res.json()).toMatchObject({
    owners: {
      events: ["run_blocked", "run_failed", "tenant_quarantined", "credential_rejected", "entra_secret_expiring"],
    },
    recipients: [],
    webhooks: [],
    mailConfigured: false,
  });
  expect(res.json().owners.emails).toHaveLength(1);
});

test("owners' events can be changed (audited), unknown events are refused in words", async () => {
  const ok = await api.call(owner.token, {
    method: "PUT",
    url: `${base()}/owners`,
    payload: { events: ["run_succeeded", "run_blocked"] },
  });
  expect(ok.statusCode).toBe(200);
  expect(ok.json().owners.events).toEqual(["run_blocked", "run_succeeded"]);
  const bad = await api.call(owner.token, { method: "PUT", url: `${base()}/owners`, payload: { events: ["boom"] } });
  expect(bad.statusCode).toBe(400);
  expect(bad.json().message).toMatch(/Choose events from the list/);
  expect(await api.prisma.auditEvent.count({ where: { action: "alerts.owner_events_changed" } })).toBe(1);
});

test("an extra recipient is added once; a bad address is refused", async () => {
  const add = (email: string) =>
    api.call(owner.token, { method: "POST", url: `${base()}/recipients`, payload: { email, events: ["run_failed"] } });
  const added = await add("OnCall@Example.com");
  expect(added.statusCode).toBe(201);
  expect(added.json()).toMatchObject({ email: "oncall@example.com", events: ["run_failed"] });
  expect((await add("oncall@example.com")).statusCode).toBe(409);
  expect((await add("not-an-address")).statusCode).toBe(400);
  const removed = await api.call(owner.token, { method: "DELETE", url: `${base()}/recipients/${added.json().id}` });
  expect(removed.statusCode).toBe(204);
});

test("a webhook's signing secret is in the creation answer only, and is stored sealed", async () => {
  const created = await api.call(owner.token, {
    method: "POST",
    url: `${base()}/webhooks`,
    payload: { url: "https://hooks.example.com/techsync", events: ["run_blocked", "run_failed"] },
  });
  expect(created.statusCode).toBe(201);
  const { webhook, signingSecret } = created.json();
  expect(signingSecret).toMatch(/^whsec_/);
  const settings = await api.call(owner.token, { method: "GET", url: base() });
  expect(settings.body).not.toContain(signingSecret);
  expect(settings.json().webhooks).toEqual([
    {
      id: webhook.id,
      url: "https://hooks.example.com/techsync",
      events: ["run_blocked", "run_failed"],
      createdAt: expect.any(String),
    },
  ]);
  const row = await api.prisma.alertWebhook.findUniqueOrThrow({ where: { id: webhook.id } });
  expect(row.signingSecretEnc).not.toContain(signingSecret);
  const audit = await api.prisma.auditEvent.findMany({
    where: { action: "alerts.webhook_added" },
    select: { details: true, target: true },
  });
  expect(JSON.stringify(audit)).not.toContain(signingSecret);
});

test.each([
  ["http://hooks.example.com/x", /must start with https/],
  ["https://127.0.0.1/hook", /public internet address/],
  ["https://169.254.169.254/latest/meta-data", /public internet address/],
  ["https://user:secret@hooks.example.com/", /user name or password/],
  ["https://localhost/hook", /local or internal name/],
])("the webhook address %s is refused by the outbound policy, in words", async (url, words) => {
  const res = await api.call(owner.token, {
    method: "POST",
    url: `${base()}/webhooks`,
    payload: { url, events: ["run_failed"] },
  });
  expect(res.statusCode).toBe(400);
  expect(res.json().message).toMatch(words);
  expect(res.body).not.toContain("secret@");
});

test("a viewer reads the settings but cannot change them", async () => {
  const viewer = await api.memberOf(owner.tenantId, "viewer");
  expect((await api.call(viewer.token, { method: "GET", url: base() })).statusCode).toBe(200);
  const refused = await api.call(viewer.token, {
    method: "POST",
    url: `${base()}/webhooks`,
    payload: { url: "https://hooks.example.com/v", events: [] },
  });
  expect(refused.statusCode).toBe(403);
});

test("'Send test' queues one delivery to that webhook alone", async () => {
  const created = await api.call(owner.token, {
    method: "POST",
    url: `${base()}/webhooks`,
    payload: { url: "https://hooks.example.com/test-me", events: [] },
  });
  const id = created.json().webhook.id;
  const sent = await api.call(owner.token, { method: "POST", url: `${base()}/webhooks/${id}/test` });
  expect(sent.statusCode).toBe(202);
  expect(sent.json()).toEqual({ queued: 1 });
  const deliveries = await api.prisma.alertDelivery.findMany({ where: { webhookId: id } });
  expect(deliveries).toMatchObject([
    { channel: "webhook", target: "https://hooks.example.com/test-me", status: "pending" },
  ]);
  expect(await api.alertQueue.getJob(deliveries[0]!.id)).toBeDefined();
  const log = await api.call(owner.token, { method: "GET", url: `${base()}/deliveries` });
  expect(log.statusCode).toBe(200);
  expect(log.json()).toEqual({ attempts: [] });
});

test("the Entra client secret's expiry date is kept with the connection until a new secret replaces it", async () => {
  const put = (payload: Record<string, unknown>) =>
    api.call(owner.token, { method: "PUT", url: `/v1/tenants/${owner.tenantId}/entra-connection`, payload });
  const ids = { directoryId: "contoso.example", clientId: "a1c2e3f4-0b1d-4c5e-8f90-123456789abc" };
  const set = await put({ ...ids, clientSecret: "first-secret-value", clientSecretExpiresOn: "2027-01-15" });
  expect(set.statusCode).toBe(200);
  expect(set.json().clientSecretExpiresOn).toBe("2027-01-15");
  expect((await put(ids)).json().clientSecretExpiresOn).toBe("2027-01-15");
  expect((await put({ ...ids, clientSecret: "second-secret-value" })).json().clientSecretExpiresOn).toBeNull();
  const bad = await put({ ...ids, clientSecretExpiresOn: "next week" });
  expect(bad.statusCode).toBe(400);
  expect(bad.json().message).toMatch(/must be a date/);
});

test("without an entered date the connection shows the expiry read from Graph, and saving the connection forgets it", async () => {
  const owner = await api.ownerWithTenant("Expiry Read Ltd");
  const url = `/v1/tenants/${owner.tenantId}/entra-connection`;
  const ids = { directoryId: "contoso.example", clientId: "a1c2e3f4-0b1d-4c5e-8f90-123456789abc" };
  const put = (payload: Record<string, unknown>) => api.call(owner.token, { method: "PUT", url, payload });
  expect((await put({ ...ids, clientSecret: "first-secret-value" })).json()).toMatchObject({
    clientSecretExpiresOn: null,
    clientSecretExpirySource: null,
  });
  // What the worker's daily read stores.
  await api.prisma.entraConnection.update({
    where: { tenantId: owner.tenantId },
    data: { clientSecretGraphExpiresAt: new Date("2027-02-01T10:00:00Z"), clientSecretGraphReadAt: new Date() },
  });
  const read = await api.call(owner.token, { method: "GET", url });
  expect(read.json()).toMatchObject({ clientSecretExpiresOn: "2027-02-01", clientSecretExpirySource: "graph" });
  const entered = await put({ ...ids, clientSecretExpiresOn: "2027-01-15" });
  expect(entered.json()).toMatchObject({ clientSecretExpiresOn: "2027-01-15", clientSecretExpirySource: "entered" });
  const row = await api.prisma.entraConnection.findUniqueOrThrow({ where: { tenantId: owner.tenantId } });
  expect(row).toMatchObject({ clientSecretGraphExpiresAt: null, clientSecretGraphReadAt: null });
});
