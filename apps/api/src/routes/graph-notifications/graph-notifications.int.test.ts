// The endpoint Microsoft Graph calls: the validation handshake, 202 after only enqueueing, the clientState check,
// and a burst of notifications coalesced into one incremental-run job per tenant (rule 14: none before syncing).
import { randomUUID } from "node:crypto";
import { SECRET_FIELDS, tenantDataKey } from "@techsync/db";
import { GRAPH_SUBSCRIPTIONS_JOB, INCREMENTAL_RUN_JOB, incrementalRunJobId } from "@techsync/jobs";
import { type ApiHarness, startApiHarness } from "../../../test/api-harness";

const logLines: string[] = [];
let api: ApiHarness;
beforeAll(async () => {
  api = await startApiHarness({
    logStream: { write: (line: string) => void logLines.push(line) },
    // Long enough that a test sees the job waiting, never long enough to fire (no worker here anyway).
    notificationDebounceMs: 60_000,
  });
});
afterAll(() => api.close());

const CLIENT_STATE = "client-state-0123456789-abcdefghij";

/** A tenant holding a groups subscription whose notifications must carry CLIENT_STATE. */
async function subscribedTenant(options: { activated?: boolean; paused?: boolean } = {}) {
  const owner = await api.ownerWithTenant("Contoso", { activated: options.activated ?? true });
  const tenant = await api.prisma.tenant.update({
    where: { id: owner.tenantId },
    data: { paused: options.paused ?? false },
  });
  const subscriptionId = randomUUID();
  await api.prisma.graphSubscription.create({
    data: {
      tenantId: owner.tenantId,
      subscriptionId,
      resource: "groups",
      expiresAt: new Date(Date.now() + 3 * 24 * 3600_000),
      clientStateEnc: api.secretBox.encrypt(
        owner.tenantId,
        tenantDataKey(tenant),
        SECRET_FIELDS.graphClientState,
        CLIENT_STATE,
      ),
    },
  });
  return { tenantId: owner.tenantId, subscriptionId };
}

function notification(subscriptionId: string, clientState: string | null = CLIENT_STATE) {
  const groupId = randomUUID();
  return {
    subscriptionId,
    subscriptionExpirationDateTime: new Date(Date.now() + 3600_000).toISOString(),
    tenantId: randomUUID(),
    ...(clientState === null ? {} : { clientState }),
    changeType: "updated",
    resource: `Groups/${groupId}`,
    resourceData: {
      "@odata.type": "#Microsoft.Graph.Group",
      "@odata.id": `Groups/${groupId}`,
      id: groupId,
      "members@delta": [{ id: randomUUID() }, { id: randomUUID(), "@removed": "deleted" }],
    },
  };
}

const post = (payload: unknown, url = "/v1/graph/notifications") =>
  api.app.inject({ method: "POST", url, payload: payload as Record<string, unknown> });

async function incrementalJob(tenantId: string) {
  return api.syncQueue.getJob(incrementalRunJobId(tenantId));
}

describe("Graph's validation handshake", () => {
  test("echoes the decoded validationToken as plain text, on both endpoints", async () => {
    const token = "Validation: Testing client application reachability for subscription Request-Id: 1f0c & <b>x</b>?";
    for (const url of ["/v1/graph/notifications", "/v1/graph/lifecycle"]) {
      const response = await api.app.inject({
        method: "POST",
        url: `${url}?validationToken=${encodeURIComponent(token)}`,
        headers: { "content-type": "text/plain; charset=utf-8" },
        payload: "",
      });
      expect(response.statusCode).toBe(200);
      expect(response.headers["content-type"]).toMatch(/^text\/plain/);
      expect(response.body).toBe(token);
    }
  });
});

