// The worker as it runs in production (src/main.ts), as a child process from source, configured through its
// environment only: for the crash test (SIGKILL), the chaos suite and the benchmarks (several processes, peak RSS).
import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";
import type { SyncWorld } from "./sync-world";

export interface WorkerProcessOptions {
  concurrency?: number;
  lockDurationMs?: number;
  stalledIntervalMs?: number;
  /** A claimed run's lease (default: the lock duration, so a killed worker's run is resumed as soon as its job). */
  runLeaseMs?: number;
  reaperIntervalMs?: number;
  logLevel?: string;
  /** V8's old-space limit (--max-old-space-size): without one V8 grows the heap lazily toward its default limit. */
  maxOldSpaceMb?: number;
  /** More flags for node itself (e.g. --trace-gc for a benchmark's trace). */
  nodeFlags?: string[];
  /**
   * Run the built worker (dist/main.js over the packages' dist) as production does, rather than the sources through
   * tsx; `npx turbo run build --filter=@techsync/worker...` first. For the benchmarks' memory figures.
   */
  fromBuild?: boolean;
  /** Postgres as the worker reaches it (default the world's database; the chaos suite puts a proxy in between). */
  databaseUrl?: string;
  /** Reconcile every tenant's schedule and queued run at start, as in production (default off in tests). */
  reconcileSchedules?: boolean;
  /** More environment (settings the worker may not know yet are ignored by it). */
  env?: Record<string, string>;
  /** Every chunk of the worker's stdout and stderr, from its start to its exit (its log, for a failing test). */
  onOutput?: (chunk: string) => void;
}

export async function startWorkerProcess(world: SyncWorld, options: WorkerProcessOptions = {}): Promise<ChildProcess> {
  const root = path.resolve(__dirname, "..");
  const heap = options.maxOldSpaceMb ? [`--max-old-space-size=${options.maxOldSpaceMb}`] : [];
  const child = spawn(
    process.execPath,
    [
      ...heap,
      ...(options.nodeFlags ?? []),
      ...(options.fromBuild ? ["dist/main.js"] : ["--import", "tsx", "--conditions=@techsync/source", "src/main.ts"]),
    ],
    {
      cwd: root,
      env: {
        PATH: process.env.PATH,
        DATABASE_URL: options.databaseUrl ?? world.db.url,
        REDIS_URL: world.redisUrl,
        REDIS_PREFIX: world.prefix,
        WORKER_PORT: "0",
        WORKER_CONCURRENCY: String(options.concurrency ?? 2),
        WORKER_LOCK_DURATION_MS: String(options.lockDurationMs ?? 30_000),
        WORKER_STALLED_INTERVAL_MS: String(options.stalledIntervalMs ?? 30_000),
        RUN_LEASE_MS: String(options.runLeaseMs ?? options.lockDurationMs ?? 30_000),
        REAPER_INTERVAL_MS: String(options.reaperIntervalMs ?? 2000),
        WORKER_RECONCILE_SCHEDULES: String(options.reconcileSchedules ?? false),
        LOG_LEVEL: options.logLevel ?? "info",
        SECRET_BOX_MASTER_KEYS: world.masterKeys,
        SECRET_BOX_ACTIVE_KEY_ID: "k1",
        RESCUE_EMULATOR_URL: world.rescueRouter.url,
        GRAPH_EMULATOR_URL: world.graph.url,
        GRAPH_EMULATOR_CA_PATH: world.graph.caPath,
        // Last, so a caller's setting wins over the defaults above.
        ...options.env,
      },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  if (options.onOutput) {
    const forward = options.onOutput;
    child.stdout?.on("data", (chunk: Buffer) => forward(chunk.toString()));
    child.stderr?.on("data", (chunk: Buffer) => forward(chunk.toString()));
  }
  let output = "";
  let onStarted: (() => void) | undefined;
  const onData = (chunk: Buffer) => {
    output += chunk.toString();
    if (output.includes('"msg":"worker started"')) onStarted?.();
  };
  child.stdout?.on("data", onData);
  child.stderr?.on("data", onData);
  try {
    await new Promise<void>((resolve, reject) => {
      const settle = (error?: Error) => {
        clearTimeout(timer);
        child.off("exit", onExit);
        onStarted = undefined;
        if (error) reject(error);
        else resolve();
      };
      const timer = setTimeout(() => settle(new Error(`worker did not start:\n${output}`)), 60_000);
      const onExit = (code: number | null) => settle(new Error(`worker exited (${code}):\n${output}`));
      onStarted = () => settle();
      child.once("exit", onExit);
    });
  } catch (error) {
    // A worker that did not start is not left behind.
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    throw error;
  } finally {
    child.stdout?.off("data", onData);
    child.stderr?.off("data", onData);
  }
  child.stdout?.resume();
  child.stderr?.resume();
  return child;
}

/** Resident set size now and at its peak (Linux VmRSS, VmHWM) of a live process, in MB. */
export async function processMemoryMb(pid: number): Promise<{ rss: number; peak: number } | null> {
  const { readFile } = await import("node:fs/promises");
  try {
    const status = await readFile(`/proc/${pid}/status`, "utf8");
    const field = (name: string) =>
      Math.round(Number(new RegExp(`${name}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0) / 1024);
    return { rss: field("VmRSS"), peak: field("VmHWM") };
  } catch {
    return null;
  }
}
