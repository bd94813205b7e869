// A Redis of the suite's own, as a child process on a free port, with no persistence: "Redis loses its data" is
// FLUSHALL (or a restart, which starts empty), "Redis down" is the process gone. The shared Redis on 6379 is never
// touched.
import { type ChildProcess, spawn } from "node:child_process";
import { Redis } from "ioredis";
import { freePort } from "./free-port";

export interface ChaosRedis {
  url: string;
  port: number;
  readonly up: boolean;
  /** The server's process id while it runs (the suite's exit hook kills it if a test run is cut short). */
  pid(): number | undefined;
  /** Every key gone, the server still up (what a host restart or an eviction does to the data). */
  flushAll(): Promise<void>;
  /** Killed at once (SIGKILL): clients see their connections drop and new ones refused. */
  stop(): Promise<void>;
  /** Started again on the same port, empty. */
  start(): Promise<void>;
  close(): Promise<void>;
}

const START_TIMEOUT_MS = 15_000;

export async function startChaosRedis(options: { onOutput?: (chunk: string) => void } = {}): Promise<ChaosRedis> {
  const port = await freePort();
  const url = `redis://127.0.0.1:${port}`;
  const binary = process.env.CHAOS_REDIS_SERVER ?? "redis-server";
  let child: ChildProcess | undefined;

  const launch = async () => {
    const started = spawn(
      binary,
      ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--daemonize", "no"],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    child = started;
    let output = "";
    await new Promise<void>((resolve, reject) => {
      const settle = (error?: Error) => {
        clearTimeout(timer);
        started.stdout?.off("data", onData);
        started.off("exit", onExit);
        started.off("error", onError);
        if (error) reject(error);
        else resolve();
      };
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes("Ready to accept connections")) settle();
      };
      const onExit = (code: number | null) => settle(new Error(`redis-server exited (${code}):\n${output}`));
      const onError = (error: Error) => settle(error);
      const timer = setTimeout(() => settle(new Error(`redis-server did not start:\n${output}`)), START_TIMEOUT_MS);
      started.stdout?.on("data", onData);
      started.once("exit", onExit);
      started.once("error", onError);
    }).catch((error: unknown) => {
      if (started.exitCode === null && started.signalCode === null) started.kill("SIGKILL");
      child = undefined;
      throw error;
    });
    if (options.onOutput) {
      const forward = options.onOutput;
      forward(output);
      started.stdout?.on("data", (chunk: Buffer) => forward(chunk.toString()));
      started.stderr?.on("data", (chunk: Buffer) => forward(chunk.toString()));
    } else {
      started.stdout?.resume();
      started.stderr?.resume();
    }
  };

  const kill = async () => {
    const running = child;
    child = undefined;
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
    const exited = new Promise((resolve) => running.once("exit", resolve));
    running.kill("SIGKILL");
    await exited;
  };

  await launch();
  return {
    url,
    port,
    get up() {
      return child !== undefined;
    },
    pid: () => child?.pid,
    async flushAll() {
      const client = new Redis(url, { maxRetriesPerRequest: 1, lazyConnect: true });
      try {
        await client.connect();
        await client.flushall();
      } finally {
        client.disconnect();
      }
    },
    stop: kill,
    async start() {
      if (!child) await launch();
    },
    close: kill,
  };
}
