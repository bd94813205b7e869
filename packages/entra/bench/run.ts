// Benchmark: read every member (transitive) of 100 groups holding 100,000 users from the emulator at
// 25 ms per call. Reports calls beyond the minimum (one per 999 members per group), wall time and the
// client's peak RSS, at two directory sizes to show memory does not grow with the directory.
import { type ChildProcess, fork } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import pLimit from "p-limit";
import { createEntraDirectorySource } from "../src";

const BENCH_TENANT_ID = "b0000000-0000-4000-a000-000000000001";
const BENCH_CLIENT_ID = "b1000000-0000-4000-a000-000000000001";
const BENCH_CLIENT_SECRET = "Bch8Q~benchmark-secret-value-000000000001";
const GROUPS = 100;
const LATENCY_MS = 25;
const CONCURRENCY = 4;

interface Ready {
  url: string;
  caCertPem: string;
  groupSizes: { id: string; members: number }[];
}

function startEmulator(users: number): Promise<{ child: ChildProcess; ready: Ready }> {
  const child = fork(path.join(__dirname, "serve-emulator.ts"), [], {
    execArgv: ["--import", "tsx", "--conditions=@techsync/source"],
    env: {
      ...process.env,
      BENCH_USERS: String(users),
      BENCH_GROUPS: String(GROUPS),
      BENCH_LATENCY_MS: String(LATENCY_MS),
    },
  });
  return new Promise((resolve, reject) => {
    child.once("message", (message) => resolve({ child, ready: message as Ready }));
    child.once("error", reject);
  });
}

async function emulatorStats(child: ChildProcess): Promise<{ graphRequests: number; tokenRequests: number }> {
  return new Promise((resolve) => {
    child.once("message", (message) =>
      resolve((message as { stats: { graphRequests: number; tokenRequests: number } }).stats),
    );
    child.send("stats");
  });
}

async function measure(users: number) {
  const { child, ready } = await startEmulator(users);
  const source = createEntraDirectorySource({
    tenantId: BENCH_TENANT_ID,
    clientId: BENCH_CLIENT_ID,
    clientSecret: BENCH_CLIENT_SECRET,
    authorityHost: ready.url,
    graphBaseUrl: ready.url,
    ca: ready.caCertPem,
    maxConcurrency: CONCURRENCY,
  });
  global.gc?.();
  const baselineRss = process.memoryUsage().rss;
  let peakRss = baselineRss;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }, 10);
  // What a caller keeps: the set of distinct user ids in scope (the pages themselves are dropped).
  const seen = new Set<string>();
  let memberships = 0;
  const started = performance.now();
  const streams = pLimit(CONCURRENCY);
  await Promise.all(
    ready.groupSizes.map((group) =>
      streams(async () => {
        for await (const page of source.groupMembers(group.id, { transitive: true })) {
          memberships += page.length;
          for (const member of page) seen.add(member.id);
        }
      }),
    ),
  );
  const wallMs = performance.now() - started;
  clearInterval(sampler);
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
  const minimumCalls = ready.groupSizes.reduce((sum, group) => sum + Math.max(1, Math.ceil(group.members / 999)), 0);
  const served = await emulatorStats(child);
  child.send("close");
  const stats = source.callStats();
  return {
    users,
    groups: GROUPS,
    latencyMs: LATENCY_MS,
    concurrency: CONCURRENCY,
    memberships,
    distinctUsers: seen.size,
    minimumCalls,
    graphCalls: stats.graphCalls,
    extraCalls: stats.graphCalls - minimumCalls,
    tokenCalls: served.tokenRequests,
    serverSawGraphCalls: served.graphRequests,
    wallMs: Math.round(wallMs),
    baselineRssMb: Math.round(baselineRss / 1048576),
    peakRssMb: Math.round(peakRss / 1048576),
    rssGrowthMb: Math.round((peakRss - baselineRss) / 1048576),
  };
}

async function main() {
  const rows = [];
  for (const users of [10_000, 100_000]) rows.push(await measure(users));
  console.table(
    rows.map((row) => ({
      users: row.users,
      groups: row.groups,
      "memberships read": row.memberships,
      "min calls": row.minimumCalls,
      "Graph calls": row.graphCalls,
      "extra calls": row.extraCalls,
      "token calls": row.tokenCalls,
      "wall s": (row.wallMs / 1000).toFixed(2),
      "peak RSS MB": row.peakRssMb,
      "RSS growth MB": row.rssGrowthMb,
    })),
  );
  const resultsDir = path.join(__dirname, "results");
  mkdirSync(resultsDir, { recursive: true });
  const file = path.join(resultsDir, `entra-members-${new Date().toISOString().replace(/[:.]/g, "-")}.json`);
  writeFileSync(file, `${JSON.stringify({ date: new Date().toISOString(), node: process.version, rows }, null, 2)}\n`);
  console.log(`written ${path.relative(process.cwd(), file)}`);
}

void main();
