import pLimit from "p-limit";
import type { Link, TechnicianFields } from "../domain";
import type { CreateAction, Plan, SyncAction, UpdateAction } from "../plan";
import {
  type ActionOutcome,
  type ActionOutcomeStatus,
  type Clock,
  type RescueDirectory,
  type RunRecorder,
  SyncPortError,
} from "../ports";
import { type ActionFailure, emptyActionCounts, type RunReport, type RunStatus } from "../run-report";
import {
  backoffDelay,
  callWithRetry,
  DEFAULT_RETRY_POLICY,
  type RetryContext,
  RetryFailure,
  type RetryPolicy,
  SessionRenewal,
} from "./call-with-retry";

export type ExecutorRescue = Pick<
  RescueDirectory,
  "maxCreateBatch" | "createTechnicians" | "updateTechnician" | "setTechnicianStatus" | "renewSession" | "callCount"
>;

export interface ExecutePorts {
  rescue: ExecutorRescue;
  recorder: RunRecorder;
  clock: Clock;
}

export interface ExecuteOptions {
  /** The tenant's default password for new technicians (rule 2). Never part of the plan, which is recorded. */
  defaultPassword: string;
  /** rule 10: record the plan, apply nothing. */
  dryRun?: boolean;
  /** rule 11: a person approved this run, so a `blocked` plan is applied. */
  approved?: boolean;
  /** Updates and status changes in flight at once (default 4). */
  concurrency?: number;
  /** Bulk create calls in flight at once (default 1). */
  createConcurrency?: number;
  retry?: Partial<RetryPolicy>;
  /** Stops the run at the next action or batch boundary; what did not start is recorded as `cancelled`. */
  signal?: AbortSignal;
  /** For the backoff jitter; tests pass a seeded one. */
  random?: () => number;
  /** Outcomes handed to the recorder per recordOutcomes call (default 100). */
  outcomeBatchSize?: number;
}

interface ActionError {
  code: string;
  message: string;
  hint?: string;
  holdUntilInputChanges?: boolean;
  /** The target failed transiently (an outage, not a refusal): a later run may well succeed. */
  retryable?: boolean;
}

function isLicenceRefusal(error: unknown): boolean {
  return error instanceof SyncPortError && error.licenceRefusal;
}

function describeError(error: unknown): ActionError {
  if (error instanceof SyncPortError) {
    return {
      code: error.code,
      message: error.message,
      ...(error.hint ? { hint: error.hint } : {}),
      ...(error.holdUntilInputChanges ? { holdUntilInputChanges: true } : {}),
      ...(error.retryable ? { retryable: true } : {}),
    };
  }
  return { code: "UNEXPECTED", message: error instanceof Error ? error.message : String(error) };
}

/** The reason on every create and enable not applied after a licence refusal (adapters use the same code). */
const LICENCE_SKIP: ActionError = {
  code: "LICENCE_REFUSED",
  message: "Not applied: Rescue refused a technician licence earlier in this run.",
  hint: "Free technician licences (disable technicians who no longer need one) or add licences, then run again.",
};

function licenceShortfallMessage(creates: number, enables: number): string {
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
  return `Rescue refused a technician licence; ${plural(creates, "create")} and ${plural(enables, "enable")} were not applied: free licences or add more, then run again`;
}

/**
 * Applies a plan through the Rescue port (rules 9–12). Order: forget stale links, record adoptions, disable
 * (frees licences), update stage by stage, enable, then create in bulk (after updates, which may free emails).
 * One failed action never stops the others; only a failing recorder stops the run (it rejects).
 */
