// rule 14 in the worker: a tenant nobody started syncing has no scheduler and gets no automatic or real run; every
// run records the fingerprint of the configuration it loaded; after a configuration change the next real run asks
// a person before it disables anyone. Real Postgres, Redis (BullMQ) and the emulators.
import { enqueueRun, SCHEDULED_RUN_JOB, syncTenantSchedule, tenantSchedulerId } from "@techsync/jobs";
import { createRun, loadConfigFingerprint } from "@techsync/runs";
import {
  approveRun,
  createSyncWorld,
  createTestTenant,
  requestRun,
  type SyncWorld,
  startTestWorker,
  type TestTenant,
  waitForRun,
} from "../test/sync-world";
import { createScheduledRun } from "./create-scheduled-run";
import { reconcileTenantSchedules } from "./reconcile-tenant-schedules";
import type { SyncWorker } from "./sync-worker";

jest.setTimeout(60_000);

let world: SyncWorld;
let worker: SyncWorker;

beforeAll(async () => {
  world = await createSyncWorld("activation");
  worker = startTestWorker(world, { concurrency: 2 });
});
afterAll(async () => {
  await worker?.close();
  await world?.close();
});

const tenantRow = (tenantId: string) => world.db.prisma.tenant.findUniqueOrThrow({ where: { id: tenantId } });
const enabledTechnicians = (tenant: TestTenant) =>
  tenant.rescue.organisation.technicians().filter((node) => node.enabled).length;

/** A configuration change that puts every user out of scope: the next plan disables all of them. */
const filterOutEveryone = (tenantId: string) =>
  world.db.prisma.groupMapping.updateMany({
    where: { tenantId },
    data: { filterAttribute: "department", filterOperator: "equals", filterValue: "Nobody works here" },
  });

async function jobSettled(jobId: string) {
  for (let i = 0; i < 100; i += 1) {
    const state = await world.queue.getJobState(jobId);
    if (state === "failed" || state === "completed") return state;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`job ${jobId} did not settle`);
}

