// One run of one tenant: claim the SyncRun row, load and decrypt the tenant, build the
// adapters, then runSync with a database-backed recorder, and finish as succeeded / partial / failed / blocked.
import type { RunCounts, RunReport as StoredRunReport } from "@techsync/api-contract";
import { DestinationError } from "@techsync/config/destinations";
import { loadTenantSyncConfig, type PrismaClient, type SecretBox, TenantNotConnectedError } from "@techsync/db";
import { EntraError } from "@techsync/entra";
import type { TenantScheduleSettings } from "@techsync/jobs";
import { type RescueClient, RescueError } from "@techsync/rescue";
import { DatabaseRunRecorder, writeWithRunEvent } from "@techsync/runs";
import {
  type AttributeMapping,
  type Clock,
  DEFAULT_RETRY_POLICY,
  executePlan,
  type FilterAttribute,
  type FilterOperator,
  type GroupMapping,
  type HeldAction,
  type Link,
  type Plan,
  planRun,
  type RetryPolicy,
  type RunReport,
  readDirectory,
  runSync,
  SYNC_ACTION_KINDS,
  type SyncActionKind,
  SyncPortError,
  type TenantSyncSettings,
} from "@techsync/sync-core";
import type { Logger } from "pino";
import { rememberBulkCreate } from "./remember-bulk-create";
import { type AdapterSystem, buildTenantAdapters, type TenantAdapterOptions } from "./tenant-adapters";
import { recordTenantRunFailure, recordTenantRunSuccess } from "./tenant-health";
import type { WorkerMetrics } from "./worker-metrics";

export interface TenantRunDeps {
  prisma: PrismaClient;
  secretBox: SecretBox;
  log: Logger;
  metrics: WorkerMetrics;
  adapters: Omit<TenantAdapterOptions, "onBackoff">;
  /** After the tenant's health changed (quarantine entered, stepped or lifted): re-sync its job scheduler. */
  rescheduleTenant: (tenant: TenantScheduleSettings) => Promise<void>;
  /** sync-core's retry policy for port calls (tests shorten it). */
  retry?: Partial<RetryPolicy>;
  /** Rescue updates and status changes in flight per run. */
  concurrency?: number;
}

export interface TenantRunRequest {
  tenantId: string;
  runId: string;
  /** Aborted on SIGTERM: the run stops at the next batch boundary. */
  signal?: AbortSignal;
}

export type TenantRunResult =
  | { kind: "finished"; status: "succeeded" | "partial" | "blocked" | "cancelled" }
  | { kind: "skipped"; reason: string }
  /** Stopped by shutdown; the run is queued again where it stands, for another worker to resume. */
  | { kind: "interrupted" }
  | { kind: "failed"; message: string; needsAttention: boolean };

/** What a person must fix before runs can work again (not a transient failure). */
class RunSetupError extends Error {
  constructor(
    message: string,
    readonly hint: string,
  ) {
    super(message);
    this.name = "RunSetupError";
  }
}

const FINAL_STATUSES = new Set(["succeeded", "partial", "failed", "cancelled"]);
/** Failure lists kept in the run report (the actions table holds them all). */
const REPORT_LIST_LIMIT = 200;
/** Back-offs logged one by one per system; beyond that only the totals at the end. */
const BACKOFF_LOG_LIMIT = 25;

const ADAPTER_LABEL: Record<AdapterSystem | "engine", string> = {
  entra: "Microsoft Graph",
  rescue: "LogMeIn Rescue",
  engine: "A sync",
};

function mappingOf(row: {
  id: string;
  entraGroupId: string;
  entraGroupName: string;
  rescueGroupId: number;
  priority: number;
  transitive: boolean;
  filterAttribute: string | null;
  filterOperator: string | null;
  filterValue: string | null;
}): GroupMapping {
  return {
    id: row.id,
    entraGroupId: row.entraGroupId,
    entraGroupName: row.entraGroupName,
    rescueGroupId: row.rescueGroupId,
    priority: row.priority,
    transitive: row.transitive,
    filter:
      row.filterAttribute && row.filterOperator && row.filterValue !== null
        ? {
            attribute: row.filterAttribute as FilterAttribute,
            operator: row.filterOperator as FilterOperator,
            value: row.filterValue,
          }
        : null,
  };
}

