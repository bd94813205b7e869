// rule 12 under a real crash: a worker process killed with SIGKILL in the middle of a 2,000-user run; another
// worker process picks the stalled job up and the run converges with exactly one technician per user.
import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";
import {
  createSyncWorld,
  createTestTenant,
  REDIS_URL,
  requestRun,
  type SyncWorld,
  techniciansByEmail,
  waitForRun,
} from "../test/sync-world";

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

/** The worker as it runs in production (src/main.ts), from source, configured through its environment only. */
async function startWorkerProcess(): Promise<ChildProcess> {
  const root = path.resolve(__dirname, "..");
  const child = spawn(process.execPath, ["--import", "tsx", "--conditions=@techsync/source", "src/main.ts"], {
    cwd: root,
    env: {
      PATH: process.env.PATH,
      DATABASE_URL: world.db.url,
      REDIS_URL,
      REDIS_PREFIX: world.prefix,
      WORKER_PORT: "0",
      WORKER_CONCURRENCY: "2",
      // Short locks so a dead worker's job is seen as stalled within seconds.
      WORKER_LOCK_DURATION_MS: "4000",
      WORKER_STALLED_INTERVAL_MS: "2000",
      WORKER_RECONCILE_SCHEDULES: "false",
      LOG_LEVEL: "info",
      SECRET_BOX_MASTER_KEYS: world.masterKeys,
      SECRET_BOX_ACTIVE_KEY_ID: "k1",
      GRAPH_EMULATOR_CA_PATH: world.graph.caPath,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  let output = "";
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`worker did not start:\n${output}`)), 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('"msg":"worker started"')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("exit", (code) => reject(new Error(`worker exited (${code}):\n${output}`)));
  });
  child.stdout?.resume();
  child.stderr?.resume();
  return child;
}

test("kill -9 a worker in the middle of a 2,000-user run, start another: the run completes, one technician per user", async () => {
  const tenant = await createTestTenant(world, {
    users: 2000,
    rescueFaults: { latencyMs: 400, methods: ["createUsers"] },
  });
  const first = await startWorkerProcess();
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

  const second = await startWorkerProcess();
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
