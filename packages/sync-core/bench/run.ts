// Benchmarks of the sync engine. Not tests: they measure, print a table and write JSON.
// Run: npm run bench -w @techsync/sync-core   (tsx --expose-gc --conditions=@techsync/source bench/run.ts)
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  type DirectoryUser,
  type GroupMapping,
  type Link,
  type PlanInput,
  planRun,
  type RescueNode,
  runSync,
  systemClock,
} from "@techsync/sync-core";
import {
  InMemoryDirectorySource,
  type InMemoryGroup,
  InMemoryRescueDirectory,
  RecordingRunRecorder,
} from "@techsync/sync-core/testing";

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error("run with --expose-gc (npm run bench does)");
const MB = 1024 * 1024;
const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
const userId = (i: number) => `00000000-0000-4000-8000-${i.toString(16).padStart(12, "0")}`;

// --- 1. the planner at scale

function plannerInput(): { input: PlanInput; shape: Record<string, number> } {
  const USERS = 100_000;
  const ENTRA_GROUPS = 200;
  const MAPPINGS = 50;
  const TREE_NODES = 100_000;

  const mappings: GroupMapping[] = Array.from({ length: MAPPINGS }, (_, k) => ({
    id: `mapping-${k}`,
    // 50 of the 200 Entra groups are mapped; the other 150 are nested under them, which the transitive read flattens.
    entraGroupId: `group-${k}`,
    rescueGroupId: 1000 + k,
    priority: k,
    transitive: true,
    filter: k % 5 === 0 ? { attribute: "department", operator: "contains", value: "support" } : null,
  }));
  const users: DirectoryUser[] = Array.from({ length: USERS }, (_, i) => ({
    id: userId(i),
    displayName: `Technician ${i}`,
    givenName: `Tech${i}`,
    surname: "Bench",
    mail: `tech${i}@contoso.example`,
    userPrincipalName: `tech${i}@contoso.onmicrosoft.example`,
    // 1 % disabled in Entra
    accountEnabled: i % 100 !== 1,
    department: i % 20 === 0 ? "Sales" : "Support Desk",
  }));
  const members = new Map<string, DirectoryUser[]>(mappings.map((m) => [m.id, []]));
  let inTwoOrMore = 0;
  for (let i = 0; i < USERS; i += 1) {
    const user = users[i]!;
    members.get(`mapping-${i % MAPPINGS}`)!.push(user);
    // 30 % of users are in two or more mapped groups
    if (i % 10 < 3) {
      members.get(`mapping-${(i + 7) % MAPPINGS}`)!.push(user);
      inTwoOrMore += 1;
    }
  }

  // A steady-state tenant: most users linked; some renamed, some disabled, some new, some to adopt, some departed.
  const tree: RescueNode[] = [
    { id: 1, parentId: null, kind: "root", name: "Root", status: "enabled" },
    { id: 2, parentId: 1, kind: "masterAdministrators", name: "MA", status: "enabled" },
    { id: 3, parentId: 1, kind: "administrators", name: "Administrators", status: "enabled" },
    { id: 4, parentId: 1, kind: "technicians", name: "Technicians", status: "enabled" },
  ];
  for (let k = 0; k < MAPPINGS; k += 1) {
    tree.push({ id: 1000 + k, parentId: 4, kind: "technicianGroup", name: `Group ${k}`, status: "enabled" });
  }
  for (let a = 0; a < 10; a += 1) {
    tree.push({
      id: 500 + a,
      parentId: 3,
      kind: "administrator",
      name: `Admin ${a}`,
      email: `admin${a}@contoso.example`,
      status: "enabled",
    });
  }
  const links: Link[] = [];
  const LINKED = 92_000;
  const ADOPTABLE = 3_000;
  const DEPARTED = 1_000;
  const technicians = TREE_NODES - tree.length;
  for (let t = 0; t < technicians; t += 1) {
    const id = 10_000 + t;
    const parentId = 1000 + (t % MAPPINGS);
    if (t < LINKED) {
      const user = users[t]!;
      const fields = {
        name: user.displayName!,
        nick: user.givenName!,
        email: user.mail!,
        ssoId: user.userPrincipalName,
      };
      // 2 % renamed in Entra since the last run; 1 % disabled in Rescue
      const name = t % 50 === 3 ? `Old name ${t}` : fields.name;
      tree.push({
        id,
        parentId,
        kind: "technician",
        name,
        email: fields.email,
        status: t % 100 === 5 ? "disabled" : "enabled",
      });
      links.push({ entraUserId: user.id, rescueNodeId: id, fields: { ...fields, name } });
    } else if (t < LINKED + ADOPTABLE) {
      const user = users[t]!;
      tree.push({ id, parentId, kind: "technician", name: user.displayName!, email: user.mail!, status: "enabled" });
    } else if (t < LINKED + ADOPTABLE + DEPARTED) {
      tree.push({
        id,
        parentId,
        kind: "technician",
        name: `Gone ${t}`,
        email: `gone${t}@contoso.example`,
        status: "enabled",
      });
      links.push({ entraUserId: `departed-${t}`, rescueNodeId: id });
    } else {
      tree.push({
        id,
        parentId,
        kind: "technician",
        name: `Local ${t}`,
        email: `local${t}@elsewhere.example`,
        status: "enabled",
      });
    }
  }
  return {
    input: { mappings, directory: members, tree, links },
    shape: {
      users: USERS,
      entraGroups: ENTRA_GROUPS,
      mappings: MAPPINGS,
      usersInTwoOrMoreGroups: inTwoOrMore,
      treeNodes: tree.length,
      links: links.length,
    },
  };
}

