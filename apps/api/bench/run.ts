// `npm run bench -w @techsync/api`: a fresh database with one tenant of 10,000 runs, one of them with 10,000
// actions; the API (src/server.ts, the real composition root) in its own process on a free port; autocannon
// at 1,000 requests/s against the run list and the action list. Prints a table and writes JSON to
// bench/results/. Not a test: nothing here fails on slowness.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { cpus } from "node:os";
import { join } from "node:path";
import { generateMasterKey, parseMasterKeyring, SecretBox } from "@techsync/db";
import { createTestDatabase } from "@techsync/db/testing";
import autocannon from "autocannon";
import { portalTokenKey, signPortalToken } from "../src/auth/portal-token";

const RUNS = 10_000;
const ACTIONS = 10_000;
/** The rate, and a lower one that shows latency where this shared machine is not saturated. */
const RATES = [1_000, 300];
const DURATION_S = 10;
const TOKEN_SECRET = "bench-only-portal-token-secret-0123456789abcdef";
const TARGET_P99_MS = 50;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port")),
      );
    });
  });
}

/** CPU seconds the process has used (Linux /proc; null elsewhere): the API's cost per request, apart from the load generator's. */
function cpuSecondsOf(pid: number | undefined): number | null {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
    // utime and stime, in clock ticks (100 per second on Linux).
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return null;
  }
}