/** Stored links; empty key data means "not known" (an adoption whose nick and SSO id Rescue did not show). */
function linkOf(row: {
  entraUserId: string;
  rescueNodeId: number;
  name: string;
  nick: string;
  email: string;
  ssoId: string;
}): Link {
  const known = row.name !== "" || row.nick !== "" || row.email !== "" || row.ssoId !== "";
  return {
    entraUserId: row.entraUserId,
    rescueNodeId: row.rescueNodeId,
    ...(known ? { fields: { name: row.name, nick: row.nick, email: row.email, ssoId: row.ssoId } } : {}),
  };
}

function describeFailure(error: unknown): { message: string; needsAttention: boolean; system?: AdapterSystem } {
  const unwrapped = error instanceof Error && error.name === "RetryFailure" && error.cause ? error.cause : error;
  if (unwrapped instanceof SyncPortError) {
    const message = [unwrapped.message, unwrapped.hint].filter(Boolean).join(" ");
    // Retryable errors that outlasted their retries are an outage, not something a person must fix.
    return {
      message,
      needsAttention: !unwrapped.retryable && !unwrapped.sessionExpired,
      ...(unwrapped instanceof RescueError ? { system: "rescue" as const } : {}),
      ...(unwrapped instanceof EntraError ? { system: "entra" as const } : {}),
    };
  }
  if (unwrapped instanceof RunSetupError)
    return { message: `${unwrapped.message} ${unwrapped.hint}`, needsAttention: true };
  if (unwrapped instanceof TenantNotConnectedError) {
    return { message: `${unwrapped.message} Complete the tenant's connections in the portal.`, needsAttention: true };
  }
  if (unwrapped instanceof DestinationError) {
    return {
      message: `The connection's ${unwrapped.field} cannot be used: ${unwrapped.message} Choose another in the portal.`,
      needsAttention: true,
    };
  }
  return { message: unwrapped instanceof Error ? unwrapped.message : String(unwrapped), needsAttention: false };
}

function countByKind(actions: Plan["actions"]): Record<SyncActionKind, number> {
  const counts = Object.fromEntries(SYNC_ACTION_KINDS.map((kind) => [kind, 0])) as Record<SyncActionKind, number>;
  for (const action of actions) counts[action.kind] += 1;
  return counts;
}

/** Counts of the run's actions by kind and status, from the table (a resumed run's attempts together). */
async function actionCounts(prisma: PrismaClient, runId: string) {
  const groups = await prisma.syncAction.groupBy({ by: ["kind", "status"], where: { runId }, _count: { _all: true } });
  const counts = Object.fromEntries(
    SYNC_ACTION_KINDS.map((kind) => [kind, { planned: 0, succeeded: 0, failed: 0, skipped: 0 }]),
  ) as Record<SyncActionKind, Record<"planned" | "succeeded" | "failed" | "skipped", number>>;
  for (const group of groups) counts[group.kind][group.status] = group._count._all;
  return counts;
}

