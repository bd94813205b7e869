// A redis-server of the test's own, as a child process on a free port, that a test may kill, freeze and start
// again: outages are played on it, never on the shared Redis others' tests use. Not a test file itself.
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { createServer } from "node:net";
import { Redis } from "ioredis";

export interface OwnRedis {
  url: string;
  /** Kills the server (SIGKILL, like a crash): its data is gone, connections drop. */
  kill(): Promise<void>;
  /** Starts it again on the same port, empty. */
  start(): Promise<void>;
  /** Stops it answering without closing connections (SIGSTOP): a hung server. */
  freeze(): void;
  thaw(): void;
  isRunning(): Promise<boolean>;
  close(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const address = server.address();
  server.close();
  if (!address || typeof address === "string") throw new Error("no free port");
  return address.port;
}

/** Resolves once the server answers PING; throws after `timeoutMs`. */
async function answering(url: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    probe.on("error", () => {});
    try {
      await probe.connect();
      await probe.ping();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`redis-server at ${url} did not answer: ${String(error)}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    } finally {
      probe.disconnect();
    }
  }
}

export async function startOwnRedis(): Promise<OwnRedis> {
  const port = await freePort();
  const url = `redis://127.0.0.1:${port}`;
  let child: ChildProcess | undefined;
  // Whatever happens to the test, the server does not outlive its process.
  const killOnExit = () => child?.kill("SIGKILL");
  process.once("exit", killOnExit);

  async function start(): Promise<void> {
    if (child) throw new Error("own redis-server is already running");
    const started = spawn(
      "redis-server",
      ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--daemonize", "no"],
      { stdio: "ignore" },
    );
    child = started;
    started.once("exit", () => {
      if (child === started) child = undefined;
    });
    await answering(url);
  }

  async function kill(): Promise<void> {
    const running = child;
    if (!running) return;
    const exited = once(running, "exit");
    running.kill("SIGCONT");
    running.kill("SIGKILL");
    await exited;
  }

  await start();
  return {
    url,
    kill,
    start,
    freeze: () => child?.kill("SIGSTOP"),
    thaw: () => child?.kill("SIGCONT"),
    isRunning: async () => child !== undefined,
    async close() {
      await kill();
      process.removeListener("exit", killOnExit);
    },
  };
}
