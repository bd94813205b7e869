// The worker as it runs in production (src/main.ts), as a child process from source, configured through its
// environment only: for the crash test (SIGKILL) and the benchmarks (several processes, peak RSS).
import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";
import { REDIS_URL, type SyncWorld } from "./sync-world";

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
}

export async function startWorkerProcess(world: SyncWorld, options: WorkerProcessOptions = {}): Promise<ChildProcess> {
  const root = path.resolve(__dirname, "..");
  const heap = options.maxOldSpaceMb ? [`--max-old-space-size=${options.maxOldSpaceMb}`] : [];
  const child = spawn(process.execPath, [...heap, "--import", "tsx", "--conditions=@techsync/source", "src/main.ts"], {
    cwd: root,
    env: {
      PATH: process.env.PATH,
      DATABASE_URL: world.db.url,
      REDIS_URL,
      REDIS_PREFIX: world.prefix,
      WORKER_PORT: "0",
      WORKER_CONCURRENCY: String(options.concurrency ?? 2),
      WORKER_LOCK_DURATION_MS: String(options.lockDurationMs ?? 30_000),
      WORKER_STALLED_INTERVAL_MS: String(options.stalledIntervalMs ?? 30_000),
      RUN_LEASE_MS: String(options.runLeaseMs ?? options.lockDurationMs ?? 30_000),
      REAPER_INTERVAL_MS: String(options.reaperIntervalMs ?? 2000),
      WORKER_RECONCILE_SCHEDULES: "false",
      LOG_LEVEL: options.logLevel ?? "info",
      SECRET_BOX_MASTER_KEYS: world.masterKeys,
      SECRET_BOX_ACTIVE_KEY_ID: "k1",
      RESCUE_EMULATOR_URL: world.rescueRouter.url,
      GRAPH_EMULATOR_URL: world.graph.url,
      GRAPH_EMULATOR_CA_PATH: world.graph.caPath,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`worker did not start:\n${output}`)), 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('"msg":"worker started"')) {
        clearTimeout(timer);
        child.off("exit", onExit);
        resolve();
      }
    };
    const onExit = (code: number | null) => {
      clearTimeout(timer);
      reject(new Error(`worker exited (${code}):\n${output}`));
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("exit", onExit);
  });
  child.stdout?.removeAllListeners("data");
  child.stderr?.removeAllListeners("data");
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
