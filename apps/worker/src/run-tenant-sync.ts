// One run of one tenant, composed from @techsync/runs (claim, lease, input, settle) and sync-core's runSync.
import { randomUUID } from "node:crypto";
import type { PrismaClient, SecretBox } from "@techsync/db";
import type { TenantScheduleSettings } from "@techsync/jobs";
import * as runs from "@techsync/runs";
import { DEFAULT_RETRY_POLICY, type RetryPolicy, runSync } from "@techsync/sync-core";
import type { Logger } from "pino";
import { namingMissingGroups } from "./missing-group";
import { checkRescueOrganisation } from "./rescue-organisation-check";
import type { RunAlerts } from "./run-alerts";
import { describeRunFailure, settleTenantAfterFailure } from "./run-failure";
import { chooseRunMode, recordRunMode, storeDeltaCursors } from "./run-mode";
import { settleStoppedRun } from "./run-stops";
import { RunTelemetryCollector } from "./run-telemetry";
import { buildTenantAdapters, type TenantAdapterOptions } from "./tenant-adapters";
import { recordTenantRunSuccess } from "./tenant-health";
import type { WorkerMetrics } from "./worker-metrics";

export interface TenantRunDeps {
  prisma: PrismaClient;
  secretBox: SecretBox;
  log: Logger;
  metrics: WorkerMetrics;
  adapters: Omit<TenantAdapterOptions, "onBackoff">;
  /** After the tenant's health changed (quarantine entered, stepped or lifted): re-sync its job scheduler. */
  rescheduleTenant: (tenant: TenantScheduleSettings) => Promise<void>;
  /** This worker's id (a claim's lease owner adds a random part), and how long a lease lasts unrenewed. */
  workerId: string;
  leaseMs: number;
  /** sync-core's retry policy for port calls (tests shorten it), and Rescue writes in flight per run. */
  retry?: Partial<RetryPolicy>;
  concurrency?: number;
  /** Raises the alerts of a run's outcome (absent: no alerts). */
  alerts?: RunAlerts;
}

/**
 * Up to this many changed users, an incremental run reads only their links and the part of the Rescue tree their
 * plan can touch; beyond it, a narrowed read saves little and the link queries grow, so it reads all.
 */
const NARROW_READS_UP_TO = 1000;

export interface TenantRunRequest {
  tenantId: string;
  runId: string;
  /** Aborted on SIGTERM: the run stops at the next batch boundary and goes back to the queue. */
  signal?: AbortSignal;
}

export type TenantRunResult =
  /** retryLater: actions failed only transiently (an outage); a follow-up run soon will likely apply them. */
  | { kind: "finished"; status: runs.FinishedRunStatus; retryLater?: boolean }
  | { kind: "skipped"; reason: string }
  | { kind: "wait"; behindRunId: string } // another run of the tenant is executing
  /** Handed back to the queue at shutdown, or stopped because another worker took the lease. */
  | { kind: "interrupted" }
  | { kind: "failed"; message: string; needsAttention: boolean };