function benchPlanner() {
  const { input, shape } = plannerInput();
  gc!();
  const inputHeap = process.memoryUsage().heapUsed;
  const times: number[] = [];
  const cpuTimes: number[] = [];
  let peakHeap = 0;
  let counts: Record<string, number> = {};
  const RUNS = 9;
  for (let run = -2; run < RUNS; run += 1) {
    gc!();
    const cpuStart = process.cpuUsage();
    const start = process.hrtime.bigint();
    const plan = planRun(input);
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    const cpu = process.cpuUsage(cpuStart);
    // Sampled before any collection: live plan plus the garbage planning left, with the input alive.
    peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
    if (run >= 0) {
      times.push(ms);
      // CPU time too: the machine may be shared, and wall time then measures the neighbours
      cpuTimes.push((cpu.user + cpu.system) / 1000);
    }
    counts = { ...plan.counts, warnings: plan.warnings.length };
  }
  return {
    shape,
    runs: RUNS,
    medianMs: median(times),
    medianCpuMs: median(cpuTimes),
    minMs: Math.min(...times),
    maxMs: Math.max(...times),
    inputHeapMB: inputHeap / MB,
    peakHeapMB: peakHeap / MB,
    maxRssMB: process.resourceUsage().maxRSS / 1024,
    planCounts: counts,
  };
}

// --- 2. a full first run through the in-memory ports with latency

async function benchFullRun() {
  const USERS = 10_000;
  const GROUPS = 20;
  const LATENCY_MS = 25;
  const PAGE_SIZE = 999;
  const BULK_LIMIT = 1000;
  const users: DirectoryUser[] = Array.from({ length: USERS }, (_, i) => ({
    id: userId(i),
    displayName: `Technician ${i}`,
    givenName: `Tech${i}`,
    surname: "Bench",
    mail: `tech${i}@contoso.example`,
    userPrincipalName: `tech${i}@contoso.onmicrosoft.example`,
    accountEnabled: true,
  }));
  const groups: InMemoryGroup[] = Array.from({ length: GROUPS }, (_, g) => ({
    id: `group-${g}`,
    displayName: `Support ${g}`,
    memberIds: users.filter((_, i) => i % GROUPS === g).map((u) => u.id),
  }));
  const mappings: GroupMapping[] = groups.map((group, g) => ({
    id: `mapping-${g}`,
    entraGroupId: group.id,
    rescueGroupId: 2000 + g,
    priority: g,
    transitive: true,
  }));
  const directory = new InMemoryDirectorySource({
    users,
    groups,
    pageSize: PAGE_SIZE,
    latencyMs: LATENCY_MS,
    clock: systemClock,
  });
  const rescue = InMemoryRescueDirectory.withTechnicianGroups(
    mappings.map((m) => m.rescueGroupId),
    [],
    { latencyMs: LATENCY_MS, clock: systemClock, maxCreateBatch: BULK_LIMIT },
  );
  const recorder = new RecordingRunRecorder();
  const run = () =>
    runSync(
      { directory, rescue, recorder, clock: systemClock },
      { mappings, links: recorder.links(), defaultPassword: "Bench-Pa55word!" },
    );

  const minGraphCalls = groups.reduce((sum, g) => sum + Math.max(1, Math.ceil(g.memberIds.length / PAGE_SIZE)), 0);
  const minRescueCalls = 1 + Math.ceil(USERS / BULK_LIMIT);
  const pagesPerGroup = Math.max(...groups.map((g) => Math.max(1, Math.ceil(g.memberIds.length / PAGE_SIZE))));

  const first = await run();
  const writesAfterFirst = rescue.writeCount();
  const second = await run();
  return {
    shape: { users: USERS, groups: GROUPS, latencyMs: LATENCY_MS, pageSize: PAGE_SIZE, bulkCreateLimit: BULK_LIMIT },
    first: {
      status: first.report.status,
      created: first.report.counts.create.succeeded,
      graphCalls: first.report.calls.directory,
      rescueCalls: first.report.calls.rescue,
      wallMs: first.report.durationMs,
    },
    minimum: {
      graphCalls: minGraphCalls,
      rescueCalls: minRescueCalls,
      // every call one after another
      sequentialWallMs: (minGraphCalls + minRescueCalls) * LATENCY_MS,
      // groups read in parallel, the tree alongside, then the bulk creates one after another
      parallelReadsWallMs: (pagesPerGroup + Math.ceil(USERS / BULK_LIMIT)) * LATENCY_MS,
    },
    second: {
      status: second.report.status,
      plannedActions: second.plan.actions.length,
      writeCalls: rescue.writeCount() - writesAfterFirst,
      graphCalls: second.report.calls.directory,
      rescueCalls: second.report.calls.rescue,
      wallMs: second.report.durationMs,
    },
  };
}

