// Worker benchmarks (they measure, they do not assert). Real worker processes (src/main.ts)
// against Postgres, Redis and the two emulators at 25 ms per call:
//   (a) many tenants × 50 users, 2 worker processes: time until every tenant's first (scheduled) run is done;
//   (b) one tenant, 100,000 users in 100 mapped groups: wall time, the worker's peak RSS, calls beside the minimum.
//   (c) one tenant in step with Entra, 100,000 users in 100 mapped groups: a full reconcile (every group read, the
//       whole tree read, nothing to write) in a fresh worker process, so its peak RSS is the reconcile's alone. The
//       tenant is brought in step first by a run of another worker, with createUsers on (else 200,000 calls).
//       Then (d): 10 users of that tenant change in Entra (added to a mapped group) and one incremental run, in
//       another fresh worker, reads what Graph's delta says changed: its calls, wall time and peak RSS.
//   (e) change → Rescue latency (bench/change-latency.ts): 200 membership changes over a minute in a 10,000-user
//       tenant, with notifications through the real API and with polling only; p50/p95 until Rescue is right.
// Usage: npm run bench -w @techsync/worker -- [--tenants 1000] [--large-users 100000]
//        [--only tenants|large|reconcile|latency]
//        [--latency-users 10000] [--latency-changes 200] [--latency-mode notifications|polling]: (e)'s tenant, its
//        changes, and one of its two halves (default both).
//        [--changed-users 10]: the users changed for (d).
//        [--from-build]: the worker measured in (c) runs dist/main.js as production does (build it first), not tsx.
//        [--max-old-space 320]: V8's heap cap for the worker of (b) (none by default, and never for (c)).
//        Environment: BENCH_WORKER_TRACE=<file> writes the measured worker's output with --trace-gc to <file>;
//        BENCH_NODE_FLAGS="<flags>" adds node flags to it (e.g. "--import <heap profiler preload>").
import type { ChildProcess } from "node:child_process";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { enqueueRun, incrementalPollSchedulerId, setIncrementalPolling, syncTenantSchedule } from "@techsync/jobs";
import { createRun } from "@techsync/runs";
import { createSyncWorld, createTestTenant, type SyncWorld, type TestTenant, waitForRun } from "../test/sync-world";
import { processMemoryMb, startWorkerProcess, type WorkerProcessOptions } from "../test/worker-process";
import { benchChangeLatency, type LatencyMode } from "./change-latency";

const LATENCY_MS = 25;
/** Graph pages group members by at most 999; Rescue creates at most 1,000 technicians per createUsers. */
const GRAPH_PAGE = 999;
const RESCUE_BULK = 1000;

function argument(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  const value = index === -1 ? undefined : Number(process.argv[index + 1]);
  return value !== undefined && Number.isFinite(value) ? value : fallback;
}
const only = process.argv.includes("--only") ? process.argv[process.argv.indexOf("--only") + 1] : undefined;

async function stopWorker(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  await exited;
}

function table(rows: [string, string | number][]): string {
  const width = Math.max(...rows.map(([label]) => label.length));
  return rows.map(([label, value]) => `  ${label.padEnd(width)}  ${value}`).join("\n");
}

