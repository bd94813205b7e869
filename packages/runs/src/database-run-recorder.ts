// sync-core's RunRecorder over Postgres: the run's trace the portal shows (actions, links, log, progress).
// Calls arrive in batches (sync-core's contract), and each batch is one or two statements, so a 100,000-user
// run writes in a few hundred round trips rather than a few hundred thousand. Each write a live run page shows
// (progress, log lines, action outcomes) announces itself on the run events channel in its own transaction.
import { ACTION_KINDS, type RunCounts } from "@techsync/api-contract";
import type { Prisma, PrismaClient } from "@techsync/db";
import type {
  ActionOutcome,
  Link,
  LogLevel,
  Plan,
  RunProgress,
  RunRecorder,
  SyncAction,
  SyncActionKind,
} from "@techsync/sync-core";
import { type RunChange, writeWithRunEvent } from "./run-events";

/** Actions per INSERT statement. */
const PLAN_INSERT_CHUNK = 5000;
/** Progress is written at most this often; the last value always lands (flush). */
const PROGRESS_INTERVAL_MS = 500;

const PAST_TENSE: Record<SyncActionKind, string> = {
  create: "created",
  adopt: "adopted",
  update: "updated",
  enable: "enabled",
  disable: "disabled",
};

/** The process log the recorder mirrors the run's log to (a pino logger fits). */
export type RecorderLog = Record<LogLevel, (details: object, message: string) => void>;

export interface DatabaseRunRecorderOptions {
  prisma: PrismaClient;
  tenantId: string;
  runId: string;
  log: RecorderLog;
}

function actionNode(action: SyncAction): number | null {
  return action.kind === "create" ? null : action.rescueNodeId;
}

/** The Rescue group a create lands in, or the group the technician is in (when the plan knows it). */
function actionGroupId(action: SyncAction): number | null {
  return action.kind === "create" ? action.rescueGroupId : (action.rescueGroup?.id ?? null);
}

/** Who the action is about, as the portal's action table shows it. */
function actionFields(action: SyncAction): { name: string; email: string | null } | undefined {
  if (action.subject) return action.subject;
  if (action.kind === "create" || action.kind === "update" || action.kind === "adopt") return action.fields;
  return undefined;
}

/** Held actions named one by one in the sync log; beyond that, a count. */
const HELD_LOG_LIMIT = 50;

export class DatabaseRunRecorder implements RunRecorder {
  private readonly seqByActionId = new Map<string, number>();
  /** What each planned action would write, for the unknown-code rule (held_actions). */
  private readonly fingerprintByActionId = new Map<string, string>();
  /** Actions with a hold recorded before this run: a success releases it. */
  private heldActionIds = new Set<string>();
  /** Log lines not written yet, and the write under way (one at a time, so lines keep their order). */
  private pendingLog: Prisma.LogEntryCreateManyInput[] = [];
  private logWriter: Promise<void> | undefined;
  private latestProgress: RunProgress | undefined;
  private progressWriter: Promise<void> | undefined;
  private lastProgressWrite = 0;

  constructor(private readonly options: DatabaseRunRecorderOptions) {}

