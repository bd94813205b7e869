// `npm start`: everything on one machine. Installs if needed, checks PostgreSQL and Redis, builds,
// migrates, seeds the sandbox demo tenant, starts the emulators, API, worker and portal, waits until
// each answers its health check, and prints the portal URL. Ctrl-C stops them all.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { ensureInstalled } from "./ensure-installed.mjs";
import { localEnvFrom } from "./local-env.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const log = (line) => console.log(`[techsync] ${line}`);

function loadEnv() {
  const envFile = path.join(root, ".env");
  if (!existsSync(envFile)) {
    const example = readFileSync(path.join(root, ".env.example"), "utf8");
    writeFileSync(envFile, localEnvFrom(example), { mode: 0o600 });
    log("created .env from .env.example, with freshly generated secrets");
  }
  process.loadEnvFile(envFile); // variables already set in the shell win
  if (/^[A-Z_]+=.*(replace-me|local-dev-only)/m.test(readFileSync(envFile, "utf8"))) {
    log("warning: .env holds a published example secret; delete .env to have fresh secrets generated.");
  }
  // The apps run from their own folders: make repository-relative paths absolute.
  const ca = process.env.GRAPH_EMULATOR_CA_PATH;
  if (ca && !path.isAbsolute(ca)) process.env.GRAPH_EMULATOR_CA_PATH = path.join(root, ca);
  // The sandbox destination of API, worker and seed: the emulators this script starts (an older .env lacks these).
  const env = process.env;
  const host = env.EMULATOR_HOST || "127.0.0.1";
  env.RESCUE_EMULATOR_URL ||= `http://${host}:${env.RESCUE_EMULATOR_PORT || 4010}`;
  env.GRAPH_EMULATOR_URL ||= `https://${host}:${env.GRAPH_EMULATOR_PORT || 4020}`;
  // Mail (alerts, invitations, password reset) goes to the local mail catcher this script starts (an older .env
  // lacks SMTP_URL); webhooks may go to a receiver on this machine.
  env.SMTP_URL ||= `smtp://127.0.0.1:${env.MAIL_CATCHER_SMTP_PORT || 1025}`;
  env.ALERT_WEBHOOKS_ALLOW_LOCAL ||= "true";
  process.env.NEXT_TELEMETRY_DISABLED = "1";
  process.env.TURBO_TELEMETRY_DISABLED = "1";
}

function run(title, command, args, cwd = root) {
  log(title);
  const result = spawnSync(command, args, {
    cwd,
    stdio: ["ignore", "pipe", "inherit"],
    env: process.env,
    encoding: "utf8",
  });
  process.stdout.write(result.stdout ?? "");
  if (result.status !== 0) {
    log(`${title} failed (exit ${result.status}); stopping.`);
    process.exit(result.status ?? 1);
  }
  return result.stdout ?? "";
}

function tcpAnswers(host, port, timeoutMs = 1000) {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
  });
}

async function requireService(name, url, hint) {
  const u = new URL(url);
  const port = Number(u.port) || (name === "PostgreSQL" ? 5432 : 6379);
  if (!(await tcpAnswers(u.hostname, port))) {
    log(`${name} is not answering at ${u.hostname}:${port}. ${hint}`);
    process.exit(1);
  }
}

const children = [];

function startProcess(name, command, args, cwd, health) {
  const child = spawn(command, args, { cwd, env: process.env, stdio: ["ignore", "pipe", "pipe"], detached: true });
  const prefix = `${name.padEnd(9)}| `;
  for (const stream of [child.stdout, child.stderr]) {
    let buffered = "";
    stream.on("data", (chunk) => {
      buffered += chunk;
      const lines = buffered.split("\n");
      buffered = lines.pop();
      for (const line of lines) process.stdout.write(`${prefix}${line}\n`);
    });
  }
  child.on("exit", (code, signal) => {
    if (!stopping) {
      log(`${name} exited (${signal ?? code}); stopping everything.`);
      void stopAll(1);
    }
  });
  children.push({ name, child, health });
  return child;
}

