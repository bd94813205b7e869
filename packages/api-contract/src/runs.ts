// Runs: what a run is, what it counted and reported, its actions and its log.
import { z } from "zod";
import { bigintCursor, ZIsoDate, ZLimit, ZTenantParams } from "./common";
import { ZUserExplanation } from "./entra-users";
import {
  ACTION_KINDS,
  type ActionKind,
  type RunStatus,
  ZActionKind,
  ZActionStatus,
  ZLogLevel,
  ZRunStatus,
  ZRunTrigger,
} from "./enums";

const ZCount = z.number().int().min(0);

/** One action kind's actions of a run, by status. */
export const ZActionCounts = z.object({ planned: ZCount, succeeded: ZCount, failed: ZCount, skipped: ZCount });
export type ActionCounts = z.infer<typeof ZActionCounts>;

const ZSafety = z.object({
  disableCount: ZCount,
  linkedCount: ZCount,
  /** The most disables a run may apply without approval. */
  allowed: ZCount,
  blocked: z.boolean(),
});

const kindCells = Object.fromEntries(ACTION_KINDS.map((kind) => [kind, ZActionCounts])) as {
  [K in ActionKind]: typeof ZActionCounts;
};

/**
 * A run's counts, the one shape the worker records: every action kind by status (after planning everything is
 * `planned`; when the run finishes, each action where it ended), plus what planning and the finish add.
 */
export const ZRunCounts = z.object({
  ...kindCells,
  /** Directory users the mappings took in (from planning on). */
  usersInScope: ZCount.optional(),
  /** The safety threshold check of the plan (from planning on). */
  safety: ZSafety.optional(),
  /** Calls made to each system (when the run finished). */
  calls: z.object({ entra: ZCount, rescue: ZCount }).optional(),
});
export type RunCounts = z.infer<typeof ZRunCounts>;

export function emptyRunCounts(): RunCounts {
  const cells = Object.fromEntries(
    ACTION_KINDS.map((kind) => [kind, { planned: 0, succeeded: 0, failed: 0, skipped: 0 }]),
  ) as Record<ActionKind, ActionCounts>;
  return cells;
}

/** A plan's warning, as the engine words it. */
const ZRunWarning = z.object({
  code: z.string(),
  message: z.string(),
  entraUserId: z.string().optional(),
  rescueNodeId: z.number().int().optional(),
  mappingId: z.string().optional(),
  field: z.string().optional(),
  actionId: z.string().optional(),
  refusalCode: z.string().optional(),
});

/** Members of one mapping's group that got no technician, tallied by reason and kind with a few examples. */
const ZSkippedMembers = z.object({
  mappingId: z.string(),
  entraGroupId: z.string().optional(),
  reason: z.string(),
  kind: z.string(),
  count: ZCount,
  examples: z.array(z.object({ id: z.string(), displayName: z.string().nullable() })).optional(),
  message: z.string(),
});

/** A mapping (pair) as a plan names it. */
const ZPairRef = z.object({
  mappingId: z.string(),
  priority: z.number().int(),
  entraGroupId: z.string(),
  entraGroupName: z.string().nullable(),
});

/** A Rescue technician group as a plan names it; `name` null when the group is not in Rescue (any more). */
const ZRescueGroupRef = z.object({ id: z.number().int(), name: z.string().nullable() });

/**
 * What one mapping (pair) brings, in priority order: users read and in scope, the users it owns (rule 8), what is
 * done for them, the users a higher-priority pair takes, and `catchesNobody` when it owns nobody.
 */
export const ZPairSummary = z.object({
  ...ZPairRef.shape,
  rescueGroup: ZRescueGroupRef,
  members: ZCount,
  inScope: ZCount,
  owned: ZCount,
  create: ZCount,
  adopt: ZCount,
  update: ZCount,
  enable: ZCount,
  disable: ZCount,
  lostTo: z.array(z.object({ mappingId: z.string(), priority: z.number().int(), count: ZCount })),
  catchesNobody: z.object({ takenBy: z.array(z.string()), message: z.string() }).optional(),
});
export type PairSummary = z.infer<typeof ZPairSummary>;

