// One scenario's stack: its own Redis, a Postgres proxy in front of the world's database, real worker processes and
// the real API process on both, and tenants with their emulators. Everything it starts is stopped by close(), and
// by a process exit hook if the test run is cut short, so a failing scenario leaves no process or port behind.
import type { ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { createWriteStream, mkdirSync, type WriteStream } from "node:fs";
import os from "node:os";
import path from "node:path";
import {
  createSyncWorld,
  createTestTenant,
  type SyncWorld,
  type TestTenant,
  type TestTenantOptions,
} from "../../test/sync-world";
import { startWorkerProcess } from "../../test/worker-process";
import { type ApiProcess, startApiProcess } from "./api-process";
import { type ChaosRedis, startChaosRedis } from "./chaos-redis";
import { chaosSettings } from "./chaos-settings";
import { type PostgresProxy, startPostgresProxy } from "./postgres-proxy";

export interface ChaosTenant extends TestTenant {
  /** A portal user who owns the tenant: the person pressing "Sync now" and "Approve". */
  ownerId: string;
}

export interface ChaosWorker {
  child: ChildProcess;
  /** SIGTERM (a deploy: runs stop at a batch boundary) or SIGKILL (a crash); resolves once the process is gone. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export interface ChaosStack {
  name: string;
  world: SyncWorld;
  redis: ChaosRedis;
  postgres: PostgresProxy;
  /** DATABASE_URL of the worker and API processes: the world's database through the proxy. */
  databaseUrl: string;
  /** Where each process's output is written. */
  logDir: string;
  startWorker(options?: { concurrency?: number }): Promise<ChaosWorker>;
  startApi(options?: { rateLimitPerMinute?: number }): Promise<ApiProcess>;
  createTenant(options: TestTenantOptions & { rescueLatencyMs?: number }): Promise<ChaosTenant>;
  /** Another portal user of the tenant, with this role; returns the user's id. */
  addMember(tenant: ChaosTenant, role: "owner" | "admin" | "viewer"): Promise<string>;
  close(): Promise<void>;
}

/** Every child process of every stack in this test process, killed on exit whatever happened. */
const liveChildren = new Set<() => number | undefined>();
let exitHookInstalled = false;
function killOnExit(pid: () => number | undefined): void {
  liveChildren.add(pid);
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once("exit", () => {
    for (const of of liveChildren) {
      const id = of();
      if (id === undefined) continue;
      try {
        process.kill(id, "SIGKILL");
      } catch {
        // already gone
      }
    }
  });
}

const CLOSE_STEP_TIMEOUT_MS = 20_000;

function within<T>(what: string, promise: Promise<T>, ms = CLOSE_STEP_TIMEOUT_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

async function stopChild(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill(signal);
  // A worker asked to stop finishes its batch; one that does not within this is killed.
  const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
  await exited;
  clearTimeout(timer);
}

export async function createChaosStack(name: string): Promise<ChaosStack> {
  const logDir = path.join(
    chaosSettings.logDir ?? path.join(os.tmpdir(), "techsync-chaos"),
    `${name}-${new Date().toISOString().replace(/[:.]/g, "-")}-${process.pid}`,
  );
  mkdirSync(logDir, { recursive: true });
  const logs: WriteStream[] = [];
  const logTo = (file: string) => {
    const stream = createWriteStream(path.join(logDir, file), { flags: "a" });
    logs.push(stream);
    return (chunk: string) => stream.write(chunk);
  };

  const closers: (() => Promise<unknown>)[] = [];
  const redis = await startChaosRedis({ onOutput: logTo("redis.log") });
  killOnExit(() => redis.pid());
  closers.push(() => redis.close());
  let world: SyncWorld | undefined;
  let postgres: PostgresProxy | undefined;
  const children: ChildProcess[] = [];
  const tenants: ChaosTenant[] = [];

  const close = async () => {
    const failures: string[] = [];
    const step = async (what: string, action: () => Promise<unknown>) => {
      try {
        await within(what, action());
      } catch (error) {
        failures.push(error instanceof Error ? error.message : String(error));
      }
    };
    for (const child of children) await step(`stopping process ${child.pid}`, () => stopChild(child, "SIGKILL"));
    for (const tenant of tenants) await step("closing a Rescue emulator", () => tenant.rescue.close());
    // The world's queue needs its Redis to close (a stopped one is started again, empty).
    await step("starting Redis for the teardown", () => redis.start());
    if (world) await step("closing the world", () => (world as SyncWorld).close());
    if (postgres) await step("closing the Postgres proxy", () => (postgres as PostgresProxy).close());
    for (const closer of closers.reverse()) await step("closing", closer);
    for (const stream of logs) stream.end();
    if (failures.length > 0) throw new Error(`chaos teardown of ${name}: ${failures.join("; ")}`);
  };

  try {
    world = await createSyncWorld(`chaos-${name}`, { redisUrl: redis.url });
    const dbUrl = new URL(world.db.url);
    postgres = await startPostgresProxy({ host: dbUrl.hostname, port: Number(dbUrl.port || 5432) });
  } catch (error) {
    await close().catch(() => undefined);
    throw error;
  }
  const stackWorld = world;
  const proxy = postgres;
  const databaseUrl = proxy.urlFor(stackWorld.db.url);
  let workers = 0;
  let apis = 0;
  const addMember = async (tenantId: string, role: "owner" | "admin" | "viewer") => {
    const user = await stackWorld.db.prisma.portalUser.create({
      data: { email: `${role}-${randomUUID()}@chaos.example`, name: `Chaos ${role}` },
    });
    await stackWorld.db.prisma.membership.create({ data: { tenantId, portalUserId: user.id, role } });
    return user.id;
  };

  return {
    name,
    world: stackWorld,
    redis,
    postgres: proxy,
    databaseUrl,
    logDir,
    async startWorker(options = {}) {
      workers += 1;
      const child = await startWorkerProcess(stackWorld, {
        concurrency: options.concurrency ?? 2,
        lockDurationMs: Number(chaosSettings.worker.WORKER_LOCK_DURATION_MS),
        stalledIntervalMs: Number(chaosSettings.worker.WORKER_STALLED_INTERVAL_MS),
        databaseUrl,
        reconcileSchedules: true,
        env: chaosSettings.worker,
        onOutput: logTo(`worker-${workers}.log`),
      });
      children.push(child);
      killOnExit(() => (child.exitCode === null && child.signalCode === null ? child.pid : undefined));
      return { child, stop: (signal = "SIGTERM") => stopChild(child, signal) };
    },
    async startApi(options = {}) {
      apis += 1;
      const api = await startApiProcess({
        databaseUrl,
        redisUrl: redis.url,
        redisPrefix: stackWorld.prefix,
        masterKeys: stackWorld.masterKeys,
        rescueEmulatorUrl: stackWorld.rescueRouter.url,
        graphEmulatorUrl: stackWorld.graph.url,
        graphEmulatorCaPath: stackWorld.graph.caPath,
        ...(options.rateLimitPerMinute ? { rateLimitPerMinute: options.rateLimitPerMinute } : {}),
        onOutput: logTo(`api-${apis}.log`),
      });
      children.push(api.child);
      killOnExit(() => (api.child.exitCode === null && api.child.signalCode === null ? api.child.pid : undefined));
      return api;
    },
    async createTenant(options) {
      const { rescueLatencyMs, ...tenantOptions } = options;
      const tenant = await createTestTenant(stackWorld, tenantOptions);
      if (rescueLatencyMs) tenant.rescue.faults.set({ ...tenant.rescue.faults.current, latencyMs: rescueLatencyMs });
      const chaosTenant = { ...tenant, ownerId: await addMember(tenant.id, "owner") };
      tenants.push(chaosTenant);
      return chaosTenant;
    },
    addMember: (tenant, role) => addMember(tenant.id, role),
    close,
  };
}
