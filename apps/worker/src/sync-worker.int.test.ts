import { entraSecretField } from "@techsync/db";
import { RUN_JOB, SCHEDULED_RUN_JOB, syncTenantSchedule, tenantSchedulerId } from "@techsync/jobs";
import { Registry } from "prom-client";
import {
  approveRun,
  CLIENT_SECRET,
  createSyncWorld,
  createTestTenant,
  requestRun,
  type SyncWorld,
  startTestWorker,
  techniciansByEmail,
  waitForRun,
} from "../test/sync-world";
import { reconcileTenantSchedules } from "./reconcile-tenant-schedules";
import { reapRuns } from "./run-maintenance";
import type { SyncWorker, SyncWorkerOptions } from "./sync-worker";

jest.setTimeout(30_000);

let world: SyncWorld;
let worker: SyncWorker;
let metricsRegistry: Registry;

/** The test world's worker, with 4 jobs at once (several tests run tenants side by side). */
function startWorker(overrides: Partial<SyncWorkerOptions> = {}): SyncWorker {
  return startTestWorker(world, { concurrency: 4, ...overrides });
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
    const state = await world.queue.getJobState(jobId);
    // Read the job only once it has settled: a copy read before then lacks failedReason and returnvalue.
    if (state === "failed" || state === "completed") return (await world.queue.getJob(jobId))!;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`job ${jobId} did not settle`);
}