/** Creates and enables not applied after Rescue refused a technician licence, with the one reason. */
const ZLicenceShortfall = z.object({
  refusedActionId: z.string(),
  creates: ZCount,
  enables: ZCount,
  message: z.string(),
});

/**
 * Why an action is planned (sync-core's ActionCause): a code, the sentence a person reads, and what it names (the
 * pair that brought the user, the filters that leave it out, the groups it left).
 */
export const ZActionCause = z.looseObject({
  code: z.string(),
  sentence: z.string(),
  pair: ZPairRef.optional(),
  filteredBy: z
    .array(
      ZPairRef.extend({
        filter: z.object({ attribute: z.string(), operator: z.string(), value: z.string() }),
        conditions: z
          .object({
            combinator: z.string(),
            conditions: z.array(
              z.object({ attribute: z.string(), operator: z.string(), value: z.string(), mode: z.string() }),
            ),
          })
          .optional(),
      }),
    )
    .optional(),
  groups: z.array(ZPairRef).optional(),
});
export type ActionCause = z.infer<typeof ZActionCause>;

const ZScopeChange = z.object({
  entraUserId: z.string(),
  displayName: z.string(),
  fromMappingId: z.string().nullable(),
  toMappingId: z.string().nullable(),
  linked: z.boolean(),
});

const ZActionFailure = z.object({
  actionId: z.string(),
  kind: ZActionKind,
  entraUserId: z.string(),
  code: z.string(),
  message: z.string(),
  hint: z.string().optional(),
});

/** What a finished run reports; lists are cut to their first entries, the `*Count` fields say how many there were. */
export const ZRunReport = z.looseObject({
  status: z.enum(["succeeded", "completed-with-failures", "blocked", "dry-run", "cancelled"]).optional(),
  dryRun: z.boolean().optional(),
  durationMs: z.number().optional(),
  calls: z
    .looseObject({ entra: ZCount, rescue: ZCount, rescueByMethod: z.record(z.string(), ZCount).optional() })
    .optional(),
  retries: z.looseObject({ graph: ZCount, graphThrottled: ZCount, rescue: ZCount, engine: ZCount }).optional(),
  safety: ZSafety.optional(),
  warningCount: ZCount.optional(),
  warnings: z.array(ZRunWarning).optional(),
  skippedMemberCount: ZCount.optional(),
  /** Members of mapped groups that got no technician, one tally per mapping, reason and kind. */
  skippedMembers: z.array(ZSkippedMembers).optional(),
  failureCount: ZCount.optional(),
  failures: z.array(ZActionFailure).optional(),
  /** What each mapping brings, in priority order (runs planned before it existed have none). */
  pairs: z.array(ZPairSummary).optional(),
  /** Technician licences the plan needs (creates + enables); Rescue does not say how many are free. */
  licencesNeeded: ZCount.optional(),
  /** Set when a licence refusal stopped the run's creates and enables. */
  licenceShortfall: ZLicenceShortfall.optional(),
  /** rule 13: technicians whose nick and SSO id were read from Rescue before planning (nobody knew them). */
  keyDataReads: ZCount.optional(),
  /**
   * An estimate of a proposed change of the pairs (a run with a proposal): users whose first pair (their priority,
   * rule 8) the change moves — to another pair (their technician stays in its Rescue group, rule 7) or to none.
   */
  scopeChangeCount: ZCount.optional(),
  scopeChanges: z.array(ZScopeChange).optional(),
  /** A run of one user (provision on demand): the decision for that user, step by step, and its result. */
  explanation: ZUserExplanation.optional(),
});
export type RunReport = z.infer<typeof ZRunReport>;

