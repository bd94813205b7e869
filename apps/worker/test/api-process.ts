// The API as it runs in production (apps/api/src/server.ts), as a child process from source on the world's database,
// Redis prefix and emulators: for the benchmarks that need Graph's change notifications to reach the real
// /v1/graph/notifications (its verification, its debounced job) rather than a stand-in.
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createServer } from "node:net";
import path from "node:path";
import type { SyncWorld } from "./sync-world";

export interface ApiProcess {
  /** The API's origin, e.g. http://127.0.0.1:40123: what the worker is given as PUBLIC_API_URL. */
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (!address || typeof address === "string") throw new Error("no free port");
  return address.port;
}

export async function startApiProcess(world: SyncWorld, options: { logLevel?: string } = {}): Promise<ApiProcess> {
  const root = path.resolve(__dirname, "../../api");
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, ["--import", "tsx", "--conditions=@techsync/source", "src/server.ts"], {
    cwd: root,
    env: {
      PATH: process.env.PATH,
      DATABASE_URL: world.db.url,
      REDIS_URL: world.redisUrl,
      REDIS_PREFIX: world.prefix,
      API_HOST: "127.0.0.1",
      API_PORT: String(port),
      LOG_LEVEL: options.logLevel ?? "warn",
      API_TOKEN_SECRET: randomBytes(32).toString("hex"),
      OPERATOR_TOKEN: randomBytes(32).toString("hex"),
      SECRET_BOX_MASTER_KEYS: world.masterKeys,
      SECRET_BOX_ACTIVE_KEY_ID: "k1",
      RESCUE_EMULATOR_URL: world.rescueRouter.url,
      GRAPH_EMULATOR_URL: world.graph.url,
      GRAPH_EMULATOR_CA_PATH: world.graph.caPath,
      PUBLIC_API_URL: url,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const collect = (chunk: Buffer) => {
    output = `${output}${chunk.toString()}`.slice(-20_000);
  };
  child.stdout?.on("data", collect);
  child.stderr?.on("data", collect);
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGTERM");
    await exited;
  };
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the API exited (${child.exitCode}):\n${output}`);
    const ready = await fetch(`${url}/readyz`).then(
      (response) => response.ok,
      () => false,
    );
    if (ready) return { url, child, stop };
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`the API did not become ready:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
