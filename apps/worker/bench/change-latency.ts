// (e) Change → Rescue latency: membership changes made in the Graph emulator's directory (its admin interface), spread
// over a minute in a tenant in step with Entra, and for each the time until the technician's state in the Rescue
// emulator is right, read from the emulator's admin endpoint (/_emulator/rescue/state) as an outsider would.
// Two ways the change reaches the worker:
//   notifications: the Graph emulator posts to the real API's /v1/graph/notifications (started as a process with
//     PUBLIC_API_URL), the API enqueues the tenant's debounced job, the worker (a process) creates and runs it;
//   polling: no PUBLIC_API_URL, the worker's polling fallback (every INCREMENTAL_POLL_MINUTES, as in production).
// The changes are joins (a new user added to a mapped group: a technician is created in its Rescue group, rule 2),
// renames (the user's display name changes: the technician's name follows, rule 4) and leaves (out of every mapped
// group: the technician is disabled, rule 6). Moves between mapped groups are no change in Rescue (rules 7 and 8).
import type { ChildProcess } from "node:child_process";
import { INCREMENTAL_POLL_MINUTES, incrementalPollSchedulerId, requestGraphSubscriptions } from "@techsync/jobs";
import { type ApiProcess, startApiProcess } from "../test/api-process";
import { createSyncWorld, createTestTenant, requestRun, type TestTenant, waitForRun } from "../test/sync-world";
import { processMemoryMb, startWorkerProcess } from "../test/worker-process";

export type LatencyMode = "notifications" | "polling";

export interface LatencyOptions {
  mode: LatencyMode;
  users: number;
  groups: number;
  changes: number;
  spreadMs: number;
  latencyMs: number;
  /** How often the Rescue emulator's state is read (the measurement's resolution). */
  probeMs: number;
  workerConcurrency: number;
}

type Expected = { kind: "join"; rescueGroupId: number } | { kind: "rename"; name: string } | { kind: "leave" };

interface Change {
  email: string;
  expected: Expected;
  apply(): void;
  changedAt?: number;
  rightAt?: number;
}

interface TechnicianState {
  email: string;
  name: string;
  parentId: number | null;
  enabled: boolean;
}

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  await exited;
}

/** The emulator's technicians by email, read over HTTP from its admin interface. */
async function readTechnicians(tenant: TestTenant): Promise<Map<string, TechnicianState>> {
  const response = await fetch(`${tenant.rescue.url}/_emulator/rescue/state`);
  if (!response.ok) throw new Error(`the Rescue emulator's state: ${response.status}`);
  const state = (await response.json()) as { nodes: (TechnicianState & { type: string })[] };
  const technicians = new Map<string, TechnicianState>();
  for (const node of state.nodes) {
    if (node.type === "Technician") technicians.set(node.email.toLowerCase(), node);
  }
  return technicians;
}

function isRight(change: Change, technician: TechnicianState | undefined): boolean {
  if (!technician) return false;
  if (change.expected.kind === "leave") return !technician.enabled;
  if (change.expected.kind === "rename") return technician.enabled && technician.name === change.expected.name;
  return technician.enabled && technician.parentId === change.expected.rescueGroupId;
}

const emailOf = (user: { mail?: string | null; userPrincipalName?: string | null }) =>
  String(user.mail ?? user.userPrincipalName ?? "").toLowerCase();