  async recordPlan(plan: Plan, context: { dryRun: boolean }): Promise<void> {
    const { prisma, runId, tenantId } = this.options;
    // A resumed run (stalled job, approval) plans again: its earlier attempt's finished actions stay as the record
    // of what was done, the ones it never reached are replaced by the new plan (rule 12).
    await prisma.syncAction.deleteMany({ where: { runId, status: "planned" } });
    const last = await prisma.syncAction.aggregate({ where: { runId }, _max: { seq: true } });
    let seq = last._max.seq ?? 0;
    this.seqByActionId.clear();
    this.fingerprintByActionId.clear();
    for (const action of plan.actions) {
      if (action.inputFingerprint !== undefined) this.fingerprintByActionId.set(action.id, action.inputFingerprint);
    }
    await this.recordHolds(plan, context);
    // Raw INSERT … SELECT FROM unnest(arrays): one statement per chunk, parameters as eleven arrays, so a
    // 100,000-action plan costs a few statements and no per-row query building.
    for (let start = 0; start < plan.actions.length; start += PLAN_INSERT_CHUNK) {
      const chunk = plan.actions.slice(start, start + PLAN_INSERT_CHUNK);
      const seqs: number[] = [];
      const fields = chunk.map(actionFields);
      for (const action of chunk) {
        seq += 1;
        this.seqByActionId.set(action.id, seq);
        seqs.push(seq);
      }
      await prisma.$executeRawUnsafe(
        `INSERT INTO sync_actions (run_id, tenant_id, seq, kind, status, entra_user_id, rescue_node_id, rescue_group_id,
                                   rescue_group_name, display_name, email, reason, changes, cause, created_at, updated_at)
         SELECT $1::uuid, $2::uuid, v.seq, v.kind::"ActionKind", 'planned', v.entra, v.node, v.grp, v.grp_name, v.name,
                v.email, v.reason, v.changes::jsonb, v.cause::jsonb, now(), now()
           FROM unnest($3::int[], $4::text[], $5::text[], $6::int[], $7::int[], $8::text[], $9::text[], $10::text[],
                       $11::text[], $12::text[], $13::text[])
             AS v(seq, kind, entra, node, grp, name, email, reason, changes, grp_name, cause)`,
        runId,
        tenantId,
        seqs,
        chunk.map((action) => action.kind),
        chunk.map((action) => action.entraUserId),
        chunk.map(actionNode),
        chunk.map(actionGroupId),
        fields.map((f) => f?.name ?? null),
        fields.map((f) => f?.email ?? null),
        chunk.map((action) => action.reason),
        chunk.map((action) => (action.kind === "update" ? JSON.stringify(action.changes) : null)),
        chunk.map((action) => action.rescueGroup?.name ?? null),
        chunk.map((action) => (action.cause ? JSON.stringify(action.cause) : null)),
      );
    }
    await writeWithRunEvent(
      prisma,
      this.event("progress"),
      prisma.syncRun.update({
        where: { id: runId },
        data: {
          phase: context.dryRun ? "plan" : "apply",
          progressDone: 0,
          progressTotal: plan.actions.length,
          counts: plannedCounts(plan),
        },
      }),
    );
  }

  /**
   * The unknown-code rule, at plan time: holds whose input changed (or whose action is no longer planned) are
   * released, unless this is a dry run, which changes nothing; each held action is named in the sync log.
   */
  private async recordHolds(plan: Plan, context: { dryRun: boolean }): Promise<void> {
    const { prisma, tenantId } = this.options;
    if (!context.dryRun && plan.releasedHolds.length > 0) {
      await prisma.heldAction.deleteMany({ where: { tenantId, actionId: { in: plan.releasedHolds } } });
    }
    const held = plan.warnings.filter((warning) => warning.code === "action-held");
    for (const warning of held.slice(0, HELD_LOG_LIMIT)) {
      this.log("warn", warning.message, {
        actionId: warning.actionId,
        code: warning.refusalCode,
        entraUserId: warning.entraUserId,
      });
    }
    if (held.length > HELD_LOG_LIMIT) {
      this.log("warn", `${held.length - HELD_LOG_LIMIT} more actions held after an unknown Rescue code`);
    }
    const rows = await prisma.heldAction.findMany({ where: { tenantId }, select: { actionId: true } });
    this.heldActionIds = new Set(rows.map((row) => row.actionId));
  }

