// rule 12 under a real crash: a worker process killed with SIGKILL in the middle of a 2,000-user run; another
// worker process picks the stalled job up and the run converges with exactly one technician per user.
import type { ChildProcess } from "node:child_process";
import {
  createSyncWorld,
  createTestTenant,
  requestRun,
  type SyncWorld,
  techniciansByEmail,
  waitForRun,
} from "../test/sync-world";
import { startWorkerProcess } from "../test/worker-process";

jest.setTimeout(120_000);

let world: SyncWorld;
const children: ChildProcess[] = [];

beforeAll(async () => {
  world = await createSyncWorld("crash");
});
afterAll(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  await world?.close();
});

/** Short locks, so a dead worker's job is seen as stalled within seconds. */
async function startCrashableWorker(): Promise<ChildProcess> {
  const child = await startWorkerProcess(world, { concurrency: 2, lockDurationMs: 4000, stalledIntervalMs: 2000 });
  children.push(child);
  return child;
}

test("kill -9 a worker in the middle of a 2,000-user run, start another: the run completes, one technician per user", async () => {
  const tenant = await createTestTenant(world, {
    users: 2000,
    rescueFaults: { slowRate: 1, slowResponseMs: 400, methods: ["createUsers"] },
  });
  const first = await startCrashableWorker();
  const runId = await requestRun(world, tenant.id);

  // Kill it once the first bulk create is recorded and before the last one.
  for (let i = 0; i < 600; i += 1) {
    if ((await world.db.prisma.link.count({ where: { tenantId: tenant.id } })) > 0) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  first.kill("SIGKILL");
  await new Promise((resolve) => first.once("exit", resolve));
  const atCrash = tenant.rescue.organisation.technicians().length;
  expect(atCrash).toBeGreaterThan(0);
  expect(atCrash).toBeLessThan(2000);
  expect((await world.db.prisma.syncRun.findUniqueOrThrow({ where: { id: runId } })).status).toBe("running");

  const second = await startCrashableWorker();
  const run = await waitForRun(world, runId, 90_000);
  expect(run.status).toBe("succeeded");
  const emails = techniciansByEmail(tenant);
  expect(emails.size).toBe(2000);
  expect([...emails.values()].every((count) => count === 1)).toBe(true);
  expect(await world.db.prisma.link.count({ where: { tenantId: tenant.id } })).toBe(2000);
  const log = await world.db.prisma.logEntry.findMany({ where: { runId } });
  expect(log.map((entry) => entry.message)).toContain("resuming the run: the worker running it stopped part-way");

  second.kill("SIGTERM");
  expect(await new Promise((resolve) => second.once("exit", resolve))).toBe(0);
  await tenant.rescue.close();
});