async function benchManyTenants(tenantCount: number, usersPerTenant: number) {
  const world = await createSyncWorld("bench-tenants");
  const tenants: TestTenant[] = [];
  const workers: ChildProcess[] = [];
  try {
    world.graph.admin.setFaults({ latencyMs: LATENCY_MS });
    const setupStarted = Date.now();
    for (let i = 0; i < tenantCount; i += 25) {
      const batch = await Promise.all(
        Array.from({ length: Math.min(25, tenantCount - i) }, (_, j) =>
          createTestTenant(world, { users: usersPerTenant, seed: i + j + 1, rescueFaults: { latencyMs: LATENCY_MS } }),
        ),
      );
      tenants.push(...batch);
    }
    const setupMs = Date.now() - setupStarted;
    for (let i = 0; i < 2; i += 1) workers.push(await startWorkerProcess(world, { concurrency: 8 }));

    // Each tenant's scheduler, as the API creates it when the tenant is set up: its first run fires at once.
    const started = Date.now();
    await Promise.all(
      tenants.map((tenant) =>
        syncTenantSchedule(world.queue, { id: tenant.id, scheduleIntervalMinutes: 30, paused: false, activated: true }),
      ),
    );
    const final = ["succeeded", "partial", "failed", "blocked", "cancelled"] as const;
    let done = 0;
    while (done < tenantCount) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      done = await world.db.prisma.syncRun.count({ where: { status: { in: [...final] } } });
      if (Date.now() - started > 30 * 60_000) break;
    }
    const elapsedMs = Date.now() - started;
    const runs = await world.db.prisma.syncRun.findMany({
      select: { status: true, startedAt: true, finishedAt: true },
    });
    const durations = runs
      .filter((run) => run.startedAt && run.finishedAt)
      .map((run) => run.finishedAt!.getTime() - run.startedAt!.getTime())
      .sort((a, b) => a - b);
    const quantile = (q: number) => durations[Math.min(durations.length - 1, Math.floor(q * durations.length))] ?? 0;
    const technicians = tenants.reduce((sum, tenant) => sum + tenant.rescue.organisation.technicians().length, 0);
    const peaks = await Promise.all(workers.map(async (worker) => (await processMemoryMb(worker.pid ?? 0))?.peak));
    return {
      tenants: tenantCount,
      usersPerTenant,
      workerProcesses: 2,
      concurrencyPerProcess: 8,
      emulatorLatencyMs: LATENCY_MS,
      setupSeconds: Math.round(setupMs / 100) / 10,
      firstRunsDone: done,
      succeeded: runs.filter((run) => run.status === "succeeded").length,
      notSucceeded: runs.filter((run) => run.status !== "succeeded").length,
      secondsUntilAllFirstRunsDone: Math.round(elapsedMs / 100) / 10,
      runsPerMinute: Math.round((done / (elapsedMs / 60_000)) * 10) / 10,
      runDurationP50Ms: quantile(0.5),
      runDurationP95Ms: quantile(0.95),
      techniciansCreated: technicians,
      techniciansExpected: tenantCount * usersPerTenant,
      workerPeakRssMb: peaks,
    };
  } finally {
    await Promise.all(workers.map(stopWorker));
    await Promise.all(tenants.map((tenant) => tenant.rescue.close()));
    await world.close();
  }
}

/**
 * A run of the kind asked for, created now: a worker's hourly subscription sweep turns the polling fallback on for an
 * activated tenant (no PUBLIC_API_URL here), so a poll's run may be under way; it is waited out, not measured.
 */
async function createOwnRun(
  world: SyncWorld,
  tenantId: string,
  request: { trigger: "portal" | "notification"; mode: "full" | "incremental" },
): Promise<string> {
  for (;;) {
    const created = await createRun(world.db.prisma, { tenantId, dryRun: false, ...request });
    if (created.outcome === "refused") throw new Error(created.reason);
    if (created.outcome === "created") {
      await enqueueRun(world.queue, { tenantId, runId: created.run.id });
      return created.run.id;
    }
    await waitForRun(world, created.run.id, 40 * 60_000);
  }
}

/**
 * The started worker's subscription sweep turns polling on for the tenant (no PUBLIC_API_URL); a poll's run could
 * take (d)'s changes before the measured run. Once the sweep did so, polling is turned off again and any poll's run
 * is waited out.
 */
async function withoutPolling(world: SyncWorld, tenantId: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!(await world.queue.getJobScheduler(incrementalPollSchedulerId(tenantId))) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  await setIncrementalPolling(world.queue, tenantId, false);
  for (;;) {
    const busy = await world.db.prisma.syncRun.findFirst({
      where: { tenantId, status: { in: ["queued", "running"] } },
    });
    if (!busy) return;
    await waitForRun(world, busy.id, 40 * 60_000);
  }
}

async function timedRun(world: SyncWorld, tenantId: string) {
  const runId = await createOwnRun(world, tenantId, { trigger: "portal", mode: "full" });
  const started = Date.now();
  const run = await waitForRun(world, runId, 40 * 60_000);
  const report = run.report as { calls: { entra: number; rescue: number; rescueByMethod: Record<string, number> } };
  return {
    status: run.status,
    mode: `${run.mode} (${run.modeReason})`,
    wallSeconds: Math.round((Date.now() - started) / 100) / 10,
    calls: report.calls,
  };
}

/** The measured worker's extra node flags and output file (BENCH_WORKER_TRACE, BENCH_NODE_FLAGS), for a diagnosis. */
async function traceOptions(): Promise<Pick<WorkerProcessOptions, "nodeFlags" | "onOutput">> {
  const file = process.env.BENCH_WORKER_TRACE;
  const flags = process.env.BENCH_NODE_FLAGS?.split(" ").filter(Boolean) ?? [];
  const out = file ? (await import("node:fs")).createWriteStream(file) : undefined;
  return {
    nodeFlags: [...(out ? ["--trace-gc"] : []), ...flags],
    ...(out ? { onOutput: (chunk: string) => out.write(chunk) } : {}),
  };
}