async function waitForHealth(url: string, child: ChildProcess): Promise<void> {
  for (let i = 0; i < 150; i++) {
    if (child.exitCode !== null) throw new Error(`the API exited with ${child.exitCode}`);
    try {
      if ((await fetch(`${url}/healthz`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error("the API did not answer /healthz within 30 s");
}

async function main(): Promise<void> {
  const db = await createTestDatabase();
  const masterKeys = `bench:${generateMasterKey()}`;
  const secretBox = new SecretBox(parseMasterKeyring(masterKeys, "bench"));
  let api: ChildProcess | undefined;
  try {
    console.log(`[bench] seeding ${RUNS} runs and ${ACTIONS} actions…`);
    const seedStart = Date.now();
    const user = await db.prisma.portalUser.create({ data: { email: "bench@example.test" } });
    const tenantId = crypto.randomUUID();
    const dataKey = secretBox.createDataKey(tenantId);
    await db.prisma.tenant.create({
      data: { id: tenantId, name: "Bench", dataKeyWrapped: dataKey.wrapped, dataKeyMasterKeyId: dataKey.masterKeyId },
    });
    await db.prisma.membership.create({ data: { tenantId, portalUserId: user.id, role: "owner" } });
    const start = Date.UTC(2026, 0, 1);
    const statuses = ["succeeded", "succeeded", "succeeded", "partial", "failed"] as const;
    for (let offset = 0; offset < RUNS; offset += 2000) {
      await db.prisma.syncRun.createMany({
        data: Array.from({ length: Math.min(2000, RUNS - offset) }, (_, i) => {
          const n = offset + i;
          const queuedAt = new Date(start + n * 30 * 60_000);
          return {
            tenantId,
            trigger: "schedule" as const,
            dryRun: n % 10 === 0,
            status: statuses[n % statuses.length] ?? "succeeded",
            counts: { create: n % 7, update: n % 13, disable: n % 3, failed: n % 5 === 4 ? 1 : 0 },
            progressDone: 100,
            progressTotal: 100,
            queuedAt,
            startedAt: new Date(queuedAt.getTime() + 1000),
            finishedAt: new Date(queuedAt.getTime() + 60_000),
          };
        }),
      });
    }
    const bigRun = await db.prisma.syncRun.findFirstOrThrow({ where: { tenantId }, orderBy: { queuedAt: "desc" } });
    const midRun = await db.prisma.syncRun.findFirstOrThrow({
      where: { tenantId },
      orderBy: { queuedAt: "desc" },
      skip: RUNS / 2,
    });
    const kinds = ["create", "adopt", "update", "enable", "disable"] as const;
    for (let offset = 0; offset < ACTIONS; offset += 2000) {
      await db.prisma.syncAction.createMany({
        data: Array.from({ length: Math.min(2000, ACTIONS - offset) }, (_, i) => {
          const seq = offset + i;
          const kind = kinds[seq % kinds.length] ?? "create";
          return {
            runId: bigRun.id,
            tenantId,
            seq,
            kind,
            status: seq % 50 === 0 ? ("failed" as const) : ("succeeded" as const),
            entraUserId: crypto.randomUUID(),
            rescueNodeId: 100_000 + seq,
            rescueGroupId: 10 + (seq % 20),
            displayName: `Technician ${seq}`,
            email: `technician.${seq}@contoso.example`,
            reason: kind === "disable" ? "removed from every mapped group" : "in scope of Helpdesk",
            changes:
              kind === "update" ? [{ field: "name", before: `Tech ${seq}`, after: `Technician ${seq}` }] : undefined,
          };
        }),
      });
    }
    const seedSeconds = (Date.now() - seedStart) / 1000;

    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    api = spawn(process.execPath, ["--import", "tsx", "--conditions=@techsync/source", "src/server.ts"], {
      cwd: join(__dirname, ".."),
      stdio: ["ignore", "inherit", "inherit"],
      env: {
        ...process.env,
        DATABASE_URL: db.url,
        REDIS_URL: process.env.REDIS_URL ?? "redis://127.0.0.1:6379",
        API_HOST: "127.0.0.1",
        API_PORT: String(port),
        LOG_LEVEL: "warn",
        API_TOKEN_SECRET: TOKEN_SECRET,
        SECRET_BOX_MASTER_KEYS: masterKeys,
        SECRET_BOX_ACTIVE_KEY_ID: "bench",
        OPERATOR_TOKEN: "bench-only-operator-token-0123456789abcdef",
        // The load comes from one address: lift the per-IP limit so it measures the routes, not the limiter.
        API_RATE_LIMIT_PER_MINUTE: "100000000",
      },
    });
    await waitForHealth(url, api);
    // Lifetime 300 s covers the whole run; the API refuses longer-lived tokens.
    const token = await signPortalToken(portalTokenKey(TOKEN_SECRET), { sub: user.id });
    const base = `/v1/tenants/${tenantId}`;
    const scenarios = [
      { name: "GET …/runs (first page of 50)", path: `${base}/runs` },
      { name: "GET …/runs?cursor= (page at 5,000)", path: `${base}/runs?cursor=${midRun.id}` },
      { name: "GET …/runs/:id/actions (first page of 50)", path: `${base}/runs/${bigRun.id}/actions` },
      { name: "GET …/runs/:id/actions?cursor=9000", path: `${base}/runs/${bigRun.id}/actions?cursor=9000` },
      {
        name: "GET …/runs/:id/actions?kind=disable&q=technician.9",
        path: `${base}/runs/${bigRun.id}/actions?kind=disable&q=technician.9`,
      },
    ];

    const results = [];
    for (const rate of RATES) {
      for (const scenario of scenarios) {
        const check = await fetch(`${url}${scenario.path}`, { headers: { authorization: `Bearer ${token}` } });
        if (!check.ok) throw new Error(`${scenario.name}: ${check.status} ${await check.text()}`);
        // Warm up: JIT, connection pools, Postgres caches.
        await autocannon({
          url: `${url}${scenario.path}`,
          headers: { authorization: `Bearer ${token}` },
          connections: 20,
          overallRate: rate,
          duration: 2,
        });
        const cpuBefore = cpuSecondsOf(api.pid);
        const result = await autocannon({
          url: `${url}${scenario.path}`,
          headers: { authorization: `Bearer ${token}` },
          connections: 50,
          overallRate: rate,
          duration: DURATION_S,
        });
        const cpuAfter = cpuSecondsOf(api.pid);
        const apiCpuMsPerRequest =
          cpuBefore === null || cpuAfter === null || result.requests.total === 0
            ? null
            : Math.round(((cpuAfter - cpuBefore) * 1000 * 100) / result.requests.total) / 100;
        results.push({
          scenario: scenario.name,
          apiCpuMsPerRequest,
          offeredRatePerSecond: rate,
          requests: result.requests.total,
          throughputPerSecond: result.requests.average,
          p50Ms: result.latency.p50,
          p90Ms: result.latency.p90,
          p99Ms: result.latency.p99,
          maxMs: result.latency.max,
          non2xx: result.non2xx,
          errors: result.errors + result.timeouts,
          bytesPerSecond: result.throughput.average,
        });
      }
    }

    console.log(
      `\n[bench] API offered ${RATES.join(" and ")} requests/s, ${DURATION_S} s each (${cpus().length} cores, shared); target p99 < ${TARGET_P99_MS} ms at 1,000/s`,
    );
    console.table(
      results.map((r) => ({
        scenario: r.scenario,
        offered: r.offeredRatePerSecond,
        "req/s": Math.round(r.throughputPerSecond),
        "p50 ms": r.p50Ms,
        "p90 ms": r.p90Ms,
        "p99 ms": r.p99Ms,
        "max ms": r.maxMs,
        "non-2xx": r.non2xx,
        errors: r.errors,
        "API CPU ms/req": r.apiCpuMsPerRequest,
        "p99 < 50 ms": r.p99Ms < TARGET_P99_MS ? "yes" : "NO",
      })),
    );
    const outDir = join(__dirname, "results");
    mkdirSync(outDir, { recursive: true });
    const file = join(outDir, `api-bench-${new Date().toISOString().replace(/[:.]/g, "-")}.json`);
    writeFileSync(
      file,
      `${JSON.stringify(
        {
          at: new Date().toISOString(),
          machine: { cores: cpus().length, model: cpus()[0]?.model, node: process.version },
          setup: {
            runs: RUNS,
            actions: ACTIONS,
            ratesPerSecond: RATES,
            durationSeconds: DURATION_S,
            connections: 50,
            seedSeconds,
          },
          targetP99Ms: TARGET_P99_MS,
          results,
        },
        null,
        2,
      )}\n`,
    );
    console.log(`[bench] wrote ${file}`);
  } finally {
    api?.kill("SIGTERM");
    await new Promise((resolve) => setTimeout(resolve, 500));
    await db.drop();
  }
}

main().catch((error: unknown) => {
  console.error(`[bench] ${error instanceof Error ? error.stack : String(error)}`);
  process.exit(1);
});
