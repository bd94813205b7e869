import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { RUN_JOB, SCHEDULED_RUN_JOB, tenantSchedulerId } from "./definitions";
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
  test("two runs enqueued for one tenant at once give one waiting job (deduplicated per tenant)", async () => {
    const tenantId = randomUUID();
    await Promise.all([
      enqueueRun(queue, { tenantId, runId: randomUUID() }),
      enqueueRun(queue, { tenantId, runId: randomUUID() }),
    ]);
    const waiting = (await queue.getWaiting()).filter((j) => j.data.tenantId === tenantId);
    expect(waiting).toHaveLength(1);
    expect(waiting[0]!.name).toBe(RUN_JOB);
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
    await syncTenantSchedule(queue, { id: tenantId, scheduleIntervalMinutes: 30, paused: false });
    let scheduler = await queue.getJobScheduler(tenantSchedulerId(tenantId));
    expect(scheduler?.every).toBe(30 * 60_000);
    expect(scheduler?.name).toBe(SCHEDULED_RUN_JOB);

    await syncTenantSchedule(queue, { id: tenantId, scheduleIntervalMinutes: 5, paused: false });
    scheduler = await queue.getJobScheduler(tenantSchedulerId(tenantId));
    expect(scheduler?.every).toBe(5 * 60_000);

    expect(await syncTenantSchedule(queue, { id: tenantId, scheduleIntervalMinutes: 5, paused: true })).toBe("removed");
    expect(await queue.getJobScheduler(tenantSchedulerId(tenantId))).toBeFalsy();
  });
});