/** (d): `changed` new users join the tenant's first mapped group; one incremental run in a fresh worker. */
async function timedIncrementalRun(world: SyncWorld, tenant: TestTenant, changed: number, fromBuild: boolean) {
  const worker = await startWorkerProcess(world, { concurrency: 1, fromBuild });
  try {
    await withoutPolling(world, tenant.id);
    const idle = await processMemoryMb(worker.pid ?? 0);
    const domain = tenant.directory.domain;
    for (let i = 0; i < changed; i += 1) {
      const user = tenant.directory.addUser({
        displayName: `Changed User ${i}`,
        givenName: "Changed",
        surname: `User ${i}`,
        mail: `changed.user.${i}@${domain}`,
        userPrincipalName: `changed.user.${i}@${domain}`,
      });
      tenant.directory.addMember(tenant.groupId, user.id);
    }
    const started = Date.now();
    const runId = await createOwnRun(world, tenant.id, { trigger: "notification", mode: "incremental" });
    const run = await waitForRun(world, runId, 10 * 60_000);
    const wallSeconds = Math.round((Date.now() - started) / 10) / 100;
    const report = run.report as { calls: { entra: number; rescue: number; rescueByMethod: Record<string, number> } };
    const writes = await world.db.prisma.syncAction.count({ where: { runId: run.id, status: "succeeded" } });
    return {
      changedUsers: changed,
      status: run.status,
      mode: run.mode,
      modeReason: run.modeReason,
      wallSeconds,
      calls: report.calls,
      actionsApplied: writes,
      workerIdleRssMb: idle?.rss,
      workerPeakRssMb: (await processMemoryMb(worker.pid ?? 0))?.peak,
    };
  } finally {
    await stopWorker(worker);
  }
}

async function benchFullReconcile(users: number, groups: number) {
  const world = await createSyncWorld("bench-reconcile");
  let worker: ChildProcess | undefined;
  let tenant: TestTenant | undefined;
  try {
    world.graph.admin.setFaults({ latencyMs: LATENCY_MS });
    tenant = await createTestTenant(world, {
      users,
      groups,
      rescueFaults: { latencyMs: LATENCY_MS },
      rescueBehaviour: { createUsers: "enabled" },
    });
    worker = await startWorkerProcess(world, { concurrency: 1 });
    const setup = await timedRun(world, tenant.id);
    const setupPeak = (await processMemoryMb(worker.pid ?? 0))?.peak;
    await stopWorker(worker);
    const fromBuild = process.argv.includes("--from-build");
    worker = await startWorkerProcess(world, { concurrency: 1, fromBuild, ...(await traceOptions()) });
    const idle = await processMemoryMb(worker.pid ?? 0);
    const reconcile = await timedRun(world, tenant.id);
    const peak = (await processMemoryMb(worker.pid ?? 0))?.peak;
    await stopWorker(worker);
    worker = undefined;
    const incremental = await timedIncrementalRun(world, tenant, argument("changed-users", 10), fromBuild);
    const minimumGraph = groups * Math.ceil(Math.ceil(users / groups) / GRAPH_PAGE);
    return {
      incremental,
      users,
      mappedGroups: groups,
      emulatorLatencyMs: LATENCY_MS,
      setup: { ...setup, workerPeakRssMb: setupPeak },
      reconcile: { ...reconcile, minimumCalls: { entra: minimumGraph, rescue: 1 } },
      techniciansInRescue: tenant.rescue.organisation.technicians().length,
      workerRunsFrom: fromBuild ? "dist (node dist/main.js, as in production)" : "source (tsx)",
      workerIdleRssMb: idle?.rss,
      workerPeakRssMb: peak,
    };
  } finally {
    if (worker) await stopWorker(worker);
    await tenant?.rescue.close();
    await world.close();
  }
}

