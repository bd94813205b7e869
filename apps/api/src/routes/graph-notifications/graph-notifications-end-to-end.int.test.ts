// End to end: a change made in the Graph emulator's directory is delivered by the emulator, over HTTP, to the
// real API's notification endpoint (after the real validation handshake), which enqueues the tenant's debounced
// job; that job, handled as the worker handles it, creates one incremental run and queues it.
import type { AddressInfo } from "node:net";
import { SECRET_FIELDS, tenantDataKey } from "@techsync/db";
import {
  DEMO_CLIENT_ID,
  DEMO_GROUP_IDS,
  DEMO_TENANT_ID,
  type RunningGraphEmulator,
  startGraphEmulator,
} from "@techsync/emulators/graph";
import { enqueueRun, incrementalRunJobId, ZIncrementalRunJob } from "@techsync/jobs";
import { requestIncrementalRun } from "@techsync/runs";
import { type ApiHarness, startApiHarness } from "../../../test/api-harness";

jest.setTimeout(30_000);

let api: ApiHarness;
let graph: RunningGraphEmulator;
let apiUrl: string;

beforeAll(async () => {
  api = await startApiHarness({ notificationDebounceMs: 200 });
  await api.app.listen({ port: 0, host: "127.0.0.1" });
  apiUrl = `http://127.0.0.1:${(api.app.server.address() as AddressInfo).port}`;
  graph = await startGraphEmulator({ port: 0 });
});
afterAll(async () => {
  await graph?.close();
  await api?.close();
});

async function waitFor<T>(read: () => Promise<T | undefined | null>, what: string): Promise<T> {
  for (let i = 0; i < 100; i += 1) {
    const value = await read();
    if (value) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

test("an admin change in the Graph emulator reaches the API and makes one incremental run, queued", async () => {
  const { tenantId, token } = await api.ownerWithTenant("Contoso", { activated: true });
  const tenant = await api.prisma.tenant.findUniqueOrThrow({ where: { id: tenantId } });
  const clientState = "end-to-end-client-state-0123456789";
  // What the worker's upkeep does for a syncing tenant: subscribe (Graph validates the real endpoint), remember it.
  const created = await graph.admin.subscriptions.create(DEMO_TENANT_ID, DEMO_CLIENT_ID, {
    changeType: "updated,deleted",
    resource: "groups",
    notificationUrl: `${apiUrl}/v1/graph/notifications`,
    lifecycleNotificationUrl: `${apiUrl}/v1/graph/lifecycle`,
    expirationDateTime: new Date(Date.now() + 24 * 3600_000).toISOString(),
    clientState,
  });
  if ("status" in created) throw new Error(`the emulator refused the subscription: ${created.message}`);
  await api.prisma.graphSubscription.create({
    data: {
      tenantId,
      subscriptionId: created.id,
      resource: "groups",
      expiresAt: new Date(created.expirationDateTime),
      clientStateEnc: api.secretBox.encrypt(
        tenantId,
        tenantDataKey(tenant),
        SECRET_FIELDS.graphClientState,
        clientState,
      ),
    },
  });

  // A person joins a group and another leaves it, in Entra.
  const directory = graph.admin.requireTenant(DEMO_TENANT_ID);
  const newcomer = directory.addUser({
    displayName: "New Starter",
    userPrincipalName: "new.starter@contoso-demo.example",
  });
  directory.addMember(DEMO_GROUP_IDS.helpdesk, newcomer.id);
  directory.addMember(DEMO_GROUP_IDS.fieldSupport, newcomer.id);
  await graph.admin.subscriptions.settled();
  expect(graph.admin.subscriptions.stats).toMatchObject({ delivered: 1, failedAttempts: 0 });

  // One job for the tenant; handled as the worker's INCREMENTAL_RUN_JOB handler does.
  const job = await waitFor(() => api.syncQueue.getJob(incrementalRunJobId(tenantId)), "the incremental-run job");
  const { trigger } = ZIncrementalRunJob.parse(job.data);
  const decision = await requestIncrementalRun(
    { prisma: api.prisma, enqueue: (run) => enqueueRun(api.syncQueue, run) },
    tenantId,
    trigger,
  );
  expect(decision).toMatchObject({ created: true });
  const runs = await api.prisma.syncRun.findMany({ where: { tenantId } });
  expect(runs).toHaveLength(1);
  expect(runs[0]).toMatchObject({ trigger: "notification", status: "queued", dryRun: false, mode: "incremental" });
  expect(await api.syncQueue.getJob(runs[0]?.id ?? "")).toBeTruthy();

  // The dashboard tells how fresh the tenant is: changes arrive by notification, and one just did.
  const summary = await api.call(token, {
    method: "GET",
    url: `/v1/tenants/${tenantId}/summary`,
  });
  expect(summary.json().freshness).toMatchObject({ changeFeed: "notifications", lastIncrementalRunAt: null });
  expect(Date.parse(summary.json().freshness.lastChangeReceivedAt)).toBeGreaterThan(Date.now() - 60_000);
});