async function main() {
  const planner = benchPlanner();
  const fullRun = await benchFullRun();
  const load = require("node:os").loadavg()[0] as number;
  const f = (n: number, digits = 0) => n.toFixed(digits);
  const ratio = (actual: number, minimum: number) => `${(actual / minimum).toFixed(2)}×`;
  const rows: [string, string, string, string][] = [
    ["benchmark", "measured", "target / minimum", "ratio"],
    ["planner: median plan time (9 runs)", `${f(planner.medianMs, 1)} ms`, "< 500 ms", ratio(planner.medianMs, 500)],
    ["planner: median CPU time of a plan", `${f(planner.medianCpuMs, 1)} ms`, "", ""],
    ["planner: min / max plan time", `${f(planner.minMs, 1)} / ${f(planner.maxMs, 1)} ms`, "", ""],
    ["planner: heap with input loaded (after gc)", `${f(planner.inputHeapMB)} MB`, "", ""],
    [
      "planner: peak heap (sampled after plan, before gc)",
      `${f(planner.peakHeapMB)} MB`,
      "< 400 MB",
      ratio(planner.peakHeapMB, 400),
    ],
    ["planner: process max RSS", `${f(planner.maxRssMB)} MB`, "", ""],
    [
      "first run: Graph calls",
      `${fullRun.first.graphCalls}`,
      `${fullRun.minimum.graphCalls}`,
      ratio(fullRun.first.graphCalls, fullRun.minimum.graphCalls),
    ],
    [
      "first run: Rescue calls",
      `${fullRun.first.rescueCalls}`,
      `${fullRun.minimum.rescueCalls}`,
      ratio(fullRun.first.rescueCalls, fullRun.minimum.rescueCalls),
    ],
    [
      "first run: wall time vs calls in sequence",
      `${fullRun.first.wallMs} ms`,
      `${fullRun.minimum.sequentialWallMs} ms`,
      ratio(fullRun.first.wallMs, fullRun.minimum.sequentialWallMs),
    ],
    [
      "first run: wall time vs parallel reads",
      `${fullRun.first.wallMs} ms`,
      `${fullRun.minimum.parallelReadsWallMs} ms`,
      ratio(fullRun.first.wallMs, fullRun.minimum.parallelReadsWallMs),
    ],
    ["first run: technicians created", `${fullRun.first.created}`, `${fullRun.shape.users}`, ""],
    [
      "second run: planned actions / write calls",
      `${fullRun.second.plannedActions} / ${fullRun.second.writeCalls}`,
      "0 / 0",
      "",
    ],
    [
      "second run: Graph / Rescue calls, wall time",
      `${fullRun.second.graphCalls} / ${fullRun.second.rescueCalls}, ${fullRun.second.wallMs} ms`,
      "",
      "",
    ],
  ];
  const widths = [0, 1, 2, 3].map((c) => Math.max(...rows.map((r) => r[c]!.length)));
  const line = (r: string[]) => `| ${r.map((cell, c) => cell.padEnd(widths[c]!)).join(" | ")} |`;
  console.log(line(rows[0]!));
  console.log(`|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`);
  for (const row of rows.slice(1)) console.log(line(row));
  console.log(`\nload average (1 min) at the end: ${load.toFixed(2)} on ${require("node:os").cpus().length} CPUs`);
  console.log(`planner input: ${JSON.stringify(planner.shape)}\nplan counts: ${JSON.stringify(planner.planCounts)}`);

  const dir = join(__dirname, "results");
  mkdirSync(dir, { recursive: true });
  const at = new Date().toISOString();
  const file = join(dir, `${at.replace(/[:.]/g, "-")}.json`);
  writeFileSync(
    file,
    `${JSON.stringify({ at, node: process.version, cpus: require("node:os").cpus().length, loadAverage1m: load, planner, fullRun }, null, 2)}\n`,
  );
  console.log(`\nwrote ${file}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