type RunReportCalls = { calls: { rescueByMethod: Record<string, number> } };

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
    // The action table names whom it disabled, as Rescue knows the technician.
    expect(actions[0]).toMatchObject({
      displayName: nodes.get(removedLink.rescueNodeId)?.name,
      email: removedLink.email,
    });
    expect(nodes.get(movedLink.rescueNodeId)?.parentId).toBe(tenant.otherRescueGroupId);
    expect(removedLink.lastOutcome).toBe("disabled");
    await tenant.rescue.close();
  });

  test("bulk refused on batch 1 (HTTP 500): one technician per user, remembered; the next run never tries bulk", async () => {
    const tenant = await createTestTenant(world, { users: 12 });
    const first = await waitForRun(world, await requestRun(world, tenant.id));
    expect(first.status).toBe("succeeded");
    expect(first.counts).toMatchObject({ create: { succeeded: 12, failed: 0 } });
    expect([...techniciansByEmail(tenant).values()]).toEqual(Array(12).fill(1));
    expect((first.report as RunReportCalls).calls.rescueByMethod).toMatchObject({ createUsers: 1, createUser: 12 });
    expect(await logOf(first.id)).toContain(
      "Created 12 technicians one by one (createUser + setUser_v2): bulk creation (createUsers) refused on batch 1 (HTTP 500): remembered, this and later runs use the confirmed path",
    );
    const connection = await world.db.prisma.rescueConnection.findUniqueOrThrow({ where: { tenantId: tenant.id } });
    expect(connection).toMatchObject({ bulkCreate: "unavailable", bulkCreateReason: "createUsers answered HTTP 500" });
    expect(connection.bulkCreateCheckedAt).toBeInstanceOf(Date);

    const newcomer = tenant.directory.addUser({
      displayName: "New Comer",
      userPrincipalName: `new.comer@${tenant.directory.domain}`,
      mail: `new.comer@${tenant.directory.domain}`,
    });
    tenant.directory.addMember(tenant.groupId, newcomer.id);
    const second = await waitForRun(world, await requestRun(world, tenant.id));
    expect(second.status).toBe("succeeded");
    const calls = (second.report as RunReportCalls).calls.rescueByMethod;
    expect(calls.createUsers).toBeUndefined();
    expect(calls).toMatchObject({ createUser: 1, setUser_v2: 1 });
    expect(await logOf(second.id)).toContain(
      "Created 1 technician one by one (createUser + setUser_v2): bulk creation is not confirmed for this organisation (createUsers answered HTTP 500)",
    );
    expect(techniciansByEmail(tenant).get(`new.comer@${tenant.directory.domain}`)).toBe(1);
    await tenant.rescue.close();
  });

  test("bulk that works is learned: the first run confirms it, later runs create in bulk", async () => {
    const tenant = await createTestTenant(world, { users: 8, rescueBehaviour: { createUsers: "enabled" } });
    const first = await waitForRun(world, await requestRun(world, tenant.id));
    expect(first.status).toBe("succeeded");
    expect(await logOf(first.id)).toContain(
      "Created 8 technicians in bulk (createUsers, 1 call): bulk creation confirmed by this run for this organisation",
    );
    expect(
      (await world.db.prisma.rescueConnection.findUniqueOrThrow({ where: { tenantId: tenant.id } })).bulkCreate,
    ).toBe("available");
    for (const n of [1, 2]) {
      const user = tenant.directory.addUser({
        displayName: `Later ${n}`,
        userPrincipalName: `later.${n}@${tenant.directory.domain}`,
        mail: `later.${n}@${tenant.directory.domain}`,
      });
      tenant.directory.addMember(tenant.groupId, user.id);
    }
    const second = await waitForRun(world, await requestRun(world, tenant.id));
    const calls = (second.report as RunReportCalls).calls.rescueByMethod;
    expect(calls).toMatchObject({ createUsers: 1 });
    expect(calls.createUser).toBeUndefined();
    expect(await logOf(second.id)).toContain(
      "Created 2 technicians in bulk (createUsers, 1 call): bulk creation learned earlier for this organisation",
    );
    expect([...techniciansByEmail(tenant).values()]).toEqual(Array(10).fill(1));
    await tenant.rescue.close();
  });

  test("two 'sync now' for one tenant at once give one run and one job; a schedule firing meanwhile adds no run", async () => {
    const tenant = await createTestTenant(world, { users: 5, rescueFaults: { latencyMs: 50 } });
    const [a, b] = await Promise.all([requestRun(world, tenant.id), requestRun(world, tenant.id)]);
    // The second request is answered with the first run (the API says deduplicated: true).
    expect(b).toBe(a);
    await world.queue.add(SCHEDULED_RUN_JOB, { tenantId: tenant.id });
    const jobs = (await world.queue.getJobs(["waiting", "active", "delayed", "completed"])).filter(
      (job) => job.data.tenantId === tenant.id && job.name === RUN_JOB,
    );
    expect(jobs.map((job) => job.id)).toEqual([a]);
    expect((await waitForRun(world, a)).status).toBe("succeeded");
    expect(await world.db.prisma.syncRun.count({ where: { tenantId: tenant.id } })).toBe(1);
    // The scheduled job found a run queued or running and created none.
    expect(await world.db.prisma.syncRun.count({ where: { tenantId: tenant.id, trigger: "schedule" } })).toBe(0);
    expect([...techniciansByEmail(tenant).values()]).toEqual([1, 1, 1, 1, 1]);
    await tenant.rescue.close();
  });

  test("a wrong client secret gives one failed run saying the secret was refused; the tenant needs attention and is quarantined", async () => {
    const tenant = await createTestTenant(world, { users: 3, clientSecret: "not-the-secret" });
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
    // Its schedule backs off to hourly, the first firing no earlier than the quarantine's end
    const scheduler = await world.queue.getJobScheduler(tenantSchedulerId(tenant.id));
    expect(scheduler?.every).toBe(60 * 60_000);
    expect(scheduler?.next).toBeGreaterThan(Date.now() + 55 * 60_000);
    expect(tenant.rescue.organisation.technicians()).toHaveLength(0);

    // A person fixes the secret and retries: the run succeeds, the tenant is healthy, the schedule back to 30 min.
    const key = { wrapped: saved.dataKeyWrapped, masterKeyId: saved.dataKeyMasterKeyId };
    await world.db.prisma.entraConnection.update({
      where: { tenantId: tenant.id },
      data: {
        clientSecretEnc: world.secretBox.encrypt(tenant.id, key, entraSecretField("sandbox"), CLIENT_SECRET),
      },
    });
    const retried = await requestRun(world, tenant.id);
    expect((await waitForRun(world, retried)).status).toBe("succeeded");
    // The run shows as finished before its worker records the tenant's health: wait for the job to end.
    await jobSettled(retried);
    const healthy = await world.db.prisma.tenant.findUniqueOrThrow({ where: { id: tenant.id } });
    expect(healthy).toMatchObject({ attentionReason: null, consecutiveFailures: 0, quarantinedUntil: null });
    const restored = await world.queue.getJobScheduler(tenantSchedulerId(tenant.id));
    expect(restored?.every).toBe(30 * 60_000);
    expect(restored?.next).toBeGreaterThan(Date.now() + 25 * 60_000);
    await tenant.rescue.close();
  });

  test("a sandbox connection of a tenant that left sandbox mode fails the run before any call, in plain words", async () => {
    const tenant = await createTestTenant(world, { users: 2 });
    await world.db.prisma.tenant.update({ where: { id: tenant.id }, data: { sandboxMode: false } });
    const run = await waitForRun(world, await requestRun(world, tenant.id));
    expect(run.status).toBe("failed");
    const saved = await world.db.prisma.tenant.findUniqueOrThrow({ where: { id: tenant.id } });
    expect(saved.attentionReason).toMatch(/cannot be used: "sandbox" is only for tenants in sandbox mode/);
    expect(world.rescueRouter.callsTo(tenant.rescue.url)).toBe(0);
    expect(tenant.rescue.organisation.technicians()).toHaveLength(0);
    await tenant.rescue.close();
  });

  test("429s with Retry-After, Rescue ERRORs and expired sessions: the run succeeds and its log shows the retries", async () => {
    const tenant = await createTestTenant(world, {
      users: 60,
      storesServiceToken: true,
      rescueFaults: {
        errorRate: 0.25,
        // Sessions shared by the creates in flight expire often, but not faster than Rescue's 10 logins in 3 minutes.
        dropSessionsAfterCalls: 40,
        methods: ["createUsers", "getHierarchy_v2", "setUser_v2"],
        // A pattern where no call fails five times running (the run must succeed); the calls made decide it.
        seed: 4,
      },
    });
    // A second mapping of the same group (direct members) makes two Graph reads, so the budget of one throttles.
    await world.db.prisma.groupMapping.create({
      data: {
        tenantId: tenant.id,
        entraGroupId: tenant.groupId,
        entraGroupName: "same group, direct",
        rescueGroupId: tenant.otherRescueGroupId,
        rescueGroupName: "Escalations",
        priority: 200,
        transitive: false,
      },
    });
    world.graph.admin.setFaults({ throttle: { limit: 1, windowMs: 60_000, retryAfterSeconds: 1 } });
    try {
      const run = await waitForRun(world, await requestRun(world, tenant.id));
      expect(run.status).toBe("succeeded");
      expect([...techniciansByEmail(tenant).values()].filter((n) => n === 1)).toHaveLength(60);
      const log = await logOf(run.id);
      expect(log.some((m) => m.startsWith("Microsoft Graph call failed transiently; retrying in"))).toBe(true);
      expect(log.some((m) => /^(LogMeIn Rescue|A sync) call failed transiently; retrying in/.test(m))).toBe(true);
      const report = run.report as {
        retries: { graphThrottled: number };
        calls: { rescueByMethod: Record<string, number> };
      };
      expect(report.retries.graphThrottled).toBeGreaterThan(0);
      // The session expired and was renewed: more than one login
      expect(report.calls.rescueByMethod.login).toBeGreaterThan(1);
    } finally {
      world.graph.admin.setFaults({});
      await tenant.rescue.close();
    }
  });

  test("a dry run records the plan and applies nothing; a run over the safety threshold blocks until approved, then applies what was approved", async () => {
    const tenant = await createTestTenant(world, { users: 12, safetyThreshold: { percent: 10, minimum: 2 } });
    const dry = await waitForRun(world, await requestRun(world, tenant.id, true));
    expect(dry.status).toBe("succeeded");
    expect((dry.report as { status: string }).status).toBe("dry-run");
    expect(
      await world.db.prisma.syncAction.count({ where: { runId: dry.id, kind: "create", status: "planned" } }),
    ).toBe(12);
    expect(tenant.rescue.organisation.technicians()).toHaveLength(0);

    expect((await waitForRun(world, await requestRun(world, tenant.id))).status).toBe("succeeded");
    // Four users leave: over max(2, 10 % of 12) → blocked (rule 11)
    const leaving = tenant.userIds.slice(0, 4);
    for (const id of leaving) tenant.directory.removeMember(tenant.groupId, id);
    const blockedId = await requestRun(world, tenant.id);
    const blocked = await waitForRun(world, blockedId);
    expect(blocked.status).toBe("blocked");
    expect(tenant.rescue.organisation.technicians().every((n) => n.enabled)).toBe(true);

    // Meanwhile one of them comes back: the approved run re-checks and disables only the three still gone.
    tenant.directory.addMember(tenant.groupId, leaving[0]!);
    // Through the API's own path: approveBlockedRun queues it again under its id and puts its job back.
    await approveRun(world, tenant.id, blockedId);
    const approved = await waitForRun(world, blockedId);
    expect(approved.status).toBe("succeeded");
    expect(tenant.rescue.organisation.technicians().filter((n) => !n.enabled)).toHaveLength(3);
    expect(
      await world.db.prisma.syncAction.count({ where: { runId: blockedId, kind: "disable", status: "succeeded" } }),
    ).toBe(3);
    await tenant.rescue.close();
  });

  test("a scheduled run creates its SyncRun (trigger schedule) and runs it; a paused tenant gets none", async () => {
    const tenant = await createTestTenant(world, { users: 4 });
    await world.queue.add(SCHEDULED_RUN_JOB, { tenantId: tenant.id });
    let run = null;
    for (let i = 0; i < 100 && !run; i += 1) {
      run = await world.db.prisma.syncRun.findFirst({ where: { tenantId: tenant.id, trigger: "schedule" } });
      if (!run) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(run).not.toBeNull();
    expect((await waitForRun(world, run!.id)).status).toBe("succeeded");
    expect(tenant.rescue.organisation.technicians()).toHaveLength(4);

    await world.db.prisma.tenant.update({ where: { id: tenant.id }, data: { paused: true } });
    const job = await world.queue.add(SCHEDULED_RUN_JOB, { tenantId: tenant.id });
    const settled = await jobSettled(job.id!);
    expect(settled.returnvalue).toEqual({ skipped: "the tenant is paused" });
    expect(await world.db.prisma.syncRun.count({ where: { tenantId: tenant.id } })).toBe(1);
    await tenant.rescue.close();
  });

  test("a job with an unknown name is completed, not retried; a bad payload fails once", async () => {
    const unknown = await world.queue.add("no-such-job", { anything: 1 });
    expect(await (await jobSettled(unknown.id!)).getState()).toBe("completed");
    const bad = await world.queue.add(RUN_JOB, { tenantId: "nope", runId: "nope" });
    const settled = await jobSettled(bad.id!);
    expect(await settled.getState()).toBe("failed");
    expect(settled.failedReason).toContain("invalid sync-run payload");
  });

  test("at start every tenant's schedule is reconciled: quarantine kept, paused removed, deleted tenants' schedulers dropped", async () => {
    const quarantined = await createTestTenant(world, { users: 1 });
    const paused = await createTestTenant(world, { users: 1 });
    await world.db.prisma.tenant.update({
      where: { id: quarantined.id },
      data: { consecutiveFailures: 4, quarantinedUntil: new Date(Date.now() + 3_600_000) },
    });
    await world.db.prisma.tenant.update({ where: { id: paused.id }, data: { paused: true } });
    await syncTenantSchedule(world.queue, {
      id: paused.id,
      scheduleIntervalMinutes: 30,
      paused: false,
      activated: true,
    });
    const gone = "9b1deb4d-3b7d-4bad-9bdd-2b0d7b3dcb6d";
    await syncTenantSchedule(world.queue, { id: gone, scheduleIntervalMinutes: 30, paused: false, activated: true });

    await reconcileTenantSchedules(world.db.prisma, world.queue);
    expect((await world.queue.getJobScheduler(tenantSchedulerId(quarantined.id)))?.every).toBe(240 * 60_000);
    expect(await world.queue.getJobScheduler(tenantSchedulerId(paused.id))).toBeFalsy();
    expect(await world.queue.getJobScheduler(tenantSchedulerId(gone))).toBeFalsy();
    await quarantined.rescue.close();
    await paused.rescue.close();
  });

  test("at start a run the database holds as queued but Redis lost gets its job back and runs", async () => {
    const tenant = await createTestTenant(world, { users: 3 });
    const orphan = await world.db.prisma.syncRun.create({
      data: { tenantId: tenant.id, trigger: "api", dryRun: false, status: "queued" },
    });
    expect((await reapRuns(world.db.prisma, world.queue, 0)).reenqueued).toBeGreaterThanOrEqual(1);
    expect((await waitForRun(world, orphan.id)).status).toBe("succeeded");
    expect(tenant.rescue.organisation.technicians()).toHaveLength(3);
    await tenant.rescue.close();
  });

  test("Prometheus metrics count runs by outcome, calls per system and the queue's depth", async () => {
    const text = await metricsRegistry.metrics();
    expect(text).toMatch(/techsync_sync_runs_total\{outcome="succeeded"\} [1-9]/);
    expect(text).toMatch(/techsync_sync_runs_total\{outcome="failed"\} [1-9]/);
    expect(text).toMatch(/techsync_api_calls_total\{system="rescue"\} [1-9]/);
    expect(text).toMatch(/techsync_api_calls_total\{system="entra"\} [1-9]/);
    expect(text).toMatch(/techsync_api_errors_total\{system="entra"\} [1-9]/);
    expect(text).toMatch(/techsync_sync_run_duration_seconds_count\{outcome="succeeded"\}/);
    expect(text).toMatch(/techsync_sync_queue_jobs\{state="waiting"\} \d+/);
  });
});