export async function runTenantSync(deps: TenantRunDeps, request: TenantRunRequest): Promise<TenantRunResult> {
  const { prisma, log, metrics } = deps;
  const { tenantId, runId, signal } = request;
  const run = await prisma.syncRun.findUnique({ where: { id: runId } });
  if (!run || run.tenantId !== tenantId) return { kind: "skipped", reason: "no such run for this tenant" };
  const approved = run.approvedAt !== null;
  // A job delivered again after its run finished (or a blocked run nobody approved) has nothing to do.
  if (FINAL_STATUSES.has(run.status)) return { kind: "skipped", reason: `the run is already ${run.status}` };
  if (run.status === "blocked" && !approved) return { kind: "skipped", reason: "the run is blocked until approved" };

  // Every status change below is announced with the write, so an open run page re-reads the run at once.
  const statusEvent = { runId, tenantId, change: "status" } as const;
  const claimed = await writeWithRunEvent(
    prisma,
    statusEvent,
    prisma.syncRun.updateMany({
      where: { id: runId, status: run.status },
      data: { status: "running", startedAt: run.startedAt ?? new Date(), finishedAt: null, error: null },
    }),
  );
  if (claimed.count === 0) return { kind: "skipped", reason: "another worker took the run" };

  const recorder = new DatabaseRunRecorder({
    prisma,
    tenantId,
    runId,
    log,
  });
  // rule 12: a run found "running" was left by a worker that died; planning again from the current state converges
  if (run.status === "running") recorder.log("warn", "resuming the run: the worker running it stopped part-way");
  const startedAt = Date.now();
  const backoffs: Record<AdapterSystem | "engine", number> = { entra: 0, rescue: 0, engine: 0 };
  const noteBackoff = (system: AdapterSystem | "engine", waitMs: number) => {
    backoffs[system] += 1;
    // "engine": sync-core's own retries around a port call (a group read or a Rescue action).
    metrics.apiErrors.inc({ system });
    if (backoffs[system] <= BACKOFF_LOG_LIMIT) {
      recorder.log("warn", `${ADAPTER_LABEL[system]} call failed transiently; retrying in ${Math.round(waitMs)} ms`, {
        system,
        waitMs: Math.round(waitMs),
      });
    }
  };
  let callsCounted = { entra: 0, rescue: 0 };
  let rescueUsed: { client: RescueClient; email: string; region: string } | undefined;
  /** Which create path the run took, in the run log, and what it learned about createUsers, for the next run. */
  const settleCreatePath = async () => {
    if (!rescueUsed) return;
    const { client } = rescueUsed;
    const createPath = client.describeCreatePath();
    if (createPath) {
      const stats = client.createPathStats();
      recorder.log("info", createPath, {
        bulkCreate: client.bulkCreateCapability,
        createdInBulk: stats.createdInBulk,
        bulkCalls: stats.bulkCalls,
        createdOneByOne: stats.createdOneByOne,
        adoptedAfterRefusal: stats.adoptedAfterRefusal,
      });
    }
    await rememberBulkCreate(prisma, { tenantId, ...rescueUsed }, client);
    rescueUsed = undefined;
  };
  const interrupt = async (): Promise<TenantRunResult> => {
    // Where the run stands is in its actions; the job goes back to the queue and a worker resumes it (rule 12).
    recorder.log("warn", "the worker is shutting down: run interrupted at a batch boundary; another worker resumes it");
    await recorder.flush();
    await writeWithRunEvent(
      prisma,
      statusEvent,
      prisma.syncRun.update({ where: { id: runId }, data: { status: "queued", phase: "interrupted" } }),
    );
    metrics.runs.inc({ outcome: "interrupted" });
    return { kind: "interrupted" };
  };

  try {
    const config = await loadTenantSyncConfig({ prisma, secretBox: deps.secretBox }, tenantId);
    if (!config.entra) throw new TenantNotConnectedError(tenantId, "entra");
    if (!config.rescue) throw new TenantNotConnectedError(tenantId, "rescue");
    if (config.defaultPassword === null && !run.dryRun) throw new TenantNotConnectedError(tenantId, "defaultPassword");
    const [tenant, mappingRows, linkRows, holdRows] = await Promise.all([
      prisma.tenant.findUniqueOrThrow({ where: { id: tenantId } }),
      prisma.groupMapping.findMany({ where: { tenantId }, orderBy: { priority: "asc" } }),
      prisma.link.findMany({
        where: { tenantId },
        select: { entraUserId: true, rescueNodeId: true, name: true, nick: true, email: true, ssoId: true },
      }),
      prisma.heldAction.findMany({ where: { tenantId } }),
    ]);
    // The unknown-code rule: actions refused with a code nobody documented wait until their input changes.
    const heldActions: HeldAction[] = holdRows.map((row) => ({
      actionId: row.actionId,
      inputFingerprint: row.inputFingerprint,
      code: row.code,
      message: row.message,
      refusedAt: row.updatedAt.toISOString(),
    }));
    // rule 6 would read "no mapping" as "everyone left": never run without one.
    if (mappingRows.length === 0) {
      throw new RunSetupError(
        "The tenant has no group mappings.",
        "Map at least one Entra group to a Rescue technician group.",
      );
    }
    const settings: TenantSyncSettings = {
      safetyThreshold: { percent: tenant.safetyThresholdPercent, minimum: tenant.safetyThresholdMinimum },
      ssoIdSource: tenant.ssoIdSource,
      includeGuests: tenant.includeGuests,
      ...(tenant.attributeMapping && typeof tenant.attributeMapping === "object"
        ? { attributeMapping: tenant.attributeMapping as Partial<AttributeMapping> }
        : {}),
    };
    const { directory, rescue } = buildTenantAdapters(
      { sandboxMode: config.sandboxMode, entra: config.entra, rescue: config.rescue },
      { ...deps.adapters, onBackoff: noteBackoff },
    );
    rescueUsed = { client: rescue, email: config.rescue.email, region: config.rescue.region };
    const clock: Clock = {
      now: () => new Date(),
      sleep: (ms) => {
        noteBackoff("engine", ms);
        return new Promise((resolve) => setTimeout(resolve, ms));
      },
    };
    const mappings = mappingRows.map(mappingOf);
    const links = linkRows.map(linkOf);
    const retry = { ...DEFAULT_RETRY_POLICY, ...deps.retry };
    const options = {
      defaultPassword: config.defaultPassword ?? "",
      dryRun: run.dryRun,
      retry,
      ...(signal ? { signal } : {}),
      ...(deps.concurrency ? { concurrency: deps.concurrency } : {}),
    };

    let report: RunReport;
    if (approved) {
      // rule 11: apply what the person approved, re-checked against the current state: the actions of a fresh plan
      // that were in the approved one. Anything new waits for the next run (and its own safety check).
      const approvedRows = await prisma.syncAction.findMany({
        where: { runId, status: "planned" },
        select: { kind: true, entraUserId: true },
      });
      const approvedIds = new Set(approvedRows.map((row) => `${row.kind}:${row.entraUserId}`));
      const [directoryRead, tree] = await Promise.all([
        readDirectory(directory, mappings, {
          retry: { clock, policy: retry, random: Math.random, ...(signal ? { signal } : {}) },
        }),
        rescue.getTree(),
      ]);
      const fresh = planRun({
        tenantId,
        mappings,
        directory: directoryRead.members,
        skippedMembers: directoryRead.skippedMembers,
        tree,
        links,
        settings,
        heldActions,
      });
      const actions = fresh.actions.filter((action) => approvedIds.has(action.id));
      recorder.log("info", "approved run: applying the approved actions that still apply", {
        approved: approvedIds.size,
        stillApply: actions.length,
        newSinceApproval: fresh.actions.length - actions.length,
      });
      report = await executePlan(
        { ...fresh, actions, counts: countByKind(actions) },
        { rescue, recorder, clock },
        { ...options, approved: true },
      );
    } else {
      ({ report } = await runSync(
        { directory, rescue, recorder, clock },
        { tenantId, mappings, links, settings, heldActions, ...options },
      ));
    }
    await settleCreatePath();
    // One line per mapping, reason and kind (a count with examples), never one per skipped member.
    for (const skipped of report.skippedMembers) {
      recorder.log("info", skipped.message, {
        mappingId: skipped.mappingId,
        reason: skipped.reason,
        kind: skipped.kind,
        count: skipped.count,
      });
    }
    callsCounted = { entra: directory.callCount(), rescue: rescue.callCount() };
    metrics.apiCalls.inc({ system: "entra" }, callsCounted.entra);
    metrics.apiCalls.inc({ system: "rescue" }, callsCounted.rescue);
    metrics.apiErrors.inc({ system: "rescue" }, report.failures.length);

    const stats = directory.callStats();
    if (backoffs.entra + backoffs.rescue + backoffs.engine > 0 || stats.throttled > 0) {
      recorder.log("info", "retries during the run", {
        graphRetries: stats.retries,
        graphThrottled: stats.throttled,
        rescueBackoffs: backoffs.rescue,
        engineRetries: backoffs.engine,
        rescueCalls: rescue.callCounts(),
      });
    }

    if (report.status === "cancelled" && signal?.aborted) return await interrupt();

    const status =
      report.status === "completed-with-failures"
        ? "partial"
        : report.status === "blocked"
          ? "blocked"
          : report.status === "cancelled"
            ? "cancelled"
            : "succeeded";
    await recorder.flush();
    const counts = await actionCounts(prisma, runId);
    const finished = prisma.syncRun.update({
      where: { id: runId },
      data: {
        status,
        phase: "done",
        finishedAt: new Date(),
        counts: { ...counts, calls: { entra: callsCounted.entra, rescue: callsCounted.rescue } } satisfies RunCounts,
        report: {
          status: report.status,
          dryRun: report.dryRun,
          durationMs: Date.now() - startedAt,
          calls: { entra: callsCounted.entra, rescue: callsCounted.rescue, rescueByMethod: rescue.callCounts() },
          retries: {
            graph: stats.retries,
            graphThrottled: stats.throttled,
            rescue: backoffs.rescue,
            engine: backoffs.engine,
          },
          safety: report.safety,
          warningCount: report.warnings.length,
          warnings: report.warnings.slice(0, REPORT_LIST_LIMIT),
          skippedMemberCount: report.skippedMembers.reduce((sum, skipped) => sum + skipped.count, 0),
          skippedMembers: report.skippedMembers.slice(0, REPORT_LIST_LIMIT),
          failureCount: report.failures.length,
          failures: report.failures.slice(0, REPORT_LIST_LIMIT),
        } satisfies StoredRunReport as object,
        error:
          status === "partial"
            ? `${report.failures.length} action(s) failed; see the run's actions for each reason.`
            : status === "blocked"
              ? `Safety threshold: ${report.safety.disableCount} disables planned, ${report.safety.allowed} allowed without approval.`
              : null,
      },
    });
    await writeWithRunEvent(prisma, statusEvent, finished);
    const lifted = await recordTenantRunSuccess(prisma, tenantId);
    if (lifted) await deps.rescheduleTenant(lifted);
    metrics.runs.inc({ outcome: status });
    metrics.runDuration.observe({ outcome: status }, (Date.now() - startedAt) / 1000);
    return { kind: "finished", status };
  } catch (error) {
    // What was learned before the failure still holds.
    await settleCreatePath().catch((cause: unknown) =>
      log.warn({ err: cause, tenantId }, "could not keep what the run learned about createUsers"),
    );
    if (signal?.aborted) return await interrupt();
    const { message, needsAttention, system } = describeFailure(error);
    if (system) metrics.apiErrors.inc({ system });
    recorder.log("error", `run failed: ${message}`, needsAttention ? { needsAttention } : undefined);
    await recorder.flush();
    await writeWithRunEvent(
      prisma,
      statusEvent,
      prisma.syncRun.update({
        where: { id: runId },
        data: { status: "failed", phase: "done", finishedAt: new Date(), error: message },
      }),
    );
    const health = await recordTenantRunFailure(prisma, tenantId, needsAttention ? message : null);
    if (health?.quarantinedUntil) {
      recorder.log("warn", "the tenant is quarantined: its scheduled runs back off until a run succeeds", {
        until: health.quarantinedUntil.toISOString(),
        consecutiveFailures: health.consecutiveFailures,
      });
      await recorder.flush();
      await deps.rescheduleTenant(health);
    }
    metrics.runs.inc({ outcome: "failed" });
    metrics.runDuration.observe({ outcome: "failed" }, (Date.now() - startedAt) / 1000);
    return { kind: "failed", message, needsAttention };
  }
}
