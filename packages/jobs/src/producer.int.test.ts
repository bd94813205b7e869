import { randomUUID } from "node:crypto";
import { Worker } from "bullmq";
import { Redis } from "ioredis";
import { RUN_JOB, SCHEDULED_RUN_JOB, SYNC_QUEUE, tenantSchedulerId } from "./definitions";
import { createSyncQueue, enqueueRun, type SyncQueue, syncTenantSchedule } from "./producer";

const prefix = `test-jobs-${process.pid}-${Date.now()}`;
let connection: Redis;
let queue: SyncQueue;

beforeAll(async () => {
  connection = new Redis(process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379", { maxRetriesPerRequest: null });
  queue = createSyncQueue({ connection, prefix });
});
afterAll(async () => {
  await queue.obliterate({ force: true });
  await queue.close();
  await connection.quit();
});

describe("sync queue producer", () => {
  test("a run's job id is its run id: one job per run, however often it is enqueued", async () => {
    const tenantId = randomUUID();
    const runId = randomUUID();
    await Promise.all([enqueueRun(queue, { tenantId, runId }), enqueueRun(queue, { tenantId, runId })]);
    expect(await enqueueRun(queue, { tenantId, runId })).toBe("present");
    const waiting = (await queue.getWaiting()).filter((j) => j.data.tenantId === tenantId);
    expect(waiting.map((job) => [job.id, job.name])).toEqual([[runId, RUN_JOB]]);
  });

  test("two runs of one tenant each keep their job: nothing meant for one run drops another's", async () => {
    const tenantId = randomUUID();
    const [first, second] = [randomUUID(), randomUUID()];
    await Promise.all([enqueueRun(queue, { tenantId, runId: first }), enqueueRun(queue, { tenantId, runId: second })]);
    const ids = (await queue.getWaiting()).filter((j) => j.data.tenantId === tenantId).map((job) => job.id);
    expect(ids.sort()).toEqual([first, second].sort());
  });

  test("a finished job of the run (approved, handed back, resumed) is replaced by a new one", async () => {
    const tenantId = randomUUID();
    const runId = randomUUID();
    // A queue of its own: the worker below takes the first waiting job.
    const own = createSyncQueue({ connection, prefix: `${prefix}-finished` });
    await enqueueRun(own, { tenantId, runId });
    // A worker takes the job and finishes it, as the blocked run's first execution did.
    const worker = new Worker(SYNC_QUEUE, null, { connection, prefix: `${prefix}-finished`, autorun: false });
    try {
      const taken = await worker.getNextJob("test-token");
      expect(taken?.id).toBe(runId);
      await taken!.moveToCompleted({ kind: "finished" }, "test-token", false);
    } finally {
      await worker.close();
    }
    try {
      expect(await (await own.getJob(runId))!.getState()).toBe("completed");
      expect(await enqueueRun(own, { tenantId, runId })).toBe("added");
      expect(await (await own.getJob(runId))!.getState()).toBe("waiting");
    } finally {
      await own.obliterate({ force: true });
      await own.close();
    }
  });

  test("runs of different tenants are not deduplicated against each other", async () => {
    const [a, b] = [randomUUID(), randomUUID()];
    await enqueueRun(queue, { tenantId: a, runId: randomUUID() });
    await enqueueRun(queue, { tenantId: b, runId: randomUUID() });
    const tenants = new Set((await queue.getWaiting()).map((j) => j.data.tenantId));
    expect(tenants.has(a) && tenants.has(b)).toBe(true);
  });

  test("a bad payload is refused before it reaches the queue", async () => {
    await expect(enqueueRun(queue, { tenantId: "not-a-uuid", runId: randomUUID() })).rejects.toThrow();
  });

  test("a tenant's schedule follows its settings: interval, change, pause", async () => {
    const tenantId = randomUUID();
    await syncTenantSchedule(queue, { id: tenantId, scheduleIntervalMinutes: 30, paused: false, activated: true });
    let scheduler = await queue.getJobScheduler(tenantSchedulerId(tenantId));
    expect(scheduler?.every).toBe(30 * 60_000);
    expect(scheduler?.name).toBe(SCHEDULED_RUN_JOB);

    await syncTenantSchedule(queue, { id: tenantId, scheduleIntervalMinutes: 5, paused: false, activated: true });
    scheduler = await queue.getJobScheduler(tenantSchedulerId(tenantId));
    expect(scheduler?.every).toBe(5 * 60_000);

    expect(
      await syncTenantSchedule(queue, { id: tenantId, scheduleIntervalMinutes: 5, paused: true, activated: true }),
    ).toBe("removed");
    expect(await queue.getJobScheduler(tenantSchedulerId(tenantId))).toBeFalsy();
  });

  test("rule 14: a tenant that has not started syncing gets no scheduler, and loses one it had", async () => {
    const tenantId = randomUUID();
    const schedule = { id: tenantId, scheduleIntervalMinutes: 30, paused: false, activated: false };
    expect(await syncTenantSchedule(queue, schedule)).toBe("removed");
    expect(await queue.getJobScheduler(tenantSchedulerId(tenantId))).toBeFalsy();
    await syncTenantSchedule(queue, { ...schedule, activated: true });
    expect(await queue.getJobScheduler(tenantSchedulerId(tenantId))).toBeTruthy();
    expect(await syncTenantSchedule(queue, schedule)).toBe("removed");
    expect(await queue.getJobScheduler(tenantSchedulerId(tenantId))).toBeFalsy();
  });
});
