// What every scenario asserts at its end, and the bounded waits that get there: no run left queued or running,
// one technician per in-scope user, a link per technician, a following run with nothing to do, and the time the
// tenant took to sync again once the cause ended.
import { appendFileSync } from "node:fs";
import type { Prisma } from "@techsync/db";
import type { ApiProcess, ApiReply } from "./api-process";
import { chaosSettings } from "./chaos-settings";
import type { ChaosStack, ChaosTenant } from "./chaos-stack";

/** Statuses in which a run still holds its tenant: nothing may stay in them once the cause is gone. */
export const ACTIVE_STATUSES = ["queued", "running"] as const;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Polls until `probe` answers something other than undefined, or fails after `timeoutMs` with what it was
 * waiting for and what it saw last: a scenario fails fast with a reason, it never hangs.
 */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  options: { timeoutMs: number; intervalMs?: number; lastSeen?: () => string },
): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) {
      const seen = options.lastSeen ? `; last seen: ${options.lastSeen()}` : "";
      const error = lastError instanceof Error ? `; last error: ${lastError.message}` : "";
      throw new Error(`${what}: not within ${(options.timeoutMs / 1000).toFixed(1)} s${seen}${error}`);
    }
    await sleep(options.intervalMs ?? 100);
  }
}

export interface ActiveRun {
  id: string;
  status: string;
  phase: string | null;
  trigger: string;
}

export function activeRuns(stack: ChaosStack, tenantId: string): Promise<ActiveRun[]> {
  return stack.world.db.prisma.syncRun.findMany({
    where: { tenantId, status: { in: [...ACTIVE_STATUSES] } },
    select: { id: true, status: true, phase: true, trigger: true },
  });
}

export function runOf(stack: ChaosStack, runId: string): Promise<Prisma.SyncRunModel> {
  return stack.world.db.prisma.syncRun.findUniqueOrThrow({ where: { id: runId } });
}

export function describeRun(run: { id: string; status: string; phase: string | null; error?: string | null }): string {
  return `run ${run.id} ${run.status} (phase ${run.phase ?? "none"})${run.error ? `: ${run.error}` : ""}`;
}

/** A run that is no longer queued or running, within the bound. */
export async function waitForRunToSettle(stack: ChaosStack, runId: string, timeoutMs = chaosSettings.boundMs) {
  let last = "";
  return waitFor(
    `run ${runId} to leave queued/running`,
    async () => {
      const run = await runOf(stack, runId);
      last = describeRun(run);
      return (ACTIVE_STATUSES as readonly string[]).includes(run.status) ? undefined : run;
    },
    { timeoutMs, lastSeen: () => last },
  );
}

interface StartRunBody {
  run: { id: string; status: string };
  deduplicated: boolean;
}

/**
 * A run the cause cut short has ended: it is no longer queued or running, and unless it succeeded (resumed to the
 * end) it says why, in its error or in a warning or error line of its log.
 */
export async function expectEndedWithReason(stack: ChaosStack, runId: string): Promise<void> {
  const run = await runOf(stack, runId);
  const reasons =
    run.status === "succeeded"
      ? 1
      : (run.error ? 1 : 0) +
        (await stack.world.db.prisma.logEntry.count({ where: { runId, level: { in: ["warn", "error"] } } }));
  expect({ status: run.status, saysWhy: reasons > 0 }).toEqual({
    status: expect.not.stringMatching(/^(queued|running)$/),
    saysWhy: true,
  });
}

/** "Sync now" as the portal sends it for the tenant's owner. */
export async function syncNow(api: ApiProcess, tenant: ChaosTenant): Promise<ApiReply> {
  return api.request("POST", `/v1/tenants/${tenant.id}/runs`, { userId: tenant.ownerId, body: { dryRun: false } });
}

function startedRun(reply: ApiReply): StartRunBody | undefined {
  if (reply.status !== 202) return undefined;
  const body = reply.body as Partial<StartRunBody>;
  return body.run && typeof body.deduplicated === "boolean" ? (body as StartRunBody) : undefined;
}