export async function executePlan(plan: Plan, ports: ExecutePorts, options: ExecuteOptions): Promise<RunReport> {
  const { rescue, recorder, clock } = ports;
  const startedAt = clock.now();
  const rescueCallsBefore = rescue.callCount();
  const dryRun = options.dryRun ?? false;
  const counts = emptyActionCounts();
  for (const action of plan.actions) counts[action.kind].planned += 1;
  const failures: ActionFailure[] = [];
  /** The create or enable whose licence refusal stops the others (Rescue does not say how many licences are free). */
  let licenceRefusedBy: string | undefined;

  const finish = (status: RunStatus): RunReport => {
    const finishedAt = clock.now();
    const shortfall =
      licenceRefusedBy === undefined
        ? undefined
        : {
            refusedActionId: licenceRefusedBy,
            creates: counts.create.skipped,
            enables: counts.enable.skipped,
            message: licenceShortfallMessage(counts.create.skipped, counts.enable.skipped),
          };
    return {
      status,
      dryRun,
      startedAt,
      finishedAt,
      durationMs: finishedAt.getTime() - startedAt.getTime(),
      counts,
      calls: { directory: 0, rescue: rescue.callCount() - rescueCallsBefore },
      warnings: shortfall
        ? [
            ...plan.warnings,
            { code: "licence-shortfall", actionId: shortfall.refusedActionId, message: shortfall.message },
          ]
        : plan.warnings,
      skippedMembers: plan.skippedMembers,
      failures,
      safety: plan.safety,
      ...(shortfall ? { licenceShortfall: shortfall } : {}),
      ...(plan.pairs ? { pairs: plan.pairs } : {}),
      ...(plan.licencesNeeded !== undefined ? { licencesNeeded: plan.licencesNeeded } : {}),
    };
  };

  await recorder.recordPlan(plan, { dryRun });
  if (dryRun) {
    recorder.log("info", "dry run: plan recorded, nothing applied", { counts: plan.counts });
    return finish("dry-run");
  }
  if (plan.status === "blocked" && !options.approved) {
    // rule 11 (or rule 14: runSync blocked a changed configuration's disables, and logged why)
    const why = plan.safety.blocked ? "safety threshold exceeded: " : "";
    recorder.log("warn", `${why}nothing applied until a person approves this run`, { safety: plan.safety });
    return finish("blocked");
  }

  const retry: RetryContext = {
    clock,
    policy: { ...DEFAULT_RETRY_POLICY, ...options.retry },
    random: options.random ?? Math.random,
    session: new SessionRenewal(rescue),
    ...(options.signal ? { signal: options.signal } : {}),
  };
  const batchSize = Math.max(1, options.outcomeBatchSize ?? 100);
  const total = plan.actions.length;
  const buffer: ActionOutcome[] = [];
  let done = 0;
  let fatal = false;

  // Links of updated technicians, remembered with the next batch of outcomes: losing them in a crash only costs
  // a repeated (idempotent) update next run, unlike the links of creates, which are recorded at once.
  const updatedLinks: Link[] = [];
  const flush = async (): Promise<void> => {
    if (updatedLinks.length > 0) await recorder.recordLinks(updatedLinks.splice(0));
    if (buffer.length === 0) return;
    await recorder.recordOutcomes(buffer.splice(0));
    recorder.progress({ phase: "apply", done, total });
  };

  const settle = async (
    action: SyncAction,
    status: ActionOutcomeStatus,
    rescueNodeId: number | null,
    attempts: number,
    error?: ActionError,
  ): Promise<void> => {
    counts[action.kind][status] += 1;
    // Not applied on purpose is not a failure: the report's licence shortfall gives its one reason.
    if (error && status === "failed") {
      failures.push({ actionId: action.id, kind: action.kind, entraUserId: action.entraUserId, ...error });
    }
    buffer.push({
      actionId: action.id,
      kind: action.kind,
      entraUserId: action.entraUserId,
      rescueNodeId,
      status,
      attempts,
      ...(error ? { error } : {}),
      finishedAt: clock.now(),
    });
    done += 1;
    if (buffer.length >= batchSize) await flush();
  };

  /** Runs one port call per action with bounded concurrency; a recorder failure stops what has not started. */
  const runEach = async <A extends SyncAction & { rescueNodeId: number }>(
    actions: readonly A[],
    call: (action: A) => Promise<unknown>,
    afterSuccess?: (action: A) => Promise<void>,
    /** Each action needs a technician licence (enables): a licence refusal stops the rest. */
    licensed = false,
  ): Promise<void> => {
    const limit = pLimit(Math.max(1, options.concurrency ?? 4));
    const results = await Promise.allSettled(
      actions.map((action) =>
        limit(async () => {
          if (fatal) return;
          try {
            if (options.signal?.aborted) {
              await settle(action, "cancelled", action.rescueNodeId, 0);
              return;
            }
            if (licensed && licenceRefusedBy !== undefined) {
              await settle(action, "skipped", action.rescueNodeId, 0, LICENCE_SKIP);
              return;
            }
            let attempts = 0;
            let failure: RetryFailure | undefined;
            try {
              attempts = (await callWithRetry(() => call(action), retry)).attempts;
            } catch (error) {
              if (!(error instanceof RetryFailure)) throw error;
              failure = error;
            }
            if (failure) {
              if (licensed && isLicenceRefusal(failure.error)) {
                // Enables in flight when the first refusal came back were refused for the same reason.
                if (licenceRefusedBy !== undefined) {
                  await settle(action, "skipped", action.rescueNodeId, failure.attempts, LICENCE_SKIP);
                  return;
                }
                licenceRefusedBy = action.id;
              }
              // rule 9: this one action fails with its reason; the others go on
              await settle(action, "failed", action.rescueNodeId, failure.attempts, describeError(failure.error));
              return;
            }
            await afterSuccess?.(action);
            await settle(action, "succeeded", action.rescueNodeId, attempts);
          } catch (error) {
            fatal = true;
            throw error;
          }
        }),
      ),
    );
    const rejected = results.find((result) => result.status === "rejected");
    if (rejected) throw rejected.reason;
  };

  const createChunk = async (chunk: readonly CreateAction[]): Promise<void> => {
    if (fatal) return;
    try {
      if (options.signal?.aborted) {
        for (const action of chunk) await settle(action, "cancelled", null, 0);
        return;
      }
      if (licenceRefusedBy !== undefined) {
        for (const action of chunk) await settle(action, "skipped", null, 0, LICENCE_SKIP);
        return;
      }
      const requests = chunk.map((action) => ({
        ref: action.entraUserId,
        parentId: action.rescueGroupId,
        fields: action.fields,
        password: options.defaultPassword,
      }));
      let attempts = 0;
      const byRef = new Map<string, Awaited<ReturnType<ExecutorRescue["createTechnicians"]>>[number]>();
      let failure: RetryFailure | undefined;
      // rule 12: a technician whose create failed transiently (its own result says retryable) is tried again with
      // the same backoff as a failed call; the adapter finds it by email if the failed try had created it after all.
      let pending = requests;
      for (let round = 1; ; round++) {
        try {
          const called = await callWithRetry(() => rescue.createTechnicians(pending), retry);
          attempts += called.attempts;
          for (const result of called.value) byRef.set(result.ref, result);
        } catch (error) {
          if (!(error instanceof RetryFailure)) throw error;
          // Rows settled by an earlier round keep their results; the rest fail with the call.
          failure = error;
          for (const request of pending) byRef.delete(request.ref);
          break;
        }
        const sessionAtRound = retry.session?.current() ?? 0;
        const transient = pending.filter((request) => {
          const result = byRef.get(request.ref);
          return result !== undefined && !result.ok && (result.error.retryable || result.error.sessionExpired);
        });
        if (transient.length === 0 || round >= retry.policy.maxAttempts || options.signal?.aborted) break;
        const expired = transient.some((request) => {
          const result = byRef.get(request.ref);
          return result !== undefined && !result.ok && result.error.sessionExpired;
        });
        // The session expired under some creates: renew it once for all of them (Rescue limits logins).
        if (expired) await retry.session?.renew(sessionAtRound);
        const retryAfterMs = Math.max(
          0,
          ...transient.map((request) => {
            const result = byRef.get(request.ref);
            return result && !result.ok ? (result.error.retryAfterMs ?? 0) : 0;
          }),
        );
        await retry.clock.sleep(backoffDelay(round, retry.policy, retry.random, retryAfterMs));
        pending = transient;
      }
      const links: Link[] = [];
      for (const action of chunk) {
        const result = byRef.get(action.entraUserId);
        if (result?.ok) {
          links.push({ entraUserId: action.entraUserId, rescueNodeId: result.nodeId, fields: action.fields });
        }
      }
      // rule 12: the links before anything else, so a crash after this call adopts instead of duplicating
      if (links.length > 0) await recorder.recordLinks(links);
      // The first licence refusal Rescue answered (not one the adapter stopped before sending) fails with its answer;
      // the other creates it stops are not applied.
      if (licenceRefusedBy === undefined) {
        const refusedHere = chunk.filter((action) => {
          const result = byRef.get(action.entraUserId);
          return result !== undefined && !result.ok && isLicenceRefusal(result.error);
        });
        const answered = refusedHere.find((action) => {
          const result = byRef.get(action.entraUserId);
          return result !== undefined && !result.ok && result.error.code !== LICENCE_SKIP.code;
        });
        licenceRefusedBy = (answered ?? refusedHere[0])?.id;
      }
      for (const action of chunk) {
        const result = byRef.get(action.entraUserId);
        if (result?.ok) await settle(action, "succeeded", result.nodeId, attempts);
        else if (result && isLicenceRefusal(result.error)) {
          if (action.id === licenceRefusedBy)
            await settle(action, "failed", null, attempts, describeError(result.error));
          else await settle(action, "skipped", null, attempts, LICENCE_SKIP);
        } else {
          const error = result
            ? describeError(result.error)
            : failure
              ? describeError(failure.error)
              : { code: "NO_RESULT", message: "Rescue returned no result for this technician" };
          await settle(action, "failed", null, failure?.attempts ?? attempts, error);
        }
      }
    } catch (error) {
      fatal = true;
      throw error;
    }
  };

  const byKind = <K extends SyncAction["kind"]>(kind: K) =>
    plan.actions.filter((action): action is Extract<SyncAction, { kind: K }> => action.kind === kind);

  recorder.log("info", "applying plan", { counts: plan.counts });

  if (plan.staleLinks.length > 0) await recorder.removeLinks(plan.staleLinks);

  // rule 3: adopting is remembering the link; its updates and status changes are actions of their own
  const adopts = byKind("adopt");
  if (adopts.length > 0) {
    await recorder.recordLinks(
      adopts.map((adopt) => ({
        entraUserId: adopt.entraUserId,
        rescueNodeId: adopt.rescueNodeId,
        ...(adopt.fields ? { fields: adopt.fields } : {}),
      })),
    );
    for (const adopt of adopts) await settle(adopt, "succeeded", adopt.rescueNodeId, 0);
  }
  // rule 13: links whose key data was read for this plan remember it, so the next run need not read it again.
  if (plan.refreshedLinks && plan.refreshedLinks.length > 0) await recorder.recordLinks(plan.refreshedLinks);
  // Each phase ends with its outcomes recorded, so progress moves even when a phase is smaller than a batch.
  await flush();

  await runEach(byKind("disable"), (action) => rescue.setTechnicianStatus(action.rescueNodeId, "disabled"));
  await flush();

  const updates = byKind("update");
  const writtenFields = new Map<string, TechnicianFields>();
  const stages = [...new Set(updates.map((update) => update.stage))].sort((a, b) => a - b);
  for (const stage of stages) {
    await runEach(
      updates.filter((update) => update.stage === stage),
      async (action: UpdateAction) => {
        const written = await rescue.updateTechnician(
          action.rescueNodeId,
          action.fields,
          action.keepSsoIdIfSet ? { keepSsoIdIfSet: true } : undefined,
        );
        if (written) writtenFields.set(action.id, written);
      },
      // The link remembers what was written (rule 16: an SSO id kept as it was is remembered as kept):
      // getHierarchy_v2 cannot tell nick and SSO id (rule 4)
      async (action) => {
        updatedLinks.push({
          entraUserId: action.entraUserId,
          rescueNodeId: action.rescueNodeId,
          fields: writtenFields.get(action.id) ?? action.fields,
        });
      },
    );
  }

  await flush();
  await runEach(
    byKind("enable"),
    (action) => rescue.setTechnicianStatus(action.rescueNodeId, "enabled"),
    undefined,
    true,
  );
  await flush();

  // A create whose Rescue group is gone fails by itself, with a reason a person can act on; Rescue is not called.
  const creates: CreateAction[] = [];
  for (const create of byKind("create")) {
    if (!create.groupMissing) {
      creates.push(create);
      continue;
    }
    await settle(create, "failed", null, 0, {
      code: "RESCUE_GROUP_MISSING",
      message: `Rescue group ${create.rescueGroupId} is not a technician group in Rescue any more (deleted after it was mapped).`,
      hint: "Map the pair to an existing Rescue group, or create the group again, then run again.",
    });
  }
  const chunkSize = Math.max(1, rescue.maxCreateBatch);
  const chunks: CreateAction[][] = [];
  for (let i = 0; i < creates.length; i += chunkSize) chunks.push(creates.slice(i, i + chunkSize));
  const createLimit = pLimit(Math.max(1, options.createConcurrency ?? 1));
  const created = await Promise.allSettled(chunks.map((chunk) => createLimit(() => createChunk(chunk))));
  const createFailure = created.find((result) => result.status === "rejected");
  if (createFailure) throw createFailure.reason;

  await flush();
  const cancelled = Object.values(counts).some((c) => c.cancelled > 0);
  const skipped = Object.values(counts).some((c) => c.skipped > 0);
  const status: RunStatus = cancelled
    ? "cancelled"
    : failures.length > 0 || skipped
      ? "completed-with-failures"
      : "succeeded";
  recorder.log(status === "succeeded" ? "info" : "warn", `run ${status}`, {
    failures: failures.length,
    rescueCalls: rescue.callCount() - rescueCallsBefore,
  });
  return finish(status);
}