async function benchLargeTenant(users: number, groups: number) {
  const world = await createSyncWorld("bench-large");
  let worker: ChildProcess | undefined;
  let tenant: TestTenant | undefined;
  try {
    world.graph.admin.setFaults({ latencyMs: LATENCY_MS });
    tenant = await createTestTenant(world, { users, groups, rescueFaults: { latencyMs: LATENCY_MS } });
    const maxOldSpaceMb = argument("max-old-space", 0);
    worker = await startWorkerProcess(world, {
      concurrency: 1,
      ...(maxOldSpaceMb ? { maxOldSpaceMb } : {}),
      ...(await traceOptions()),
    });
    // The worker runs from source through tsx (as in the tests): its idle size is tsx's and the transpiled
    // sources', so the idle RSS is reported beside the peak.
    const idle = await processMemoryMb(worker.pid ?? 0);
    const first = await timedRun(world, tenant.id);
    const firstPeak = (await processMemoryMb(worker.pid ?? 0))?.peak;
    const second = await timedRun(world, tenant.id);
    const peak = (await processMemoryMb(worker.pid ?? 0))?.peak;
    const perGroup = Math.ceil(users / groups);
    const minimumGraph = groups * Math.ceil(perGroup / GRAPH_PAGE);
    return {
      users,
      mappedGroups: groups,
      emulatorLatencyMs: LATENCY_MS,
      first: { ...first, minimumCalls: { entra: minimumGraph, rescue: 1 + Math.ceil(users / RESCUE_BULK) } },
      second: { ...second, minimumCalls: { entra: minimumGraph, rescue: 1 } },
      techniciansCreated: tenant.rescue.organisation.technicians().length,
      workerMaxOldSpaceMb: maxOldSpaceMb || "node default",
      workerIdleRssMb: idle?.rss,
      workerPeakRssMbAfterFirstRun: firstPeak,
      workerPeakRssMb: peak,
    };
  } finally {
    if (worker) await stopWorker(worker);
    await tenant?.rescue.close();
    await world.close();
  }
}