export const ZRun = z.object({
  id: z.uuid(),
  trigger: ZRunTrigger,
  dryRun: z.boolean(),
  /** A dry run estimating a proposed change of the pairs: not a preview of the tenant's configuration. */
  estimate: z.boolean().optional(),
  /**
   * full: read every mapped group; incremental: only what Graph's delta says changed. The worker may run an
   * incremental run full; `modeReason` says which it was and why ("full: delta link expired").
   */
  mode: z.enum(["full", "incremental"]).optional(),
  modeReason: z.string().nullable().optional(),
  status: ZRunStatus,
  requestedBy: z.string().nullable(),
  approvedBy: z.string().nullable(),
  approvedAt: ZIsoDate.nullable(),
  /** When a person asked to cancel the run; while it is still running, its worker is stopping it ("Cancelling…"). */
  cancelRequestedAt: ZIsoDate.nullable(),
  counts: ZRunCounts.nullable(),
  report: ZRunReport.nullable(),
  phase: z.string().nullable(),
  progress: z.object({ done: z.number().int(), total: z.number().int() }),
  error: z.string().nullable(),
  queuedAt: ZIsoDate,
  startedAt: ZIsoDate.nullable(),
  finishedAt: ZIsoDate.nullable(),
});
export type Run = z.infer<typeof ZRun>;

/** A run as the tenant's summary lists its recent ones. */
export const ZRunSummary = z.object({
  id: z.uuid(),
  status: ZRunStatus,
  dryRun: z.boolean(),
  queuedAt: ZIsoDate,
  finishedAt: ZIsoDate.nullable(),
  counts: ZRunCounts.nullable(),
});
export type RunSummary = z.infer<typeof ZRunSummary>;

export const ZRunParams = ZTenantParams.extend({ runId: z.uuid() }).strict();

export const ZStartRunBody = z.strictObject({ dryRun: z.boolean() });
/**
 * rule 11: approve a blocked run, all of it (no body, or no `actionIds`) or the chosen planned actions, named by
 * their plan ids (`<kind>:<entra user id>`, as the run's actions list them). The others are not applied.
 */
export const ZApproveRunBody = z
  .strictObject({ actionIds: z.array(z.string().min(1).max(300)).max(100_000).optional() })
  .nullish();
export type ApproveRunBody = z.infer<typeof ZApproveRunBody>;
export const ZStartRunReply = z.object({ run: ZRun, deduplicated: z.boolean() });
export type StartRunReply = z.infer<typeof ZStartRunReply>;
/**
 * "Run again" of a run that ended failed, interrupted, cancelled or partial: a new run with the same dryRun, or the
 * tenant's run already queued or running (`deduplicated: true`), as "sync now" answers.
 */
export const ZRetryRunReply = ZStartRunReply;
export type RetryRunReply = StartRunReply;
/** Statuses a run may be cancelled in, and those "run again" starts a new run from. */
export const CANCELLABLE_RUN_STATUSES = ["queued", "running"] as const satisfies readonly RunStatus[];
export const RETRYABLE_RUN_STATUSES = [
  "failed",
  "interrupted",
  "cancelled",
  "partial",
] as const satisfies readonly RunStatus[];

export const ZListRunsQuery = z.strictObject({
  status: ZRunStatus.optional(),
  limit: ZLimit,
  /** The id of the last run of the previous page. */
  cursor: z.uuid().optional(),
});
export const ZRunsReply = z.object({ runs: z.array(ZRun), nextCursor: z.string().optional() });
export type RunsReply = z.infer<typeof ZRunsReply>;

export const ZListActionsQuery = z.strictObject({
  kind: ZActionKind.optional(),
  status: ZActionStatus.optional(),
  /** Part of a name or email, any case. */
  q: z.string().trim().min(1).max(200).optional(),
  limit: ZLimit,
  /** The seq of the last action of the previous page. */
  cursor: z.coerce.number().int().min(0).max(2_147_483_647).optional(),
});
export const ZAction = z.object({
  seq: z.number().int(),
  kind: ZActionKind,
  status: ZActionStatus,
  entraUserId: z.string().nullable(),
  rescueNodeId: z.number().int().nullable(),
  /** The group a create lands in, or the group the technician is in. */
  rescueGroupId: z.number().int().nullable(),
  /** That group's name when the plan was made; null for a group no longer in Rescue, and on older runs. */
  rescueGroupName: z.string().nullable(),
  displayName: z.string().nullable(),
  email: z.string().nullable(),
  /** The cause's sentence (on older runs, a shorter reason). */
  reason: z.string(),
  changes: z.unknown().nullable(),
  /** Why, as data; null on older runs. */
  cause: ZActionCause.nullable(),
  errorCode: z.string().nullable(),
  error: z.string().nullable(),
});
export type Action = z.infer<typeof ZAction>;
export const ZActionsReply = z.object({ actions: z.array(ZAction), nextCursor: z.string().optional() });
export type ActionsReply = z.infer<typeof ZActionsReply>;

