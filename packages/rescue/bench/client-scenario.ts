// One benchmark scenario in a fresh process: create N technicians across the bench groups, then read the tree.
// Prints one JSON line. Config comes in argv[2] as JSON.
import { DEMO_RESCUE_CONNECTION } from "@techsync/emulators/rescue";
import type { TechnicianCreateRequest } from "@techsync/sync-core";
import { type BulkCreateCapability, createRescueClient, DEFAULT_CREATE_BATCH } from "../src/index";

interface ScenarioConfig {
  url: string;
  technicians: number;
  bulkCreate: BulkCreateCapability;
}

async function main() {
  // RSS before any work: the runtime and the TypeScript loader, for comparison with the peak.
  const startRssMb = process.memoryUsage().rss / 1024 / 1024;
  const config = JSON.parse(process.argv[2] ?? "{}") as ScenarioConfig;
  // As the worker builds it: the API token, the default concurrency, and what earlier runs learned.
  const client = createRescueClient({
    baseUrl: config.url,
    email: DEMO_RESCUE_CONNECTION.email,
    apiToken: DEMO_RESCUE_CONNECTION.apiToken,
    bulkCreate: { capability: config.bulkCreate, reason: null, checkedAt: null },
    retryDelayMs: 50,
    maxAttempts: 6,
  });
  // The engine reads the tree before planning; not counted against the creates.
  const groups = (await client.getTree()).filter((n) => n.kind === "technicianGroup");
  const setupCalls = client.callCount();
  const requests: TechnicianCreateRequest[] = Array.from({ length: config.technicians }, (_, i) => ({
    ref: `user-${i}`,
    parentId: groups[i % groups.length]!.id,
    password: "Welcome-2026!",
    fields: { name: `Bench Tech ${i}`, nick: `bt${i}`, email: `bench.tech.${i}@bench.example`, ssoId: `bt${i}` },
  }));
  const cpuBefore = process.cpuUsage();
  const createStarted = performance.now();
  // As sync-core's executor calls it: one chunk of maxCreateBatch at a time.
  const results = [];
  for (let i = 0; i < requests.length; i += DEFAULT_CREATE_BATCH) {
    results.push(...(await client.createTechnicians(requests.slice(i, i + DEFAULT_CREATE_BATCH))));
  }
  const createMs = performance.now() - createStarted;
  const cpu = process.cpuUsage(cpuBefore);
  const treeStarted = performance.now();
  const tree = await client.getTree();
  const treeMs = performance.now() - treeStarted;
  const counts = client.callCounts();
  counts.getHierarchy_v2 = (counts.getHierarchy_v2 ?? 0) - 1;
  const emails = tree.filter((n) => n.kind === "technician" && n.email?.startsWith("bench.tech.")).map((n) => n.email);
  process.stdout.write(
    `${JSON.stringify({
      created: results.filter((r) => r.ok).length,
      failed: results.filter((r) => !r.ok).length,
      techniciansInTree: emails.length,
      duplicates: emails.length - new Set(emails).size,
      calls: client.callCount() - setupCalls,
      callsByMethod: counts,
      createMs,
      // The client's own CPU while creating: on a shared machine, wall time above the latency bound is CPU contention.
      createCpuMs: (cpu.user + cpu.system) / 1000,
      treeMs,
      startRssMb,
      peakRssMb: process.resourceUsage().maxRSS / 1024,
      bulkCreate: client.bulkCreateCapability,
    })}\n`,
  );
}

void main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
