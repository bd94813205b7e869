// The real back end for the browser test: a fresh Postgres database (migrated), a Redis database of
// its own, both emulators (on free ports of their own, so browser tests may run side by side), the API and the worker,
// all run from source with tsx. Every process is stopped and the database dropped afterwards.
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import path from "node:path";
import { freePort, tcpAnswers } from "./portal-process";

const root = path.resolve(__dirname, "../../../..");
const tsx = path.join(root, "node_modules/.bin/tsx");

export interface SandboxStack {
  apiUrl: string;
  rescueEmulatorUrl: string;
  graphEmulatorUrl: string;
  /** One value from the stack's own database (a test's check of what the API and worker wrote). */
  queryValue(sql: string): string;
  /** Everything the processes printed, for failure messages. */
  output(): string;
  stop(): Promise<void>;
}

interface Started {
  name: string;
  child: ChildProcess;
}

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

async function waitFor(what: string, check: () => Promise<boolean>, children: Started[], output: () => string) {
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    const dead = children.find((c) => c.child.exitCode !== null);
    if (dead) throw new Error(`${dead.name} exited (${dead.child.exitCode}) while waiting for ${what}:\n${output()}`);
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`${what} did not come up within 90 s:\n${output()}`);
}

export async function startSandboxStack(options: {
  tokenSecret: string;
  portalOrigin: string;
  /** More environment for the API and the worker (e.g. SMTP_URL of a test's own mail server). */
  env?: Record<string, string>;
}): Promise<SandboxStack> {
  const serverUrl =
    process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
  const redisBase = new URL(process.env.TEST_REDIS_URL ?? process.env.REDIS_URL ?? "redis://127.0.0.1:6379");
  const pg = new URL(serverUrl);
  if (!(await tcpAnswers(pg.hostname, Number(pg.port) || 5432)))
    throw new Error(`PostgreSQL is not answering at ${pg.host}: the browser test needs it (see .ci/run).`);
  if (!(await tcpAnswers(redisBase.hostname, Number(redisBase.port) || 6379)))
    throw new Error(`Redis is not answering at ${redisBase.host}: the browser test needs it (see .ci/run).`);

  const database = `techsync_e2e_${process.pid}_${randomBytes(4).toString("hex")}`;
  const adminUrl = withDatabase(serverUrl, "postgres");
  const databaseUrl = withDatabase(serverUrl, database);
  const created = spawnSync("psql", [adminUrl, "-q", "-c", `CREATE DATABASE "${database}"`], { encoding: "utf8" });
  if (created.status !== 0) throw new Error(`could not create the test database: ${created.stderr}`);
  const migrated = spawnSync("npm", ["run", "--silent", "migrate", "-w", "@techsync/db"], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: databaseUrl },
    encoding: "utf8",
  });
  if (migrated.status !== 0)
    throw new Error(`migrating the test database failed:\n${migrated.stdout}${migrated.stderr}`);

  // A Redis database of its own (8–15, claimed in database 0 so browser tests running side by side never share
  // one), so no other worker on this machine takes this test's jobs.
  const claimKey = (db: number) => `techsync:e2e:redis-db:${db}`;
  const claimed = [8, 9, 10, 11, 12, 13, 14, 15].find(
    (db) =>
      spawnSync(
        "redis-cli",
        ["-u", redisBase.toString(), "set", claimKey(db), String(process.pid), "NX", "EX", "3600"],
        {
          encoding: "utf8",
        },
      ).stdout.trim() === "OK",
  );
  if (claimed === undefined) throw new Error("every Redis database 8–15 is claimed by another browser test");
  const redisUrl = new URL(redisBase);
  redisUrl.pathname = `/${claimed}`;
  spawnSync("redis-cli", ["-u", redisUrl.toString(), "flushdb"], { encoding: "utf8" });

  let output = "";
  const children: Started[] = [];
  const rescuePort = await freePort();
  const graphPort = await freePort();
  const rescueEmulatorUrl = `http://127.0.0.1:${rescuePort}`;
  const graphEmulatorUrl = `https://127.0.0.1:${graphPort}`;
  const env = {
    ...process.env,
    DATABASE_URL: databaseUrl,
    REDIS_URL: redisUrl.toString(),
    LOG_LEVEL: "warn",
    API_TOKEN_SECRET: options.tokenSecret,
    SECRET_BOX_MASTER_KEYS: `e2e:${randomBytes(32).toString("base64")}`,
    SECRET_BOX_ACTIVE_KEY_ID: "e2e",
    OPERATOR_TOKEN: randomBytes(24).toString("hex"),
    PORTAL_ORIGIN: options.portalOrigin,
    // The sandbox destination: the emulators this stack starts.
    RESCUE_EMULATOR_URL: rescueEmulatorUrl,
    GRAPH_EMULATOR_URL: graphEmulatorUrl,
    GRAPH_EMULATOR_CA_PATH: path.join(root, "packages/emulators/.certs/graph/graph-ca.pem"),
    ...options.env,
  };
  const start = (name: string, script: string, extra: Record<string, string>) => {
    const child = spawn(tsx, ["--conditions=@techsync/source", script], {
      cwd: root,
      env: { ...env, ...extra },
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    for (const stream of [child.stdout, child.stderr]) {
      stream?.on("data", (chunk) => {
        output += `${name}| ${chunk}`;
      });
    }
    children.push({ name, child });
  };
  start("emulators", "packages/emulators/src/main.ts", {
    RESCUE_EMULATOR_PORT: String(rescuePort),
    GRAPH_EMULATOR_PORT: String(graphPort),
  });
  await waitFor(
    "the emulators",
    async () => (await tcpAnswers("127.0.0.1", rescuePort)) && (await tcpAnswers("127.0.0.1", graphPort)),
    children,
    () => output,
  );
  // The seeded demo tenant holds the demo organisation, as after `npm start`: a new person's "Try with demo data"
  // must get an organisation of its own beside it (rule 15), not be refused.
  const seeded = spawnSync("npm", ["run", "--silent", "seed", "-w", "@techsync/api"], {
    cwd: root,
    env,
    encoding: "utf8",
  });
  if (seeded.status !== 0) throw new Error(`seeding the demo tenant failed:\n${seeded.stdout}${seeded.stderr}`);
  const apiPort = await freePort();
  const workerPort = await freePort();
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  start("api", "apps/api/src/server.ts", { API_HOST: "127.0.0.1", API_PORT: String(apiPort) });
  start("worker", "apps/worker/src/main.ts", { WORKER_HOST: "127.0.0.1", WORKER_PORT: String(workerPort) });
  await waitFor(
    "the API",
    async () => (await fetch(`${apiUrl}/readyz`)).ok,
    children,
    () => output,
  );
  await waitFor(
    "the worker",
    async () => (await fetch(`http://127.0.0.1:${workerPort}/healthz`)).ok,
    children,
    () => output,
  );

  return {
    apiUrl,
    rescueEmulatorUrl,
    graphEmulatorUrl,
    queryValue: (sql) => {
      const result = spawnSync("psql", [databaseUrl, "-qtAX", "-c", sql], { encoding: "utf8" });
      if (result.status !== 0) throw new Error(`query failed: ${result.stderr}`);
      return result.stdout.trim();
    },
    output: () => output,
    stop: async () => {
      await Promise.all(
        children.map(
          ({ child }) =>
            new Promise<void>((resolve) => {
              if (child.exitCode !== null || child.signalCode !== null) return resolve();
              const timer = setTimeout(() => {
                try {
                  process.kill(-child.pid!, "SIGKILL");
                } catch {}
              }, 10_000);
              child.once("exit", () => {
                clearTimeout(timer);
                resolve();
              });
              try {
                process.kill(-child.pid!, "SIGTERM");
              } catch {
                resolve();
              }
            }),
        ),
      );
      spawnSync("psql", [adminUrl, "-q", "-c", `DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`]);
      spawnSync("redis-cli", ["-u", redisUrl.toString(), "flushdb"]);
      spawnSync("redis-cli", ["-u", redisBase.toString(), "del", claimKey(claimed)]);
    },
  };
}