describe("rule 14: nothing before activation", () => {
  test("rule 14: a tenant that has not started syncing gets no scheduler; one left in Redis is removed and, firing, creates no run", async () => {
    const tenant = await createTestTenant(world, { users: 3, activated: false });
    // Redis still holds a scheduler (left from before, or written by an older API): reconciling removes it.
    await syncTenantSchedule(world.queue, {
      id: tenant.id,
      scheduleIntervalMinutes: 30,
      paused: false,
      activated: true,
    });
    await reconcileTenantSchedules(world.db.prisma, world.queue);
    expect(await world.queue.getJobScheduler(tenantSchedulerId(tenant.id))).toBeFalsy();

    expect(await createScheduledRun(world.db.prisma, tenant.id)).toEqual({
      skipped: "the tenant has not started syncing yet",
    });
    // A schedule job that fires anyway (a follow-up, a scheduler that raced the reconcile) makes no run.
    const job = await world.queue.add(SCHEDULED_RUN_JOB, { tenantId: tenant.id });
    expect(await jobSettled(job.id!)).toBe("completed");
    expect(await world.db.prisma.syncRun.count({ where: { tenantId: tenant.id } })).toBe(0);
    expect(enabledTechnicians(tenant)).toBe(0);
  });

  test("rule 14: a preview runs and records its configuration's fingerprint, and schedules nothing; a real run queued anyway fails without writing to Rescue", async () => {
    const tenant = await createTestTenant(world, { users: 3, activated: false });
    const preview = await waitForRun(world, await requestRun(world, tenant.id, true));
    expect(preview.status).toBe("succeeded");
    expect(preview.configFingerprint).toBe(await loadConfigFingerprint(world.db.prisma, tenant.id));
    expect(await world.queue.getJobScheduler(tenantSchedulerId(tenant.id))).toBeFalsy();

    // Whatever queued it (the API refuses it; this is the worker's own check), it applies nothing.
    const created = await createRun(world.db.prisma, { tenantId: tenant.id, trigger: "api", dryRun: false });
    if (created.outcome !== "created") throw new Error(created.outcome);
    await enqueueRun(world.queue, { tenantId: tenant.id, runId: created.run.id });
    const real = await waitForRun(world, created.run.id);
    expect(real.status).toBe("failed");
    expect(real.error).toBe(
      "Syncing has not been started for this tenant. Preview the current configuration, then press Start syncing.",
    );
    expect(tenant.rescue.organisation.technicians()).toHaveLength(0);
    expect(await world.queue.getJobScheduler(tenantSchedulerId(tenant.id))).toBeFalsy();
  });

  test("rule 14: after activation, a configuration change makes the next real run with disables stop blocked; approving applies them and acknowledges the configuration", async () => {
    const tenant = await createTestTenant(world, { users: 4, safetyThreshold: { percent: 100, minimum: 100 } });
    const first = await waitForRun(world, await requestRun(world, tenant.id));
    expect(first.status).toBe("succeeded");
    const started = await loadConfigFingerprint(world.db.prisma, tenant.id);
    expect((await tenantRow(tenant.id)).acknowledgedConfigFingerprint).toBe(started);
    expect(enabledTechnicians(tenant)).toBe(4);

    await filterOutEveryone(tenant.id);
    const changed = await loadConfigFingerprint(world.db.prisma, tenant.id);
    const blocked = await waitForRun(world, await requestRun(world, tenant.id));
    expect(blocked).toMatchObject({
      status: "blocked",
      configFingerprint: changed,
      error: "The configuration changed since the last preview: approve to apply these 4 disables, or preview again.",
    });
    expect(enabledTechnicians(tenant)).toBe(4);
    expect((await tenantRow(tenant.id)).acknowledgedConfigFingerprint).toBe(started);

    await approveRun(world, tenant.id, blocked.id);
    expect((await tenantRow(tenant.id)).acknowledgedConfigFingerprint).toBe(changed);
    const applied = await waitForRun(world, blocked.id);
    expect(applied.status).toBe("succeeded");
    expect(enabledTechnicians(tenant)).toBe(0);
  });

  test("rule 14: a successful preview of the changed configuration is the person's acknowledgement: the next real run applies its disables", async () => {
    const tenant = await createTestTenant(world, { users: 3, safetyThreshold: { percent: 100, minimum: 100 } });
    expect((await waitForRun(world, await requestRun(world, tenant.id))).status).toBe("succeeded");
    await filterOutEveryone(tenant.id);
    const preview = await waitForRun(world, await requestRun(world, tenant.id, true));
    expect(preview.status).toBe("succeeded");
    const real = await waitForRun(world, await requestRun(world, tenant.id));
    expect(real.status).toBe("succeeded");
    expect(real.configFingerprint).toBe(preview.configFingerprint);
    expect(enabledTechnicians(tenant)).toBe(0);
  });
});

describe("a pair whose Entra group does not exist", () => {
  test("fails the preview with an error naming the pair's group, not only Graph's words", async () => {
    const tenant = await createTestTenant(world, { users: 2, activated: false });
    // As after a directory swap: the pair still names a group of the old directory.
    await world.db.prisma.groupMapping.updateMany({
      where: { tenantId: tenant.id },
      data: { entraGroupId: "0b5e6d1c-0000-4000-8000-00000000dead", entraGroupName: "Old Helpdesk" },
    });
    const preview = await waitForRun(world, await requestRun(world, tenant.id, true));
    expect(preview.status).toBe("failed");
    expect(preview.error).toMatch(
      /^The Entra group “Old Helpdesk” \(0b5e6d1c-0000-4000-8000-00000000dead\) of a group pair does not exist in the directory( \(request-id [^)]+\))?\. It was deleted in Entra, or the pair was made with another directory/,
    );
  });
});