describe("change notifications", () => {
  test("answers 202 and only enqueues the tenant's incremental-run job; no run is created inline", async () => {
    const { tenantId, subscriptionId } = await subscribedTenant();
    const response = await post({ value: [notification(subscriptionId)] });
    expect(response.statusCode).toBe(202);
    const job = await incrementalJob(tenantId);
    expect(job?.name).toBe(INCREMENTAL_RUN_JOB);
    expect(job?.data).toEqual({ tenantId, trigger: "notification" });
    expect(await job?.getState()).toBe("delayed");
    expect(await api.prisma.syncRun.count({ where: { tenantId } })).toBe(0);
  });

  test("a burst of 50 notifications, some in one POST, most in POSTs of their own, makes one job", async () => {
    const { tenantId, subscriptionId } = await subscribedTenant();
    const answers = await Promise.all([
      post({ value: Array.from({ length: 10 }, () => notification(subscriptionId)) }),
      ...Array.from({ length: 40 }, () => post({ value: [notification(subscriptionId)] })),
    ]);
    expect(answers.map((answer) => answer.statusCode)).toEqual(Array(41).fill(202));
    const jobs = await api.syncQueue.getJobs(["delayed", "waiting"]);
    expect(jobs.filter((job) => job.data.tenantId === tenantId && job.name === INCREMENTAL_RUN_JOB)).toHaveLength(1);
  });

  test("a wrong or missing clientState is dropped and logged without any secret; the POST still gets 202", async () => {
    const { tenantId, subscriptionId } = await subscribedTenant();
    logLines.length = 0;
    const forged = "forged-client-state-value-9876543210";
    const response = await post({
      value: [notification(subscriptionId, forged), notification(subscriptionId, null)],
    });
    expect(response.statusCode).toBe(202);
    expect(await incrementalJob(tenantId)).toBeUndefined();
    const dropped = logLines.filter((line) => line.includes("clientState does not match"));
    expect(dropped).toHaveLength(2);
    expect(dropped.join("")).toContain(subscriptionId);
    for (const line of logLines) {
      expect(line).not.toContain(CLIENT_STATE);
      expect(line).not.toContain(forged);
    }
  });

  test("notifications of subscriptions we do not hold are ignored", async () => {
    const count = async () =>
      (await api.syncQueue.getJobs(["delayed", "waiting"])).filter((job) => job.name === INCREMENTAL_RUN_JOB).length;
    const before = await count();
    const response = await post({ value: [notification(randomUUID())] });
    expect(response.statusCode).toBe(202);
    expect(await count()).toBe(before);
  });

  test("rule 14: a tenant that has not started syncing, or is paused, gets no job", async () => {
    const notStarted = await subscribedTenant({ activated: false });
    const paused = await subscribedTenant({ paused: true });
    for (const { subscriptionId } of [notStarted, paused]) {
      expect((await post({ value: [notification(subscriptionId)] })).statusCode).toBe(202);
    }
    expect(await incrementalJob(notStarted.tenantId)).toBeUndefined();
    expect(await incrementalJob(paused.tenantId)).toBeUndefined();
  });

  test("a body that is not a list of notifications is refused with 400, in words", async () => {
    const response = await post({ notifications: [] });
    expect(response.statusCode).toBe(400);
    expect(response.json().message).toBe("Expected a JSON body with a list of notifications in value.");
  });

  test("Graph's bursts are not refused by the API's rate limit", async () => {
    const { subscriptionId } = await subscribedTenant();
    const limited = await startApiHarness({ rateLimitPerMinute: 5 });
    try {
      const answers = await Promise.all(
        Array.from({ length: 30 }, () =>
          limited.app.inject({
            method: "POST",
            url: "/v1/graph/notifications",
            payload: { value: [notification(subscriptionId)] },
          }),
        ),
      );
      expect(answers.every((answer) => answer.statusCode === 202)).toBe(true);
    } finally {
      await limited.close();
    }
  });
});

describe("lifecycle notifications", () => {
  test("reauthorizationRequired with the right clientState asks the worker to renew the tenant's subscriptions", async () => {
    const { tenantId, subscriptionId } = await subscribedTenant();
    const lifecycle = (clientState: string) => ({
      value: [
        {
          subscriptionId,
          subscriptionExpirationDateTime: new Date(Date.now() + 3600_000).toISOString(),
          tenantId: randomUUID(),
          clientState,
          lifecycleEvent: "reauthorizationRequired",
        },
      ],
    });
    expect((await post(lifecycle("wrong"), "/v1/graph/lifecycle")).statusCode).toBe(202);
    const before = await api.syncQueue.getJobs(["waiting", "delayed"]);
    expect(before.filter((job) => job.name === GRAPH_SUBSCRIPTIONS_JOB && job.data.tenantId === tenantId)).toEqual([]);
    expect((await post(lifecycle(CLIENT_STATE), "/v1/graph/lifecycle")).statusCode).toBe(202);
    const after = await api.syncQueue.getJobs(["waiting", "delayed"]);
    expect(
      after
        .filter((job) => job.name === GRAPH_SUBSCRIPTIONS_JOB && job.data.tenantId === tenantId)
        .map((job) => job.data),
    ).toEqual([{ tenantId, action: "renew" }]);
  });
});