export async function runTenantSync(deps: TenantRunDeps, request: TenantRunRequest): Promise<TenantRunResult> {
  const { prisma, log } = deps;
  const { tenantId, runId } = request;
  const holder = { owner: `${deps.workerId}/${randomUUID()}`, leaseMs: deps.leaseMs };
  const claim = await runs.claimRun(prisma, { tenantId, runId, ...holder });
  if (claim.outcome === "wait") return { kind: "wait", behindRunId: claim.behindRunId };
  if (claim.outcome === "skipped") return { kind: "skipped", reason: claim.reason };

  const lease = runs.keepLease(prisma, runId, holder, (err) => log.warn({ err, runId }, "lease not renewed"));
  const retryDb = {
    until: lease.heldUntil,
    onWait: (waitMs: number, err: unknown) => log.warn({ err, runId, waitMs }, "Postgres unreachable; waiting"),
  };
  const recorder = new runs.DatabaseRunRecorder({ prisma, tenantId, runId, log });
  const telemetry = new RunTelemetryCollector(recorder, deps.metrics);
  // rule 12: a run claimed again was left by a worker that stopped; planning again from the current state converges
  if (claim.resumed) recorder.log("warn", "resuming the run: the worker running it stopped part-way");
  const stop = { prisma, recorder, telemetry, lease, run: claim.run, holder, retryDb, shutdown: request.signal };
  const stopped = (failed: boolean) => settleStoppedRun(stop, failed);

  try {
    // The links wait for the run's mode: an incremental run of a few users reads only the links it needs.
    const input = await runs.loadRunInput(deps, claim.run, { withLinks: false });
    await runs.recordRunConfigFingerprint(prisma, claim.run, holder, input.configFingerprint);
    const built = buildTenantAdapters(input.config, { ...deps.adapters, onBackoff: telemetry.noteBackoff });
    const adapters = { ...built, directory: namingMissingGroups(built.directory, input.engine.mappings) };
    telemetry.watchRescue(adapters.rescue, input.config.rescue);
    const retry = { ...DEFAULT_RETRY_POLICY, ...deps.retry };
    const signal = AbortSignal.any([lease.signal, ...(request.signal ? [request.signal] : [])]);
    // rule 15: whose organisation this is, before anything is read or written.
    await checkRescueOrganisation(
      { prisma, clock: telemetry.clock, retry, signal },
      tenantId,
      input.config.rescue,
      adapters.rescue,
    );
    const mode = await chooseRunMode({ prisma, directory: adapters.directory }, claim.run, {
      mappings: input.engine.mappings,
      configFingerprint: input.configFingerprint,
    });
    await recordRunMode(prisma, claim.run, holder.owner, mode);
    recorder.log("info", `run mode — ${mode.reason}`);
    // A full real run takes fresh delta links before it reads: what changes while it runs is replayed next time.
    const cursors =
      mode.kind === "incremental"
        ? mode.cursors
        : !claim.run.dryRun && claim.run.proposal === null && claim.run.subjectEntraUserId === null
          ? await adapters.directory.startDeltaCursors(input.engine.mappings).catch((err: unknown) => {
              log.warn({ err, runId }, "delta links not taken: the next run is full again");
              return undefined;
            })
          : undefined;
    const narrow = mode.kind === "incremental" && mode.users.size <= NARROW_READS_UP_TO;
    const links = narrow ? [] : await runs.loadLinks(prisma, tenantId);
    const { report, scopeChanges, explanation } = await runSync(
      { ...adapters, recorder: runs.retryingRecorder(recorder, retryDb), clock: telemetry.clock },
      {
        ...input.engine,
        links,
        retry,
        signal,
        ...(deps.concurrency ? { concurrency: deps.concurrency } : {}),
        ...(mode.kind === "incremental"
          ? {
              incremental: {
                users: mode.users,
                directory: mode.directory,
                ...(narrow ? { links: runs.linkReader(prisma, tenantId) } : {}),
              },
            }
          : {}),
      },
    );
    await telemetry.settleCreatePath(prisma, tenantId);
    const summary = telemetry.summarise(adapters, report);
    const early = report.status === "cancelled" ? await stopped(false) : undefined;
    if (early) return early;
    await recorder.flush();
    // Only a run that applied moves the delta links on (blocked: the round is planned again once approved); stored
    // before the run shows as finished, so whoever sees it finished finds the links of the round it applied.
    const applied = runs.finishedStatusOf(report);
    if (cursors && (applied === "succeeded" || applied === "partial")) {
      const store = () => storeDeltaCursors(prisma, tenantId, cursors, input.configFingerprint);
      await runs
        .retryWhileDatabaseDown(store, retryDb)
        .catch((err: unknown) => log.warn({ err, runId }, "delta links not stored: the next run replays the round"));
    }
    const extra = scopeChanges ? { scopeChanges } : explanation ? { explanation } : undefined;
    const finish = () => runs.finishRun(prisma, claim.run, holder, report, summary, extra);
    const { status, settled } = await runs.retryWhileDatabaseDown(finish, retryDb);
    if (!settled) return { kind: "interrupted" };
    // An estimate of a proposed change, or a run of one user, says nothing about the tenant's whole configuration: its
    // health stays, and it acknowledges nothing.
    if (claim.run.proposal === null && claim.run.subjectEntraUserId === null) {
      // rule 14: a preview a person asked for, or a run that went through without disabling anyone unseen, makes
      // this configuration the acknowledged one (an approved run was acknowledged by its approval).
      // The run is settled: a lost acknowledgement only makes the next run of this configuration ask first.
      if ((status === "succeeded" || status === "partial") && !claim.run.approvedAt) {
        const acknowledge = () => runs.acknowledgeConfigFingerprint(prisma, tenantId, input.configFingerprint);
        await runs
          .retryWhileDatabaseDown(acknowledge, retryDb)
          .catch((err: unknown) => log.warn({ err, runId }, "configuration not acknowledged"));
      }
      const lifted = await recordTenantRunSuccess(prisma, tenantId, {
        dryRun: claim.run.dryRun,
        ...(status === "blocked" ? { blockedRunId: runId } : {}),
      });
      if (lifted) await deps.rescheduleTenant(lifted);
    }
    if (claim.run.proposal === null && claim.run.subjectEntraUserId === null) {
      await deps.alerts?.finished(claim.run, status);
    }
    telemetry.observe(status);
    const transient = report.failures.length > 0 && report.failures.every((failure) => failure.retryable);
    return { kind: "finished", status, ...(transient ? { retryLater: true } : {}) };
  } catch (error) {
    // What was learned before the failure still holds.
    await telemetry.settleCreatePath(prisma, tenantId).catch((err: unknown) => log.warn({ err }, "createUsers lost"));
    const early = await stopped(true);
    if (early) return early;
    const failure = describeRunFailure(error);
    if (failure.system) deps.metrics.apiErrors.inc({ system: failure.system });
    recorder.log(
      "error",
      `run failed: ${failure.message}`,
      failure.needsAttention ? { needsAttention: true } : undefined,
    );
    await recorder.flush();
    const fail = () => runs.failRun(prisma, claim.run, holder, failure.message);
    if (!(await runs.retryWhileDatabaseDown(fail, retryDb))) return { kind: "interrupted" };
    // An estimate of a proposed change or a run of one user failing says nothing about the tenant's own runs: no
    // quarantine for it.
    if (claim.run.proposal === null && claim.run.subjectEntraUserId === null) {
      const { quarantinedNow } = await settleTenantAfterFailure(deps, recorder, tenantId, failure);
      await deps.alerts?.failed(claim.run, failure, quarantinedNow);
    }
    telemetry.observe("failed");
    return { kind: "failed", ...failure };
  } finally {
    lease.stop();
  }
}