  /** Refusals with an unknown code start a hold at the action's current input; a success ends its hold. */
  private async recordRefusals(outcomes: readonly ActionOutcome[]): Promise<void> {
    const { prisma, runId, tenantId } = this.options;
    const released: string[] = [];
    for (const outcome of outcomes) {
      if (outcome.status === "succeeded" && this.heldActionIds.has(outcome.actionId)) released.push(outcome.actionId);
      const fingerprint = this.fingerprintByActionId.get(outcome.actionId);
      if (outcome.status !== "failed" || !outcome.error?.holdUntilInputChanges || fingerprint === undefined) continue;
      const message = [outcome.error.message, outcome.error.hint].filter(Boolean).join(" ");
      await prisma.heldAction.upsert({
        where: { tenantId_actionId: { tenantId, actionId: outcome.actionId } },
        create: {
          tenantId,
          actionId: outcome.actionId,
          inputFingerprint: fingerprint,
          code: outcome.error.code,
          message: outcome.error.message,
          runId,
        },
        update: { inputFingerprint: fingerprint, code: outcome.error.code, message: outcome.error.message, runId },
      });
      this.heldActionIds.add(outcome.actionId);
      this.log("error", `${outcome.kind} refused with ${outcome.error.code}, a code TechSync does not know`, {
        actionId: outcome.actionId,
        entraUserId: outcome.entraUserId,
        code: outcome.error.code,
        reason: message,
      });
    }
    if (released.length > 0) {
      await prisma.heldAction.deleteMany({ where: { tenantId, actionId: { in: released } } });
      for (const id of released) this.heldActionIds.delete(id);
    }
  }

  async recordOutcomes(outcomes: readonly ActionOutcome[]): Promise<void> {
    const { prisma, runId, tenantId } = this.options;
    await this.recordRefusals(outcomes);
    const seqs: number[] = [];
    const statuses: string[] = [];
    const nodes: (number | null)[] = [];
    const codes: (string | null)[] = [];
    const errors: (string | null)[] = [];
    const linkedUsers: string[] = [];
    const linkOutcomes: string[] = [];
    const linkSeqs: number[] = [];
    for (const outcome of outcomes) {
      const seq = this.seqByActionId.get(outcome.actionId);
      if (seq === undefined) continue;
      seqs.push(seq);
      // A cancelled action (shutdown) did not start: "skipped", and a resumed run plans it again.
      statuses.push(outcome.status === "cancelled" ? "skipped" : outcome.status);
      nodes.push(outcome.rescueNodeId);
      codes.push(outcome.error?.code ?? (outcome.status === "cancelled" ? "CANCELLED" : null));
      errors.push(
        outcome.error
          ? [outcome.error.message, outcome.error.hint].filter(Boolean).join(" ")
          : outcome.status === "cancelled"
            ? "Not started: the run was interrupted."
            : null,
      );
      if (outcome.status !== "cancelled") {
        linkedUsers.push(outcome.entraUserId);
        linkSeqs.push(seq);
        linkOutcomes.push(
          outcome.status === "succeeded" ? PAST_TENSE[outcome.kind] : `${outcome.kind} ${outcome.status}`,
        );
      }
    }
    if (seqs.length === 0) return;
    await writeWithRunEvent(
      prisma,
      this.event("actions"),
      prisma.$executeRawUnsafe(
        `UPDATE sync_actions AS a
            SET status = v.status::"ActionStatus", rescue_node_id = COALESCE(v.node, a.rescue_node_id),
                error_code = v.code, error = v.error, updated_at = now()
           FROM unnest($2::int[], $3::text[], $4::int[], $5::text[], $6::text[]) AS v(seq, status, node, code, error)
          WHERE a.run_id = $1::uuid AND a.seq = v.seq`,
        runId,
        seqs,
        statuses,
        nodes,
        codes,
        errors,
      ),
    );
    if (linkedUsers.length > 0) {
      // The technician as the action left it (the technicians page): a create or adoption leaves it enabled (an
      // enable that did not happen then says disabled), a disable that did not happen leaves it enabled; a succeeded
      // action is its last change, by this run, in the group and pair the action names.
      await prisma.$executeRawUnsafe(
        `UPDATE links AS l
            SET last_run_id = $2::uuid, last_outcome = v.outcome, updated_at = now(),
                technician_status = CASE
                  WHEN a.kind IN ('create', 'adopt') THEN CASE WHEN a.status = 'succeeded' THEN 'enabled' ELSE l.technician_status END
                  WHEN a.kind = 'enable' THEN CASE WHEN a.status = 'succeeded' THEN 'enabled' ELSE 'disabled' END
                  WHEN a.kind = 'disable' THEN CASE WHEN a.status = 'succeeded' THEN 'disabled' ELSE 'enabled' END
                  ELSE l.technician_status END,
                rescue_group_id = COALESCE(a.rescue_group_id, l.rescue_group_id),
                rescue_group_name = COALESCE(a.rescue_group_name, l.rescue_group_name),
                mapping_id = CASE WHEN a.cause -> 'pair' ->> 'mappingId' ~ '^[0-9a-f-]{36}$'
                                  THEN (a.cause -> 'pair' ->> 'mappingId')::uuid ELSE l.mapping_id END,
                changed_at = CASE WHEN a.status = 'succeeded' THEN now() ELSE l.changed_at END,
                changed_by_run_id = CASE WHEN a.status = 'succeeded' THEN $2::uuid ELSE l.changed_by_run_id END
           FROM unnest($3::text[], $4::text[], $5::int[]) AS v(entra, outcome, seq)
           JOIN sync_actions AS a ON a.run_id = $2::uuid AND a.seq = v.seq
          WHERE l.tenant_id = $1::uuid AND l.entra_user_id = v.entra`,
        tenantId,
        runId,
        linkedUsers,
        linkOutcomes,
        linkSeqs,
      );
    }
  }