describe("shutdown", () => {
  test("SIGTERM's close stops the run at a batch boundary, records where it stands, and another worker resumes it to the end", async () => {
    const tenant = await createTestTenant(world, {
      users: 200,
      rescueFaults: { slowRate: 1, slowResponseMs: 150, methods: ["createUsers"] },
    });
    const small = { outbound: world.outbound, rescueCreateBatchSize: 10 };
    await worker.close();
    const first = startWorker({ adapters: small });
    const runId = await requestRun(world, tenant.id);
    for (let i = 0; i < 200; i += 1) {
      if ((await world.db.prisma.link.count({ where: { tenantId: tenant.id } })) >= 20) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await first.close();
    const stopped = await world.db.prisma.syncRun.findUniqueOrThrow({ where: { id: runId } });
    expect(stopped.status).toBe("queued");
    expect(stopped.phase).toBe("interrupted");
    const created = tenant.rescue.organisation.technicians().length;
    expect(created).toBeGreaterThan(0);
    expect(created).toBeLessThan(200);
    expect(await world.db.prisma.syncAction.count({ where: { runId, status: "skipped" } })).toBeGreaterThan(0);

    worker = startWorker({ metricsRegistry: new Registry(), adapters: small });
    const finished = await waitForRun(world, runId);
    expect(finished.status).toBe("succeeded");
    const emails = techniciansByEmail(tenant);
    expect(emails.size).toBe(200);
    expect([...emails.values()].every((n) => n === 1)).toBe(true);
    expect(await logOf(runId)).toEqual(
      expect.arrayContaining([
        "the worker is shutting down: run interrupted at a batch boundary; another worker resumes it",
      ]),
    );
    await tenant.rescue.close();
  });
});
