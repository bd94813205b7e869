// A tenant's Graph subscriptions kept alive by the worker against the Graph emulator (strict: it validates the
// notification URL, refuses duplicates and expires subscriptions): created when syncing starts, renewed well before
// expiry (injected clock), recreated after Graph lost one or asked for reauthorization, removed on pause; without a
// public API URL, polling instead. And the incremental run a notification's job creates (rule 14 respected).
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { SECRET_FIELDS, tenantDataKey } from "@techsync/db";
import { INCREMENTAL_RUN_JOB, incrementalPollSchedulerId, requestIncrementalRunSoon } from "@techsync/jobs";
import pino from "pino";
import {
  createSyncWorld,
  createTestTenant,
  type SyncWorld,
  startTestWorker,
  type TestTenant,
} from "../test/sync-world";
import {
  ensureGraphSubscriptions,
  RENEW_BEFORE_MS,
  removeGraphSubscriptions,
  renewDueGraphSubscriptions,
  SUBSCRIPTION_LIFETIME_MS,
  type SubscriptionUpkeepDeps,
} from "./graph-subscription-upkeep";
import type { SyncWorker } from "./sync-worker";

jest.setTimeout(60_000);

let world: SyncWorld;
let worker: SyncWorker;
/** Stands in for the API's public endpoint: answers Graph's handshake and accepts notifications. */
let endpoint: Server;
let publicApiUrl: string;
let clock = Date.now();