async function main() {
  const results: Record<string, unknown> = {
    startedAt: new Date().toISOString(),
    cpus: (await import("node:os")).cpus().length,
  };
  if (only === undefined || only === "tenants") {
    const tenants = await benchManyTenants(argument("tenants", 1000), argument("users-per-tenant", 50));
    results.manyTenants = tenants;
    console.log(
      `\n(a) ${tenants.tenants} tenants × ${tenants.usersPerTenant} users, 2 worker processes × 8, emulators at ${LATENCY_MS} ms/call`,
    );
    console.log(
      table([
        ["first runs done", `${tenants.firstRunsDone}/${tenants.tenants} (${tenants.succeeded} succeeded)`],
        ["time until all first runs done", `${tenants.secondsUntilAllFirstRunsDone} s`],
        ["runs per minute", tenants.runsPerMinute],
        ["run duration p50 / p95", `${tenants.runDurationP50Ms} / ${tenants.runDurationP95Ms} ms`],
        ["technicians created / expected", `${tenants.techniciansCreated} / ${tenants.techniciansExpected}`],
        ["worker peak RSS", `${tenants.workerPeakRssMb.join(" MB, ")} MB`],
        ["setup (tenants, emulators)", `${tenants.setupSeconds} s`],
      ]),
    );
  }
  if (only === undefined || only === "reconcile") {
    const users = argument("large-users", 100_000);
    const reconcile = await benchFullReconcile(users, argument("large-groups", 100));
    results.fullReconcile = reconcile;
    console.log(
      `\n(c) one tenant in step, ${reconcile.users} users in ${reconcile.mappedGroups} mapped groups, emulators at ${LATENCY_MS} ms/call`,
    );
    console.log(
      table([
        ["setup run (creates all, createUsers)", `${reconcile.setup.status}, ${reconcile.setup.wallSeconds} s`],
        ["  calls (Graph, Rescue)", `${reconcile.setup.calls.entra}, ${reconcile.setup.calls.rescue}`],
        ["  its worker's peak RSS", `${reconcile.setup.workerPeakRssMb} MB`],
        [
          "full reconcile (fresh worker)",
          `${reconcile.reconcile.status}, ${reconcile.reconcile.mode}, ${reconcile.reconcile.wallSeconds} s`,
        ],
        ["  Graph calls (minimum)", `${reconcile.reconcile.calls.entra} (${reconcile.reconcile.minimumCalls.entra})`],
        [
          "  Rescue calls (minimum)",
          `${reconcile.reconcile.calls.rescue} (${reconcile.reconcile.minimumCalls.rescue}) ${JSON.stringify(reconcile.reconcile.calls.rescueByMethod)}`,
        ],
        ["technicians in Rescue", reconcile.techniciansInRescue],
        ["measured worker runs from", reconcile.workerRunsFrom],
        [
          "worker peak RSS (target < 500 MB, no heap cap)",
          `${reconcile.workerPeakRssMb} MB (idle before the run: ${reconcile.workerIdleRssMb} MB)`,
        ],
      ]),
    );
    const incremental = reconcile.incremental;
    console.log(`\n(d) the same tenant, ${incremental.changedUsers} users changed in Entra, one incremental run`);
    console.log(
      table([
        ["run", `${incremental.status}, ${incremental.mode} (${incremental.modeReason})`],
        ["wall time (target < 2 s)", `${incremental.wallSeconds} s`],
        ["Graph calls (target ≤ 6)", incremental.calls.entra],
        ["Rescue calls", `${incremental.calls.rescue} ${JSON.stringify(incremental.calls.rescueByMethod)}`],
        ["actions applied (target: the changed users only)", incremental.actionsApplied],
        [
          "worker peak RSS (target < 200 MB)",
          `${incremental.workerPeakRssMb} MB (idle before the run: ${incremental.workerIdleRssMb} MB)`,
        ],
      ]),
    );
  }
  if (only === undefined || only === "large") {
    const large = await benchLargeTenant(argument("large-users", 100_000), argument("large-groups", 100));
    results.largeTenant = large;
    console.log(
      `\n(b) one tenant, ${large.users} users in ${large.mappedGroups} mapped groups, emulators at ${LATENCY_MS} ms/call`,
    );
    console.log(
      table([
        ["first run (creates all)", `${large.first.status}, ${large.first.wallSeconds} s`],
        ["  Graph calls (minimum)", `${large.first.calls.entra} (${large.first.minimumCalls.entra})`],
        [
          "  Rescue calls (minimum)",
          `${large.first.calls.rescue} (${large.first.minimumCalls.rescue}) ${JSON.stringify(large.first.calls.rescueByMethod)}`,
        ],
        ["second run (nothing to do)", `${large.second.status}, ${large.second.wallSeconds} s`],
        ["  Graph calls (minimum)", `${large.second.calls.entra} (${large.second.minimumCalls.entra})`],
        ["  Rescue calls (minimum)", `${large.second.calls.rescue} (${large.second.minimumCalls.rescue})`],
        ["technicians created", large.techniciansCreated],
        [
          "worker peak RSS (target < 500 MB)",
          `${large.workerPeakRssMb} MB (idle before the run: ${large.workerIdleRssMb} MB)`,
        ],
        ["worker --max-old-space-size", large.workerMaxOldSpaceMb],
      ]),
    );
  }
  if (only === undefined || only === "latency") {
    const which = process.argv.includes("--latency-mode")
      ? [process.argv[process.argv.indexOf("--latency-mode") + 1] as LatencyMode]
      : (["notifications", "polling"] as const);
    const latency: Record<string, Awaited<ReturnType<typeof benchChangeLatency>>> = {};
    for (const mode of which) {
      const result = await benchChangeLatency({
        mode,
        users: argument("latency-users", 10_000),
        groups: argument("latency-groups", 10),
        changes: argument("latency-changes", 200),
        spreadMs: argument("latency-spread-seconds", 60) * 1000,
        latencyMs: LATENCY_MS,
        probeMs: 250,
        workerConcurrency: 4,
      });
      latency[mode] = result;
      console.log(
        `\n(e) change → Rescue latency, ${mode}: ${result.changes} changes (${JSON.stringify(result.changeKinds)}) over ${result.spreadSeconds} s, ${result.users} users in ${result.mappedGroups} mapped groups, emulators at ${LATENCY_MS} ms/call`,
      );
      console.log(
        table([
          ...(result.pollIntervalSeconds
            ? ([["poll interval (production's)", `${result.pollIntervalSeconds} s`]] as [string, string][])
            : []),
          [
            "right in Rescue",
            `${result.right}/${result.changes}${result.neverRight ? ` (never right: ${JSON.stringify(result.neverRightByKind)})` : ""}`,
          ],
          [
            `p50 / p95 / max (goal p95 < ${result.goalP95Seconds} s)`,
            `${result.p50Seconds} / ${result.p95Seconds} / ${result.maxSeconds} s`,
          ],
          ["runs (mode/trigger/status)", `${result.runs.count} ${JSON.stringify(result.runs.byModeAndTrigger)}`],
          ["run duration p50 / max", `${result.runs.durationP50Ms} / ${result.runs.durationMaxMs} ms`],
          ...(result.notifications
            ? ([
                ["notification POSTs (delivered)", `${result.notifications.posts} (${result.notifications.delivered})`],
              ] as [string, string][])
            : []),
          ["state read every", `${result.probeIntervalMs} ms (${result.probes} reads of /_emulator/rescue/state)`],
          ["worker (tsx, concurrency 4) peak RSS", `${result.workerPeakRssMb} MB`],
        ]),
      );
    }
    results.changeLatency = latency;
  }
  const dir = path.resolve(__dirname, "results");
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, `${new Date().toISOString().replace(/[:.]/g, "-")}.json`);
  await writeFile(file, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`\nresults written to ${path.relative(process.cwd(), file)}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