  async recordLinks(links: readonly Link[]): Promise<void> {
    const { prisma, runId, tenantId } = this.options;
    // One row per user (the last wins), or Postgres refuses to upsert the same row twice in a statement.
    const byUser = new Map(links.map((link) => [link.entraUserId, link]));
    const unique = [...byUser.values()];
    const withFields = unique.filter((link) => link.fields);
    const withoutFields = unique.filter((link) => !link.fields);
    await prisma.$transaction([
      // A technician belongs to one user: a link that now claims a node frees it from any other user's link.
      prisma.$executeRawUnsafe(
        `DELETE FROM links AS l USING unnest($2::text[], $3::int[]) AS v(entra, node)
          WHERE l.tenant_id = $1::uuid AND l.rescue_node_id = v.node AND l.entra_user_id <> v.entra`,
        tenantId,
        unique.map((link) => link.entraUserId),
        unique.map((link) => link.rescueNodeId),
      ),
      prisma.$executeRawUnsafe(
        `INSERT INTO links (id, tenant_id, entra_user_id, rescue_node_id, name, nick, email, sso_id, last_run_id, created_at, updated_at)
         SELECT gen_random_uuid(), $1::uuid, v.entra, v.node, v.name, v.nick, v.email, v.sso, $2::uuid, now(), now()
           FROM unnest($3::text[], $4::int[], $5::text[], $6::text[], $7::text[], $8::text[]) AS v(entra, node, name, nick, email, sso)
         ON CONFLICT (tenant_id, entra_user_id) DO UPDATE
            SET rescue_node_id = EXCLUDED.rescue_node_id, name = EXCLUDED.name, nick = EXCLUDED.nick,
                email = EXCLUDED.email, sso_id = EXCLUDED.sso_id, last_run_id = EXCLUDED.last_run_id, updated_at = now()`,
        tenantId,
        runId,
        withFields.map((link) => link.entraUserId),
        withFields.map((link) => link.rescueNodeId),
        withFields.map((link) => link.fields?.name ?? ""),
        withFields.map((link) => link.fields?.nick ?? ""),
        withFields.map((link) => link.fields?.email ?? ""),
        withFields.map((link) => link.fields?.ssoId ?? ""),
      ),
      // An adoption whose key data is not fully known: empty fields mean "unknown" (see loadTenantLinks).
      prisma.$executeRawUnsafe(
        `INSERT INTO links (id, tenant_id, entra_user_id, rescue_node_id, name, nick, email, sso_id, last_run_id, created_at, updated_at)
         SELECT gen_random_uuid(), $1::uuid, v.entra, v.node, '', '', '', '', $2::uuid, now(), now()
           FROM unnest($3::text[], $4::int[]) AS v(entra, node)
         ON CONFLICT (tenant_id, entra_user_id) DO UPDATE
            SET rescue_node_id = EXCLUDED.rescue_node_id, last_run_id = EXCLUDED.last_run_id, updated_at = now()`,
        tenantId,
        runId,
        withoutFields.map((link) => link.entraUserId),
        withoutFields.map((link) => link.rescueNodeId),
      ),
    ]);
  }

