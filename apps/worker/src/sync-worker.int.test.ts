import { RUN_JOB, SCHEDULED_RUN_JOB, syncTenantSchedule, tenantSchedulerId } from "@techsync/jobs";
import pino from "pino";
import { Registry } from "prom-client";
import {
  createSyncWorld,
  createTestTenant,
  REDIS_URL,
  requestRun,
  type SyncWorld,
  techniciansByEmail,
  waitForRun,
} from "../test/sync-world";
import { reconcileTenantSchedules } from "./reconcile-tenant-schedules";
import { type SyncWorker, type SyncWorkerOptions, startSyncWorker } from "./sync-worker";

jest.setTimeout(30_000);

let world: SyncWorld;
let worker: SyncWorker;
let metricsRegistry: Registry;

function startWorker(overrides: Partial<SyncWorkerOptions> = {}): SyncWorker {
  return startSyncWorker({
    prisma: world.db.prisma,
    secretBox: world.secretBox,
    log: pino({ level: "silent" }),
    metricsRegistry: new Registry(),
    redisUrl: REDIS_URL,
    prefix: world.prefix,
    concurrency: 4,
    adapters: { graphEmulatorCa: world.graph.caCertPem, rescueRetryDelayMs: 20, graphBaseBackoffMs: 20 },
    retry: { baseDelayMs: 20, maxDelayMs: 200 },
    ...overrides,
  });
}

beforeAll(async () => {
  world = await createSyncWorld("runs");
  metricsRegistry = new Registry();
  worker = startWorker({ metricsRegistry });
});
afterAll(async () => {
  await worker?.close();
  await world?.close();
});

async function jobSettled(jobId: string) {
  for (let i = 0; i < 100; i += 1) {
    const job = await world.queue.getJob(jobId);
    const state = await job?.getState();
    if (job && (state === "failed" || state === "completed")) return job;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`job ${jobId} did not settle`);
}

const logOf = (runId: string) =>
  world.db.prisma.logEntry
    .findMany({ where: { runId }, orderBy: { id: "asc" } })
    .then((rows) => rows.map((r) => r.message));

describe("a tenant's runs against the emulators", () => {
  test("the first run creates the technicians, the second plans nothing; a user removed in Entra is disabled; a technician moved by hand stays", async () => {
    const tenant = await createTestTenant(world, { users: 20 });
    const first = await waitForRun(world, await requestRun(world, tenant.id));
    expect(first.status).toBe("succeeded");
    expect(first.counts).toMatchObject({ create: { succeeded: 20, failed: 0 } });
    expect(first.startedAt).not.toBeNull();
    const emails = techniciansByEmail(tenant);
    expect(emails.size).toBe(20);
    expect([...emails.values()].every((n) => n === 1)).toBe(true);
    expect(await world.db.prisma.link.count({ where: { tenantId: tenant.id } })).toBe(20);
    expect(
      await world.db.prisma.syncAction.count({ where: { runId: first.id, kind: "create", status: "succeeded" } }),
    ).toBe(20);

    const second = await waitForRun(world, await requestRun(world, tenant.id));
    expect(second.status).toBe("succeeded");
    expect(await world.db.prisma.syncAction.count({ where: { runId: second.id } })).toBe(0);

    // rule 6: removed from the mapped group → disabled (never deleted)
    const removed = tenant.userIds[0]!;
    tenant.directory.removeMember(tenant.groupId, removed);
    // rule 7: an admin moved another technician to a different group by hand
    const movedLink = await world.db.prisma.link.findFirstOrThrow({
      where: { tenantId: tenant.id, entraUserId: tenant.userIds[1]! },
    });
    expect(tenant.rescue.organisation.moveByHand(movedLink.rescueNodeId, tenant.otherRescueGroupId)).toBe("OK");

    const third = await waitForRun(world, await requestRun(world, tenant.id));
    expect(third.status).toBe("succeeded");
    const actions = await world.db.prisma.syncAction.findMany({ where: { runId: third.id } });
    expect(actions.map((a) => [a.kind, a.entraUserId, a.status])).toEqual([["disable", removed, "succeeded"]]);
    const removedLink = await world.db.prisma.link.findFirstOrThrow({
      where: { tenantId: tenant.id, entraUserId: removed },
    });
    const nodes = new Map(tenant.rescue.organisation.technicians().map((n) => [n.id, n]));
    expect(nodes.get(removedLink.rescueNodeId)?.enabled).toBe(false);
    expect(nodes.get(movedLink.rescueNodeId)?.parentId).toBe(tenant.otherRescueGroupId);
    expect(removedLink.lastOutcome).toBe("disabled");
    await tenant.rescue.close();
  });

  test("two 'sync now' for one tenant at once give one job and one run; a schedule firing meanwhile adds no run", async () => {
    const tenant = await createTestTenant(world, { users: 5, rescueFaults: { latencyMs: 50 } });
    const [a, b] = await Promise.all([requestRun(world, tenant.id), requestRun(world, tenant.id)]);
    await world.queue.add(SCHEDULED_RUN_JOB, { tenantId: tenant.id });
    const jobs = (await world.queue.getJobs(["waiting", "active", "delayed", "completed"])).filter(
      (job) => job.data.tenantId === tenant.id && job.name === RUN_JOB,
    );
    expect(jobs).toHaveLength(1);
    const [ranId, neverId] = jobs[0]?.data.runId === a ? [a, b] : [b, a];
    expect((await waitForRun(world, ranId)).status).toBe("succeeded");
    // The API answers the second request with the first run (deduplicated: true); its row never starts.
    expect((await world.db.prisma.syncRun.findUniqueOrThrow({ where: { id: neverId } })).startedAt).toBeNull();
    // The scheduled job found a run queued or running and created none.
    expect(await world.db.prisma.syncRun.count({ where: { tenantId: tenant.id, trigger: "schedule" } })).toBe(0);
    expect([...techniciansByEmail(tenant).values()]).toEqual([1, 1, 1, 1, 1]);
    await tenant.rescue.close();
  });

  test("a wrong client secret gives one failed run saying the secret was refused; the tenant needs attention and is quarantined", async () => {
    const tenant = await createTestTenant(world, { users: 3, clientSecret: "not-the-secret" });
    await syncTenantSchedule(world.queue, { id: tenant.id, scheduleIntervalMinutes: 30, paused: false });
    const runId = await requestRun(world, tenant.id);
    const run = await waitForRun(world, runId);
    expect(run.status).toBe("failed");
    expect(run.error).toContain("The client secret was refused");
    // UnrecoverableError: the job failed after one attempt, no retry storm
    const job = await jobSettled(runId);
    expect(await job.getState()).toBe("failed");
    expect(job.attemptsMade).toBe(1);
    expect(job.failedReason).toContain("The client secret was refused");
    const saved = await world.db.prisma.tenant.findUniqueOrThrow({ where: { id: tenant.id } });
    expect(saved.attentionReason).toContain("The client secret was refused");
    expect(saved.consecutiveFailures).toBe(1);
    expect(saved.quarantinedUntil?.getTime()).toBeGreaterThan(Date.now() + 55 * 60_000);
    const scheduler = await world.queue.getJobScheduler(tenantSchedulerId(tenant.id));
    expect(scheduler?.every).toBe(60 * 60_000);
    expect(tenant.rescue.organisation.technicians()).toHaveLength(0);
    await tenant.rescue.close();
  });
});