/** The changes to make: joins, renames and leaves in the ratio 2:1:1, each user changed once. */
function planChanges(
  tenant: TestTenant,
  rescueGroupOf: Map<string, number>,
  count: number,
  linked: Map<string, TechnicianState>,
): Change[] {
  const directory = tenant.directory;
  const mapped = [...rescueGroupOf.keys()];
  // Users in exactly one mapped group, already a technician: candidates for a rename or a leave.
  const settled = tenant.userIds.filter((id) => {
    const user = directory.liveUser(id);
    const groups = directory.memberOf(id, true).filter((group) => rescueGroupOf.has(group));
    return user && groups.length === 1 && linked.get(emailOf(user))?.enabled;
  });
  const changes: Change[] = [];
  for (let i = 0; i < count; i += 1) {
    const kind = i % 4 === 1 ? "rename" : i % 4 === 3 ? "leave" : "join";
    const target = mapped[i % mapped.length] as string;
    if (kind === "join") {
      const email = `latency.join.${i}@${directory.domain}`;
      const user = directory.addUser({
        displayName: `Latency Join ${i}`,
        givenName: "Latency",
        surname: `Join ${i}`,
        mail: email,
        userPrincipalName: email,
      });
      changes.push({
        email,
        expected: { kind, rescueGroupId: rescueGroupOf.get(target) as number },
        apply: () => directory.addMember(target, user.id),
      });
      continue;
    }
    const userId = settled.pop();
    if (!userId) throw new Error("not enough settled users for the changes");
    const user = directory.liveUser(userId);
    if (!user) throw new Error("a settled user vanished");
    const from = directory.memberOf(userId, true).find((group) => rescueGroupOf.has(group)) as string;
    if (kind === "leave") {
      changes.push({ email: emailOf(user), expected: { kind }, apply: () => directory.removeMember(from, userId) });
      continue;
    }
    const name = `Renamed User ${i}`;
    changes.push({
      email: emailOf(user),
      expected: { kind, name },
      apply: () => directory.updateUser(userId, { displayName: name }),
    });
  }
  return changes;
}

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? Number.NaN;
}

/** Waits until the tenant has no queued or running run (a run the setup caused is over). */
async function quiet(world: Awaited<ReturnType<typeof createSyncWorld>>, tenantId: string, forMs: number) {
  let quietSince = Date.now();
  const deadline = Date.now() + 10 * 60_000;
  while (Date.now() - quietSince < forMs) {
    const busy = await world.db.prisma.syncRun.count({ where: { tenantId, status: { in: ["queued", "running"] } } });
    if (busy > 0) quietSince = Date.now();
    if (Date.now() > deadline) throw new Error("the tenant's runs did not settle");
    await wait(200);
  }
}