  async removeLinks(links: readonly Link[]): Promise<void> {
    const { prisma, tenantId } = this.options;
    await prisma.$executeRawUnsafe(
      `DELETE FROM links AS l USING unnest($2::text[], $3::int[]) AS v(entra, node)
        WHERE l.tenant_id = $1::uuid AND l.entra_user_id = v.entra AND l.rescue_node_id = v.node`,
      tenantId,
      links.map((link) => link.entraUserId),
      links.map((link) => link.rescueNodeId),
    );
  }

  /**
   * Never throws (the port's contract): a log line that cannot be written goes to the process log instead. Lines
   * logged while a write is under way go together in the next one.
   */
  log(level: LogLevel, message: string, context?: Record<string, unknown>): void {
    const { runId, tenantId, log } = this.options;
    log[level]({ tenantId, runId, ...context }, message);
    this.pendingLog.push({
      tenantId,
      runId,
      level,
      message,
      ...(context ? { context: storedContext(context) } : {}),
    });
    this.logWriter ??= this.writeLog();
  }

  private async writeLog(): Promise<void> {
    const { prisma, runId, log } = this.options;
    try {
      // Yield once, so the lines of one synchronous burst share a write.
      await Promise.resolve();
      while (this.pendingLog.length > 0) {
        const lines = this.pendingLog;
        this.pendingLog = [];
        try {
          await writeWithRunEvent(prisma, this.event("log"), prisma.logEntry.createMany({ data: lines }));
        } catch {
          // One bad line must not cost the others: write them one by one, and name what could not be written.
          for (const line of lines) {
            await writeWithRunEvent(prisma, this.event("log"), prisma.logEntry.create({ data: line })).catch(
              (error: unknown) => log.error({ err: error, runId }, "could not write a sync log entry"),
            );
          }
        }
      }
    } finally {
      // In the same synchronous step as the loop's last check: a line logged later starts a new write.
      this.logWriter = undefined;
    }
  }

  /** Never throws; coalesced, so a burst of progress calls costs one write per interval. */
  progress(progress: RunProgress): void {
    this.latestProgress = progress;
    if (this.progressWriter) return;
    const wait = Math.max(0, this.lastProgressWrite + PROGRESS_INTERVAL_MS - Date.now());
    this.progressWriter = new Promise<void>((resolve) => setTimeout(resolve, wait))
      .then(() => this.writeProgress())
      .finally(() => {
        this.progressWriter = undefined;
      });
  }

  private async writeProgress(): Promise<void> {
    const progress = this.latestProgress;
    if (!progress) return;
    this.latestProgress = undefined;
    this.lastProgressWrite = Date.now();
    const { prisma, runId, log } = this.options;
    try {
      await writeWithRunEvent(
        prisma,
        this.event("progress"),
        prisma.syncRun.update({
          where: { id: runId },
          data: { phase: progress.phase, progressDone: progress.done, progressTotal: progress.total },
        }),
      );
    } catch (error) {
      log.warn({ err: error, runId }, "could not record the run's progress");
    }
  }

  /** Waits until every log line and the last progress are written (before the run's final status). */
  async flush(): Promise<void> {
    await this.progressWriter;
    if (this.latestProgress) await this.writeProgress();
    await this.logWriter;
  }

  private event(change: RunChange) {
    return { runId: this.options.runId, tenantId: this.options.tenantId, change };
  }
}

/** The context as JSON; one that cannot be (a cycle, a bigint) is replaced by a note rather than lose the line. */
function storedContext(context: Record<string, unknown>): object {
  try {
    return JSON.parse(JSON.stringify(context)) as object;
  } catch {
    return { unrecorded: "the context could not be stored as JSON" };
  }
}

/** The run's counts once planned, in the contract's one shape: every action is still `planned`. */
function plannedCounts(plan: Plan): RunCounts {
  const cells = Object.fromEntries(
    ACTION_KINDS.map((kind) => [kind, { planned: plan.counts[kind], succeeded: 0, failed: 0, skipped: 0 }]),
  ) as Pick<RunCounts, (typeof ACTION_KINDS)[number]>;
  return { ...cells, safety: plan.safety, usersInScope: plan.usersInScope };
}