async function waitHealthy({ name, health }, timeoutMs = 90_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (stopping) return;
    try {
      if (health.tcp) {
        if (await tcpAnswers(health.tcp.host, health.tcp.port)) return;
      } else {
        const res = await fetch(health.url, { signal: AbortSignal.timeout(2000) });
        if (res.ok) return;
      }
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  log(`${name} did not become healthy within ${timeoutMs / 1000}s; stopping everything.`);
  await stopAll(1);
}

let stopping = false;
async function stopAll(code = 0) {
  if (stopping) return;
  stopping = true;
  log("stopping…");
  const alive = children.filter(({ child }) => child.exitCode === null && child.signalCode === null);
  // Each child leads its own process group: signal the group, so grandchildren (next, tsx) stop too.
  for (const { child } of alive) {
    try {
      process.kill(-child.pid, "SIGTERM");
    } catch {}
  }
  const exited = Promise.all(alive.map(({ child }) => new Promise((r) => child.once("exit", r))));
  const timeout = new Promise((r) => setTimeout(r, 10_000).unref());
  await Promise.race([exited, timeout]);
  for (const { child } of alive) {
    try {
      process.kill(-child.pid, "SIGKILL");
    } catch {}
  }
  log("all stopped.");
  process.exit(code);
}

async function main() {
  ensureInstalled();
  loadEnv();
  const env = process.env;
  await requireService(
    "PostgreSQL",
    env.DATABASE_URL,
    "Start it with `docker compose up -d postgres redis`, or your OS's postgresql package.",
  );
  await requireService(
    "Redis",
    env.REDIS_URL,
    "Start it with `docker compose up -d postgres redis`, or your OS's redis package.",
  );

  run("building (turbo run build)…", "npx", ["turbo", "run", "build", "--output-logs=errors-only"]);
  run("migrating the database…", "npm", ["run", "--silent", "db:migrate"]);

  process.on("SIGINT", () => void stopAll(0));
  process.on("SIGTERM", () => void stopAll(0));

  const host = env.EMULATOR_HOST ?? "127.0.0.1";
  startProcess("emulators", "npm", ["run", "--silent", "start", "-w", "@techsync/emulators"], root, {
    tcp: { host, port: Number(env.GRAPH_EMULATOR_PORT ?? 4020) },
  });
  await waitHealthy(children.at(-1));
  await waitHealthy({
    name: "rescue emulator",
    health: { tcp: { host, port: Number(env.RESCUE_EMULATOR_PORT ?? 4010) } },
  });
  const mailHost = env.MAIL_CATCHER_HOST || "127.0.0.1";
  const mailPort = Number(env.MAIL_CATCHER_PORT || 1080);
  startProcess("mail", "node", ["scripts/mail-catcher.mjs"], root, { tcp: { host: mailHost, port: mailPort } });
  const seeded = run("seeding the sandbox demo tenant…", "npm", ["run", "--silent", "seed", "-w", "@techsync/api"]);
  const demoSignIn = /sign in to the portal as (.*)$/m.exec(seeded)?.[1];

  startProcess("api", "node", ["dist/server.js"], path.join(root, "apps/api"), {
    url: `http://${env.API_HOST}:${env.API_PORT}/readyz`,
  });
  startProcess("worker", "node", ["dist/main.js"], path.join(root, "apps/worker"), {
    url: `http://${env.WORKER_HOST}:${env.WORKER_PORT}/healthz`,
  });
  startProcess(
    "web",
    "npx",
    ["next", "start", "-H", env.WEB_HOST ?? "127.0.0.1", "-p", String(env.WEB_PORT ?? 3000)],
    path.join(root, "apps/web"),
    {
      url: `http://127.0.0.1:${env.WEB_PORT ?? 3000}/api/health`,
    },
  );
  await Promise.all(children.map((c) => waitHealthy(c)));
  if (stopping) return;
  log("everything is up:");
  log(
    `  portal     http://localhost:${env.WEB_PORT ?? 3000}${demoSignIn ? `  (sandbox demo: sign in as ${demoSignIn})` : ""}`,
  );
  log(`  API        http://${env.API_HOST}:${env.API_PORT}  (health: /healthz, /readyz)`);
  log(`  worker     http://${env.WORKER_HOST}:${env.WORKER_PORT}/healthz  (metrics: /metrics)`);
  log(
    `  emulators  Rescue http://${host}:${env.RESCUE_EMULATOR_PORT}  Graph https://${host}:${env.GRAPH_EMULATOR_PORT}`,
  );
  log(`  mail       http://${mailHost}:${mailPort}  (every mail TechSync sends, caught on this machine)`);
  log("Ctrl-C stops everything.");
}

main().catch((error) => {
  console.error(error);
  void stopAll(1);
});