export interface SyncedAgain {
  runId: string;
  /** When that run was seen succeeded. */
  at: number;
  /** Every "Sync now" answer on the way, for the failure message and the report. */
  attempts: string[];
}

/**
 * The tenant syncs again: the owner presses "Sync now" (again, whenever the answer is not a run that succeeds), until
 * a run succeeds. A run handed back with `deduplicated: true` is waited for like any other; one that never leaves
 * queued/running is what the scenarios guard against, so it fails the wait at the deadline.
 */
export async function syncAgain(
  stack: ChaosStack,
  api: ApiProcess,
  tenant: ChaosTenant,
  deadline: number,
): Promise<SyncedAgain> {
  const attempts: string[] = [];
  for (;;) {
    const left = deadline - Date.now();
    if (left <= 0) {
      const stuck = (await activeRuns(stack, tenant.id)).map((run) => describeRun(run)).join(", ") || "none";
      throw new Error(
        `the tenant did not sync again within the bound; Sync now answered: ${attempts.join(" | ") || "nothing"}; runs still active: ${stuck}`,
      );
    }
    let reply: ApiReply | undefined;
    try {
      reply = await syncNow(api, tenant);
    } catch (error) {
      attempts.push(`no answer (${error instanceof Error ? error.message : String(error)})`);
    }
    const started = reply ? startedRun(reply) : undefined;
    if (reply && !started) attempts.push(`${reply.status} ${JSON.stringify(reply.body).slice(0, 200)}`);
    if (started) {
      attempts.push(`202 run ${started.run.id}${started.deduplicated ? " (deduplicated)" : ""}`);
      try {
        const run = await waitForRunToSettle(stack, started.run.id, Math.max(1, deadline - Date.now()));
        if (run.status === "succeeded") return { runId: run.id, at: Date.now(), attempts };
        attempts.push(`→ ${describeRun(run)}`);
      } catch (error) {
        attempts.push(`→ ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    await sleep(500);
  }
}

/** Users the tenant's mapping puts in scope: enabled members (guests are out of scope by default). */
export function inScopeEmails(tenant: ChaosTenant): string[] {
  const emails: string[] = [];
  for (const id of tenant.directory.transitiveMembers(tenant.groupId).users) {
    const user = tenant.directory.liveUser(id);
    if (!user?.accountEnabled || user.userType !== "Member") continue;
    emails.push((user.mail ?? user.userPrincipalName).toLowerCase());
  }
  return emails;
}

/** What Rescue and the links table hold for the tenant, summed up for the assertions. */
export async function technicianState(stack: ChaosStack, tenant: ChaosTenant) {
  const technicians = tenant.rescue.organisation.technicians();
  const byEmail = new Map<string, number>();
  for (const technician of technicians) {
    const email = technician.email.toLowerCase();
    byEmail.set(email, (byEmail.get(email) ?? 0) + 1);
  }
  const scope = inScopeEmails(tenant);
  return {
    technicians: technicians.length,
    links: await stack.world.db.prisma.link.count({ where: { tenantId: tenant.id } }),
    /** In-scope users with no technician, or more than one. */
    missing: scope.filter((email) => (byEmail.get(email) ?? 0) === 0),
    duplicated: [...byEmail].filter(([email, count]) => email !== "" && count > 1).map(([email]) => email),
    /** Technicians a create left without an email (a blank createUser never completed). */
    blank: byEmail.get("") ?? 0,
    inScope: scope.length,
  };
}

/** Every in-scope user has exactly one technician (rule 12), and a link per technician. */
export async function expectOneTechnicianPerUser(stack: ChaosStack, tenant: ChaosTenant): Promise<void> {
  const state = await technicianState(stack, tenant);
  expect({
    missing: state.missing.slice(0, 5),
    missingCount: state.missing.length,
    duplicated: state.duplicated.slice(0, 5),
    blank: state.blank,
  }).toEqual({ missing: [], missingCount: 0, duplicated: [], blank: 0 });
  expect(state.links).toBe(state.technicians);
}

/**
 * The end state of every scenario: no run of the tenant queued or running, one technician per in-scope user, a link
 * per technician, and a following "Sync now" that is a new run, succeeds and has nothing to do.
 */
export async function expectSettledAndConverged(stack: ChaosStack, api: ApiProcess, tenant: ChaosTenant) {
  // Settled: every run of the tenant ends within the bound (rule 17). A run nobody in the scenario asked for may
  // start at any moment — the polling fallback's job fires as soon as its scheduler is re-derived after Redis lost
  // it — so this waits for the tenant's runs to end rather than expecting none at this instant.
  let seen: string[] = [];
  await waitFor(
    "every run of the tenant ends",
    async () => {
      seen = (await activeRuns(stack, tenant.id)).map((run) => describeRun(run));
      return seen.length === 0 ? true : undefined;
    },
    { timeoutMs: chaosSettings.boundMs, lastSeen: () => seen.join(", ") },
  );
  await expectOneTechnicianPerUser(stack, tenant);
  const reply = await syncNow(api, tenant);
  expect({ status: reply.status, deduplicated: (reply.body as Partial<StartRunBody>).deduplicated }).toEqual({
    status: 202,
    deduplicated: false,
  });
  const following = await waitForRunToSettle(stack, (reply.body as StartRunBody).run.id);
  expect({ run: following.id, status: following.status, error: following.error }).toEqual({
    run: following.id,
    status: "succeeded",
    error: null,
  });
  const actions = await stack.world.db.prisma.syncAction.groupBy({
    by: ["kind"],
    where: { runId: following.id },
    _count: { _all: true },
  });
  expect(actions.map((group) => `${group.kind}: ${group._count._all}`)).toEqual([]);
}

/** Samples a run's status until stopped: a run must never be seen `failed` on its way to `succeeded`. */
export function watchRunStatus(stack: ChaosStack, runId: string) {
  const seen: string[] = [];
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      const run = await stack.world.db.prisma.syncRun.findUnique({ where: { id: runId }, select: { status: true } });
      if (run && seen[seen.length - 1] !== run.status) seen.push(run.status);
      await sleep(25);
    }
  })();
  return {
    seen: () => [...seen],
    async stop() {
      stopped = true;
      await loop;
      return [...seen];
    },
  };
}

/**
 * Prints the scenario's one summary line (`chaos: scenario 1 recovered in 7.4 s`, or `did not recover within`) and
 * appends it as JSON to CHAOS_REPORT_FILE, then returns or rethrows what `recovery` did.
 */
export async function measureRecovery<T>(
  scenario: number | `${number} (${string})`,
  causeEndedAt: number,
  recovery: () => Promise<T & { at: number }>,
): Promise<T & { at: number }> {
  try {
    const result = await recovery();
    report(scenario, { recovered: true, seconds: (result.at - causeEndedAt) / 1000 });
    return result;
  } catch (error) {
    report(scenario, {
      recovered: false,
      seconds: (Date.now() - causeEndedAt) / 1000,
      reason: error instanceof Error ? error.message : String(error),
    });
    throw error;
  }
}

function report(scenario: number | string, result: { recovered: boolean; seconds: number; reason?: string }): void {
  const line = result.recovered
    ? `chaos: scenario ${scenario} recovered in ${result.seconds.toFixed(1)} s`
    : `chaos: scenario ${scenario} did not recover within ${result.seconds.toFixed(1)} s`;
  process.stdout.write(`${line}\n`);
  if (chaosSettings.reportFile) {
    appendFileSync(
      chaosSettings.reportFile,
      `${JSON.stringify({ scenario, users: chaosSettings.users, outageMs: chaosSettings.outageMs, ...result })}\n`,
    );
  }
}
