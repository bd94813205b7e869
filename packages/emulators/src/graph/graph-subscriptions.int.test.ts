// Change-notification subscriptions and delivery, checked against a real HTTP receiver: what Graph does
// (handshake, 409, 403, expiry clamp and removal, batched payloads, retries, lifecycle events).
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_GROUP_IDS, DEMO_TENANT_ID } from "./demo-directory";
import { type BuiltGraphEmulator, buildGraphEmulator } from "./graph-emulator";

interface Received {
  url: string;
  contentType: string;
  body: string;
}

/** How the receiver answers: the handshake (echo the decoded token, or not) and each notification POST. */
interface Behaviour {
  handshake: "echo" | "encoded" | "html";
  notificationStatus: number[];
  /** Delays of the next notification answers (ms). */
  notificationDelayMs: number[];
}

let emulator: BuiltGraphEmulator;
let receiver: Server;
let receiverUrl: string;
let received: Received[] = [];
let behaviour: Behaviour;
let clock = Date.parse("2026-12-01T00:00:00Z");

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
  });
}

beforeAll(async () => {
  emulator = await buildGraphEmulator({ now: () => clock });
  receiver = createServer(async (request, response) => {
    const body = await readBody(request);
    const url = new URL(request.url ?? "/", "http://receiver");
    received.push({ url: request.url ?? "", contentType: String(request.headers["content-type"] ?? ""), body });
    const token = url.searchParams.get("validationToken");
    if (token !== null) {
      const echoed = behaviour.handshake === "encoded" ? encodeURIComponent(token) : token;
      response.writeHead(200, { "content-type": behaviour.handshake === "html" ? "text/html" : "text/plain" });
      return response.end(echoed);
    }
    const delay = behaviour.notificationDelayMs.shift() ?? 0;
    if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
    response.writeHead(behaviour.notificationStatus.shift() ?? 202);
    response.end();
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/notify?tenant=t1`;
});
afterAll(async () => {
  await emulator.app.close();
  receiver.closeAllConnections();
  await new Promise((resolve) => receiver.close(resolve));
});
beforeEach(() => {
  emulator.admin.reset();
  received = [];
  behaviour = { handshake: "echo", notificationStatus: [], notificationDelayMs: [] };
  clock = Date.parse("2026-12-01T00:00:00Z");
});

async function accessToken() {
  const response = await emulator.app.inject({
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
  return response.json().access_token as string;
}

async function graph(method: "GET" | "POST" | "PATCH" | "DELETE", url: string, payload?: unknown) {
  return emulator.app.inject({
    method,
    url: `/v1.0${url}`,
    headers: { authorization: `Bearer ${await accessToken()}` },
    ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
  });
}

const inMinutes = (minutes: number) => new Date(clock + minutes * 60_000).toISOString();

function subscribe(overrides: Record<string, unknown> = {}) {
  return graph("POST", "/subscriptions", {
    changeType: "updated,deleted",
    notificationUrl: receiverUrl,
    lifecycleNotificationUrl: `${receiverUrl}&lifecycle=1`,
    resource: "/groups",
    expirationDateTime: inMinutes(24 * 60),
    clientState: "s3cret-state",
    ...overrides,
  });
}

function notifications() {
  return received
    .filter((request) => !request.url.includes("validationToken"))
    .map((request) => JSON.parse(request.body));
}

describe("subscriptions", () => {
  it("creates with 201, ids and echoed fields after a handshake echoing the decoded token; never returns clientState", async () => {
    const created = await subscribe();
    expect(created.statusCode).toBe(201);
    const body = created.json();
    expect(body).toMatchObject({
      id: expect.any(String),
      applicationId: DEMO_CLIENT_ID,
      creatorId: expect.any(String),
      resource: "groups",
      changeType: "updated,deleted",
      notificationUrl: receiverUrl,
      expirationDateTime: inMinutes(24 * 60),
    });
    expect(body).not.toHaveProperty("clientState");
    // Both URLs were validated, each with a token holding characters that must be URL-encoded.
    const handshakes = received.filter((request) => request.url.includes("validationToken="));
    expect(handshakes).toHaveLength(2);
    expect(handshakes[0]?.url).toMatch(/validationToken=[^&]*%3A/);
    expect(handshakes[0]?.contentType).toMatch(/^text\/plain/);
    expect((await graph("GET", `/subscriptions/${body.id}`)).json()).not.toHaveProperty("clientState");
    const list = (await graph("GET", "/subscriptions")).json();
    expect(list.value.map((subscription: { id: string }) => subscription.id)).toEqual([body.id]);
    expect(list.value[0]).not.toHaveProperty("clientState");
  });

  it("refuses with 400 when the endpoint echoes the token still encoded or as HTML", async () => {
    behaviour.handshake = "encoded";
    expect((await subscribe()).statusCode).toBe(400);
    behaviour.handshake = "html";
    expect((await subscribe()).statusCode).toBe(400);
    expect((await graph("GET", "/subscriptions")).json().value).toEqual([]);
  });

  it("answers 409 for the same changeType and resource, and 403 past 100 per app and tenant", async () => {
    const first = (await subscribe()).json();
    const duplicate = await subscribe({ changeType: "deleted,updated" });
    expect(duplicate.statusCode).toBe(409);
    expect(duplicate.json().error.message).toContain(first.id);
    for (let i = 1; i < 100; i += 1) {
      const group = emulator.admin.requireTenant(DEMO_TENANT_ID).addGroup({ displayName: `g${i}` });
      expect(
        (await subscribe({ resource: `/groups/${group.id}`, lifecycleNotificationUrl: undefined })).statusCode,
      ).toBe(201);
    }
    const over = await subscribe({ resource: "/users" });
    expect(over.statusCode).toBe(403);
    expect(over.json().error.message).toMatch(/per app per tenant/);
  }, 30_000);

  it("raises a lifetime under 45 minutes to 45, refuses one past 41,760 minutes, and removes a subscription once expired", async () => {
    const short = (await subscribe({ expirationDateTime: inMinutes(5) })).json();
    expect(short.expirationDateTime).toBe(inMinutes(45));
    const tooLong = await subscribe({ resource: "/users", expirationDateTime: inMinutes(41_761) });
    expect(tooLong.statusCode).toBe(400);
    expect(tooLong.json().error).toMatchObject({ code: "ExtensionError", message: expect.stringContaining("41760") });
    clock += 46 * 60_000;
    expect((await graph("GET", `/subscriptions/${short.id}`)).statusCode).toBe(404);
    expect((await graph("GET", "/subscriptions")).json().value).toEqual([]);
  });

  it("renews with PATCH (200), reauthorizes with 204, deletes with 204, and answers 404 for one that is gone", async () => {
    const { id } = (await subscribe()).json();
    const renewed = await graph("PATCH", `/subscriptions/${id}`, { expirationDateTime: inMinutes(3 * 24 * 60) });
    expect(renewed.statusCode).toBe(200);
    expect(renewed.json().expirationDateTime).toBe(inMinutes(3 * 24 * 60));
    expect((await graph("POST", `/subscriptions/${id}/reauthorize`)).statusCode).toBe(204);
    expect((await graph("DELETE", `/subscriptions/${id}`)).statusCode).toBe(204);
    expect((await graph("PATCH", `/subscriptions/${id}`, { expirationDateTime: inMinutes(60) })).statusCode).toBe(404);
    expect((await graph("POST", `/subscriptions/${id}/reauthorize`)).statusCode).toBe(404);
  });
});

describe("delivery", () => {
  it("POSTs one batch of Graph-shaped notifications for changes made together, members@delta with a string @removed", async () => {
    const { id } = (await subscribe()).json();
    await subscribe({ resource: "/users", lifecycleNotificationUrl: undefined });
    received = [];
    const tenant = emulator.admin.requireTenant(DEMO_TENANT_ID);
    const user = tenant.addUser({ displayName: "New Person", userPrincipalName: "new.person@contoso-demo.example" });
    tenant.addMember(DEMO_GROUP_IDS.helpdesk, user.id);
    tenant.removeMember(DEMO_GROUP_IDS.helpdesk, user.id);
    tenant.purgeUser(user.id);
    await emulator.admin.subscriptions.settled();
    const batches = notifications();
    expect(batches).toHaveLength(1);
    const value = batches[0].value as Record<string, unknown>[];
    const groupNotifications = value.filter((notification) => notification.subscriptionId === id);
    expect(groupNotifications[0]).toEqual({
      subscriptionId: id,
      subscriptionExpirationDateTime: inMinutes(24 * 60),
      tenantId: DEMO_TENANT_ID,
      clientState: "s3cret-state",
      changeType: "updated",
      resource: `Groups/${DEMO_GROUP_IDS.helpdesk}`,
      resourceData: {
        "@odata.type": "#Microsoft.Graph.Group",
        "@odata.id": `Groups/${DEMO_GROUP_IDS.helpdesk}`,
        id: DEMO_GROUP_IDS.helpdesk,
        organizationId: DEMO_TENANT_ID,
        eventTime: expect.any(String),
        sequenceNumber: expect.any(String),
        "members@delta": [{ id: user.id }],
      },
    });
    expect(groupNotifications[1]).toMatchObject({
      resourceData: { "members@delta": [{ id: user.id, "@removed": "deleted" }] },
    });
    // Users: `updated` on create, `deleted` only on a permanent delete.
    const userNotifications = value.filter((notification) => notification.subscriptionId !== id);
    expect(userNotifications.map((notification) => [notification.changeType, notification.resource])).toEqual([
      ["updated", `Users/${user.id}`],
      ["deleted", `Users/${user.id}`],
    ]);
    expect(userNotifications[0]).toMatchObject({ resourceData: { "@odata.type": "#Microsoft.Graph.User" } });
    expect(received[0]?.url).toBe("/notify?tenant=t1");
  });

  it("sends nothing for a subscription on another group, and nothing after the subscription expired", async () => {
    const other = emulator.admin.requireTenant(DEMO_TENANT_ID).addGroup({ displayName: "Elsewhere" });
    await subscribe({ resource: `/groups/${other.id}`, lifecycleNotificationUrl: undefined });
    received = [];
    emulator.admin.requireTenant(DEMO_TENANT_ID).updateGroup(DEMO_GROUP_IDS.helpdesk, { description: "x" });
    await emulator.admin.subscriptions.settled();
    expect(notifications()).toEqual([]);
    clock += 25 * 60 * 60_000;
    emulator.admin.requireTenant(DEMO_TENANT_ID).updateGroup(other.id, { description: "x" });
    await emulator.admin.subscriptions.settled();
    expect(notifications()).toEqual([]);
  });

  it("retries a batch answered with a non-2xx with backoff, and gives up after the last attempt", async () => {
    await subscribe({ lifecycleNotificationUrl: undefined });
    received = [];
    emulator.admin.setDelivery({ retryBaseMs: 20, maxAttempts: 3 });
    behaviour.notificationStatus = [503, 500];
    emulator.admin.requireTenant(DEMO_TENANT_ID).updateGroup(DEMO_GROUP_IDS.helpdesk, { description: "x" });
    await emulator.admin.subscriptions.settled();
    expect(notifications()).toHaveLength(3);
    expect(emulator.admin.subscriptions.stats).toMatchObject({ delivered: 1, failedAttempts: 2, givenUp: 0 });
    behaviour.notificationStatus = [500, 500, 500];
    emulator.admin.requireTenant(DEMO_TENANT_ID).updateGroup(DEMO_GROUP_IDS.helpdesk, { description: "y" });
    await emulator.admin.subscriptions.settled();
    expect(emulator.admin.subscriptions.stats).toMatchObject({ delivered: 1, givenUp: 1 });
  });

  it("counts a 2xx answered after 3 s as failed and sends the batch again", async () => {
    await subscribe({ lifecycleNotificationUrl: undefined });
    received = [];
    emulator.admin.setDelivery({ retryBaseMs: 20, maxAttempts: 3 });
    behaviour.notificationDelayMs = [3_300];
    emulator.admin.requireTenant(DEMO_TENANT_ID).updateGroup(DEMO_GROUP_IDS.helpdesk, { description: "slow" });
    await emulator.admin.subscriptions.settled();
    expect(notifications()).toHaveLength(2);
    expect(emulator.admin.subscriptions.stats).toMatchObject({ delivered: 1, failedAttempts: 1 });
  }, 15_000);

  it("duplicates, drops, reorders and delays when told to (admin route)", async () => {
    await subscribe({ lifecycleNotificationUrl: undefined });
    received = [];
    const set = await emulator.app.inject({
      method: "PUT",
      url: "/_emulator/subscriptions/delivery",
      payload: { duplicate: true, reorder: true, dropNext: 1, delayMs: 30 },
    });
    expect(set.statusCode).toBe(200);
    const tenant = emulator.admin.requireTenant(DEMO_TENANT_ID);
    tenant.updateGroup(DEMO_GROUP_IDS.helpdesk, { description: "dropped" });
    tenant.updateGroup(DEMO_GROUP_IDS.helpdesk, { description: "a" });
    tenant.updateGroup(DEMO_GROUP_IDS.fieldSupport, { description: "b" });
    await emulator.admin.subscriptions.settled();
    const batches = notifications();
    expect(batches).toHaveLength(2);
    expect(batches[0]).toEqual(batches[1]);
    expect(
      batches[0].value.map((notification: { resourceData: { id: string } }) => notification.resourceData.id),
    ).toEqual([DEMO_GROUP_IDS.fieldSupport, DEMO_GROUP_IDS.helpdesk]);
    expect(emulator.admin.subscriptions.stats.dropped).toBe(1);
  });

  it("sends reauthorizationRequired to the lifecycle URL on the admin trigger", async () => {
    const { id } = (await subscribe()).json();
    received = [];
    const sent = await emulator.app.inject({
      method: "POST",
      url: `/_emulator/subscriptions/${id}/lifecycle`,
      payload: { lifecycleEvent: "reauthorizationRequired" },
    });
    expect(sent.statusCode).toBe(202);
    await emulator.admin.subscriptions.settled();
    expect(received.map((request) => request.url)).toEqual(["/notify?tenant=t1&lifecycle=1"]);
    expect(JSON.parse(received[0]?.body ?? "{}")).toEqual({
      value: [
        {
          subscriptionId: id,
          subscriptionExpirationDateTime: inMinutes(24 * 60),
          tenantId: DEMO_TENANT_ID,
          clientState: "s3cret-state",
          lifecycleEvent: "reauthorizationRequired",
        },
      ],
    });
  });
});