export async function benchChangeLatency(options: LatencyOptions) {
  const world = await createSyncWorld(`bench-latency-${options.mode}`);
  let api: ApiProcess | undefined;
  let worker: ChildProcess | undefined;
  let tenant: TestTenant | undefined;
  try {
    world.graph.admin.setFaults({ latencyMs: options.latencyMs });
    tenant = await createTestTenant(world, {
      users: options.users,
      groups: options.groups,
      rescueFaults: { latencyMs: options.latencyMs },
      rescueBehaviour: { createUsers: "enabled" },
    });
    const mappings = await world.db.prisma.groupMapping.findMany({ where: { tenantId: tenant.id } });
    const rescueGroupOf = new Map(mappings.map((mapping) => [mapping.entraGroupId, mapping.rescueGroupId]));
    if (options.mode === "notifications") api = await startApiProcess(world);
    worker = await startWorkerProcess(world, {
      concurrency: options.workerConcurrency,
      env: api ? { PUBLIC_API_URL: api.url } : {},
    });
    // In step first: a full run creates every technician and takes the delta links.
    const first = await waitForRun(world, await requestRun(world, tenant.id), 10 * 60_000);
    if (first.status !== "succeeded") throw new Error(`the first run ended ${first.status}`);
    // As when syncing starts: the worker subscribes (Graph validates the API's endpoint) or turns polling on.
    await requestGraphSubscriptions(world.queue, { tenantId: tenant.id, action: "ensure" });
    const tenantId = tenant.id;
    const upkeepDone = async () =>
      options.mode === "notifications"
        ? (await world.db.prisma.graphSubscription.count({ where: { tenantId } })) === 2
        : (await world.queue.getJobScheduler(incrementalPollSchedulerId(tenantId))) !== undefined;
    for (let i = 0; !(await upkeepDone()); i += 1) {
      if (i > 300) throw new Error(`no ${options.mode} for the tenant after 60 s`);
      await wait(200);
    }
    // The poll's first firing (or nothing) is over before the clock starts.
    await quiet(world, tenantId, 3000);

    const before = await readTechnicians(tenant);
    const changes = planChanges(tenant, rescueGroupOf, options.changes, before);
    const measureStart = new Date();
    const gap = options.spreadMs / options.changes;
    const started = Date.now();
    const applying = (async () => {
      for (const [index, change] of changes.entries()) {
        const due = started + index * gap;
        if (due > Date.now()) await wait(due - Date.now());
        change.apply();
        change.changedAt = Date.now();
      }
    })();
    const patience = options.mode === "notifications" ? 60_000 : INCREMENTAL_POLL_MINUTES * 60_000 + 60_000;
    let probes = 0;
    for (;;) {
      const technicians = await readTechnicians(tenant);
      const observedAt = Date.now();
      probes += 1;
      for (const change of changes) {
        if (change.changedAt === undefined || change.rightAt !== undefined) continue;
        if (isRight(change, technicians.get(change.email))) change.rightAt = observedAt;
      }
      const allApplied = changes.every((change) => change.changedAt !== undefined);
      if (allApplied && changes.every((change) => change.rightAt !== undefined)) break;
      if (allApplied && Date.now() - started > options.spreadMs + patience) break;
      await wait(options.probeMs);
    }
    await applying;
    // The run under way when the last change was right ends before the runs are counted.
    await quiet(world, tenantId, 1000);
    const latencies = changes
      .filter((change) => change.rightAt !== undefined)
      .map((change) => (change.rightAt as number) - (change.changedAt as number))
      .sort((a, b) => a - b);
    const runs = await world.db.prisma.syncRun.findMany({
      where: { tenantId, queuedAt: { gte: measureStart } },
      select: { mode: true, trigger: true, status: true, startedAt: true, finishedAt: true },
    });
    const durations = runs
      .filter((run) => run.startedAt && run.finishedAt)
      .map((run) => (run.finishedAt as Date).getTime() - (run.startedAt as Date).getTime())
      .sort((a, b) => a - b);
    const seconds = (ms: number) => Math.round(ms / 10) / 100;
    const delivery = world.graph.admin.subscriptions.stats;
    return {
      mode: options.mode,
      users: options.users,
      mappedGroups: options.groups,
      changes: options.changes,
      changeKinds: {
        join: changes.filter((c) => c.expected.kind === "join").length,
        rename: changes.filter((c) => c.expected.kind === "rename").length,
        leave: changes.filter((c) => c.expected.kind === "leave").length,
      },
      spreadSeconds: options.spreadMs / 1000,
      emulatorLatencyMs: options.latencyMs,
      pollIntervalSeconds: options.mode === "polling" ? INCREMENTAL_POLL_MINUTES * 60 : null,
      probeIntervalMs: options.probeMs,
      probes,
      workerConcurrency: options.workerConcurrency,
      right: latencies.length,
      neverRight: changes.length - latencies.length,
      neverRightByKind: changes
        .filter((change) => change.rightAt === undefined)
        .reduce<Record<string, number>>((counts, change) => {
          counts[change.expected.kind] = (counts[change.expected.kind] ?? 0) + 1;
          return counts;
        }, {}),
      p50Seconds: seconds(quantile(latencies, 0.5)),
      p95Seconds: seconds(quantile(latencies, 0.95)),
      maxSeconds: seconds(latencies.at(-1) ?? Number.NaN),
      goalP95Seconds: options.mode === "notifications" ? 5 : INCREMENTAL_POLL_MINUTES * 60 + 5,
      runs: {
        count: runs.length,
        byModeAndTrigger: runs.reduce<Record<string, number>>((counts, run) => {
          const key = `${run.mode}/${run.trigger}/${run.status}`;
          counts[key] = (counts[key] ?? 0) + 1;
          return counts;
        }, {}),
        durationP50Ms: quantile(durations, 0.5),
        durationMaxMs: durations.at(-1) ?? null,
      },
      notifications: options.mode === "notifications" ? { ...delivery } : null,
      workerPeakRssMb: (await processMemoryMb(worker.pid ?? 0))?.peak,
    };
  } finally {
    if (worker) await stopProcess(worker);
    await api?.stop();
    await tenant?.rescue.close();
    await world.close();
  }
}