beforeAll(async () => {
  world = await createSyncWorld("graph-subscriptions");
  worker = startTestWorker(world, { concurrency: 2, incrementalRetryMs: 200 });
  endpoint = createServer((request, response) => {
    const token = new URL(request.url ?? "/", "http://endpoint").searchParams.get("validationToken");
    request.resume();
    if (token !== null) {
      response.writeHead(200, { "content-type": "text/plain" });
      return response.end(token);
    }
    response.writeHead(202);
    response.end();
  });
  await new Promise<void>((resolve) => endpoint.listen(0, "127.0.0.1", resolve));
  publicApiUrl = `http://127.0.0.1:${(endpoint.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await worker?.close();
  await world?.close();
  endpoint.closeAllConnections();
  await new Promise((resolve) => endpoint.close(resolve));
});
beforeEach(() => {
  clock = Date.now();
});

function upkeep(overrides: Partial<SubscriptionUpkeepDeps> = {}): SubscriptionUpkeepDeps {
  return {
    prisma: world.db.prisma,
    secretBox: world.secretBox,
    queue: world.queue,
    log: pino({ level: "silent" }),
    publicApiUrl,
    outbound: world.outbound,
    now: () => clock,
    ...overrides,
  };
}

const rows = (tenantId: string) =>
  world.db.prisma.graphSubscription.findMany({ where: { tenantId }, orderBy: { resource: "asc" } });
const inGraph = (tenant: TestTenant) =>
  world.graph.admin.subscriptions.all().filter((subscription) => subscription.tenantId === tenant.directory.tenantId);

describe("subscription lifecycle", () => {
  test("syncing starts: one tenant-wide groups and one users subscription, updated and deleted, clientState sealed", async () => {
    const tenant = await createTestTenant(world, { users: 2, activated: true });
    await ensureGraphSubscriptions(upkeep(), tenant.id);
    const graph = inGraph(tenant);
    expect(graph.map((subscription) => subscription.resource).sort()).toEqual(["groups", "users"]);
    for (const subscription of graph) {
      expect(subscription).toMatchObject({
        changeType: "updated,deleted",
        notificationUrl: `${publicApiUrl}/v1/graph/notifications`,
        lifecycleNotificationUrl: `${publicApiUrl}/v1/graph/lifecycle`,
      });
    }
    const stored = await rows(tenant.id);
    const tenantRow = await world.db.prisma.tenant.findUniqueOrThrow({ where: { id: tenant.id } });
    for (const row of stored) {
      const inEmulator = graph.find((subscription) => subscription.id === row.subscriptionId);
      expect(row.clientStateEnc).not.toContain(inEmulator?.clientState ?? "?");
      expect(
        world.secretBox.decrypt(
          tenant.id,
          tenantDataKey(tenantRow),
          SECRET_FIELDS.graphClientState,
          row.clientStateEnc,
        ),
      ).toBe(inEmulator?.clientState);
    }
    // Asking again changes nothing: no duplicates (Graph would answer 409), no needless renewal.
    await ensureGraphSubscriptions(upkeep(), tenant.id);
    expect(
      inGraph(tenant)
        .map((subscription) => subscription.id)
        .sort(),
    ).toEqual(graph.map((s) => s.id).sort());
  });

  test("renewed once less than a day is left, not before (injected clock)", async () => {
    const tenant = await createTestTenant(world, { users: 2, activated: true });
    await ensureGraphSubscriptions(upkeep(), tenant.id);
    const before = await rows(tenant.id);
    // Every other tenant of this file is brought up to date by the sweep too; this one is not due yet.
    clock += SUBSCRIPTION_LIFETIME_MS - RENEW_BEFORE_MS - 60_000;
    expect(await renewDueGraphSubscriptions(upkeep())).not.toContain(tenant.id);
    clock += 2 * 60_000;
    expect(await renewDueGraphSubscriptions(upkeep())).toContain(tenant.id);
    const after = await rows(tenant.id);
    expect(after.map((row) => row.subscriptionId)).toEqual(before.map((row) => row.subscriptionId));
    for (const row of after) expect(row.expiresAt.getTime()).toBe(clock + SUBSCRIPTION_LIFETIME_MS);
    for (const subscription of inGraph(tenant)) {
      expect(Date.parse(subscription.expirationDateTime)).toBe(clock + SUBSCRIPTION_LIFETIME_MS);
    }
  });

  test("recreated when Graph lost it (404 on renewal), and every one renewed on reauthorizationRequired", async () => {
    const tenant = await createTestTenant(world, { users: 2, activated: true });
    await ensureGraphSubscriptions(upkeep(), tenant.id);
    const [groups, users] = await rows(tenant.id);
    const app = inGraph(tenant)[0]?.applicationId ?? "";
    world.graph.admin.subscriptions.delete(tenant.directory.tenantId, app, groups?.subscriptionId ?? "");
    clock += 60_000;
    // What the lifecycle endpoint's job asks for: renew all (a renewal reauthorizes too).
    await ensureGraphSubscriptions(upkeep(), tenant.id, { renewAll: true });
    const after = await rows(tenant.id);
    expect(after[0]?.subscriptionId).not.toBe(groups?.subscriptionId);
    expect(after[1]?.subscriptionId).toBe(users?.subscriptionId);
    expect(after[1]?.expiresAt.getTime()).toBe(clock + SUBSCRIPTION_LIFETIME_MS);
    expect(
      inGraph(tenant)
        .map((subscription) => subscription.id)
        .sort(),
    ).toEqual(after.map((row) => row.subscriptionId).sort());
  });

  test("removed from Graph and forgotten when the tenant pauses", async () => {
    const tenant = await createTestTenant(world, { users: 2, activated: true });
    await ensureGraphSubscriptions(upkeep(), tenant.id);
    expect(inGraph(tenant)).toHaveLength(2);
    await world.db.prisma.tenant.update({ where: { id: tenant.id }, data: { paused: true } });
    await ensureGraphSubscriptions(upkeep(), tenant.id);
    expect(inGraph(tenant)).toEqual([]);
    expect(await rows(tenant.id)).toEqual([]);
  });

  test("the sweep subscribes a syncing tenant that has none yet (it started syncing before notifications)", async () => {
    const tenant = await createTestTenant(world, { users: 2, activated: true });
    expect(await renewDueGraphSubscriptions(upkeep())).toContain(tenant.id);
    expect(inGraph(tenant)).toHaveLength(2);
    expect(await rows(tenant.id)).toHaveLength(2);
  });

  test("rule 14: a tenant that has not started syncing gets no subscription", async () => {
    const tenant = await createTestTenant(world, { users: 2, activated: false });
    await ensureGraphSubscriptions(upkeep(), tenant.id);
    expect(inGraph(tenant)).toEqual([]);
    expect(await rows(tenant.id)).toEqual([]);
  });

  test("without a public API URL: no subscription, a poll every 2 minutes instead; removing stops it", async () => {
    const tenant = await createTestTenant(world, { users: 2, activated: true });
    await ensureGraphSubscriptions(upkeep({ publicApiUrl: undefined }), tenant.id);
    expect(inGraph(tenant)).toEqual([]);
    const scheduler = await world.queue.getJobScheduler(incrementalPollSchedulerId(tenant.id));
    expect(scheduler).toMatchObject({ every: 120_000, name: INCREMENTAL_RUN_JOB });
    await removeGraphSubscriptions(upkeep({ publicApiUrl: undefined }), tenant.id);
    expect(await world.queue.getJobScheduler(incrementalPollSchedulerId(tenant.id))).toBeFalsy();
  });
});

describe("incremental runs", () => {
  async function runsOf(tenantId: string, waitMs = 5_000, atLeast = 1) {
    const until = Date.now() + waitMs;
    for (;;) {
      const runs = await world.db.prisma.syncRun.findMany({ where: { tenantId } });
      if (runs.length >= atLeast || Date.now() > until) return runs;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  test("the debounced job of a burst creates one run (trigger notification) and queues it", async () => {
    const tenant = await createTestTenant(world, { users: 2, activated: true });
    await Promise.all(
      Array.from({ length: 20 }, () =>
        requestIncrementalRunSoon(world.queue, { tenantId: tenant.id, trigger: "notification" }, 300),
      ),
    );
    const waiting = await world.queue.getJobs(["delayed", "waiting"]);
    expect(waiting.filter((job) => job.name === INCREMENTAL_RUN_JOB && job.data.tenantId === tenant.id)).toHaveLength(
      1,
    );
    const runs = await runsOf(tenant.id);
    // Later notifications, while that run is active, are handed the same run (createRun's dedup).
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await world.db.prisma.syncRun.count({ where: { tenantId: tenant.id } })).toBe(1);
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ trigger: "notification", dryRun: false, requestedBy: "system:graph-notification" });
    expect(await world.queue.getJob(runs[0]?.id ?? "")).toBeTruthy();
  });

  test("a notification while the tenant's run is under way gets a run of its own once that run is over", async () => {
    const tenant = await createTestTenant(world, { users: 2, activated: true });
    const running = await world.db.prisma.syncRun.create({
      data: { tenantId: tenant.id, trigger: "schedule", dryRun: false, status: "running", startedAt: new Date() },
    });
    await requestIncrementalRunSoon(world.queue, { tenantId: tenant.id, trigger: "notification" }, 50);
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(await world.db.prisma.syncRun.count({ where: { tenantId: tenant.id } })).toBe(1);
    await world.db.prisma.syncRun.update({
      where: { id: running.id },
      data: { status: "succeeded", finishedAt: new Date() },
    });
    const runs = await runsOf(tenant.id, 5_000, 2);
    expect(runs.map((run) => run.trigger).sort()).toEqual(["notification", "schedule"]);
  });

  test("rule 14: the job creates no run for a tenant that has not started syncing", async () => {
    const tenant = await createTestTenant(world, { users: 2, activated: false });
    await requestIncrementalRunSoon(world.queue, { tenantId: tenant.id, trigger: "notification" }, 50);
    expect(await runsOf(tenant.id, 1_500)).toEqual([]);
  });
});