export const ZLogEntry = z.object({
  id: z.string(),
  runId: z.string().nullable(),
  level: ZLogLevel,
  message: z.string(),
  context: z.unknown().nullable(),
  createdAt: ZIsoDate,
});
export type LogEntry = z.infer<typeof ZLogEntry>;
export const ZRunLogQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(1000).default(500),
  /** The id of the last entry of the previous page. */
  cursor: bigintCursor("a log entry").optional(),
});
export const ZRunLogReply = z.object({ entries: z.array(ZLogEntry), nextCursor: z.string().optional() });

const ZLogFilter = {
  level: ZLogLevel.optional(),
  runId: z.uuid().optional(),
};
export const ZListLogsQuery = z.strictObject({
  ...ZLogFilter,
  limit: ZLimit,
  /** The id of the last entry of the previous page. */
  cursor: bigintCursor("a log entry").optional(),
});
export const ZDownloadLogsQuery = z.strictObject(ZLogFilter);
export const ZLogsReply = z.object({ entries: z.array(ZLogEntry), nextCursor: z.string().optional() });
export type LogsReply = z.infer<typeof ZLogsReply>;

export const ZAuditEventsReply = z.object({
  events: z.array(
    z.object({
      id: z.string(),
      actorType: z.enum(["portal_user", "api_key", "system"]),
      actorId: z.string().nullable(),
      /** The portal user's email, or the API key's name, when they still exist. */
      actorName: z.string().nullable(),
      action: z.string(),
      target: z.string().nullable(),
      details: z.unknown().nullable(),
      createdAt: ZIsoDate,
    }),
  ),
  nextCursor: z.string().optional(),
});
export type AuditEventsReply = z.infer<typeof ZAuditEventsReply>;
export type AuditEvent = AuditEventsReply["events"][number];

export const ZListTechniciansQuery = z.strictObject({
  /** Part of a name or email, any case. */
  q: z.string().trim().min(1, "must not be empty").max(200, "must be at most 200 characters").optional(),
  status: z.enum(["enabled", "disabled"], { error: "must be enabled or disabled" }).optional(),
  /** The Rescue group the technician is in. */
  rescueGroupId: z.coerce.number({ error: "must be a Rescue group's id" }).int().min(0).max(2_147_483_647).optional(),
  /** The pair (mapping) that brought the user. */
  mappingId: z.uuid({ error: "must be a pair's id" }).optional(),
  limit: ZLimit,
  /** The entraUserId of the last technician of the previous page. */
  cursor: z.string().min(1).max(64).optional(),
});
export const ZTechnician = z.object({
  /** The link's id: names the technician in the history route. */
  id: z.uuid(),
  entraUserId: z.string(),
  rescueNodeId: z.number().int(),
  name: z.string(),
  email: z.string(),
  /** "enabled" or "disabled" as the last applied action left it; null when no run said yet. */
  status: z.enum(["enabled", "disabled"]).nullable(),
  rescueGroupId: z.number().int().nullable(),
  rescueGroupName: z.string().nullable(),
  mappingId: z.string().nullable(),
  lastOutcome: z.string().nullable(),
  lastRunId: z.string().nullable(),
  /** When an action last changed the technician, and the run that applied it. */
  changedAt: ZIsoDate.nullable(),
  changedByRunId: z.string().nullable(),
  updatedAt: ZIsoDate,
});
export type Technician = z.infer<typeof ZTechnician>;
export const ZTechniciansReply = z.object({ technicians: z.array(ZTechnician), nextCursor: z.string().optional() });
export type TechniciansReply = z.infer<typeof ZTechniciansReply>;
