// The run list and a run's action list, keyset-paged. Hand-written SQL: these are the hottest lists (Prisma's row
// mapping was a third of the run list's CPU, and a run may have 10,000 actions). Values only travel as parameters.
import type { ActionKind, ActionStatus, Prisma, PrismaClient, RunStatus } from "@techsync/db";

/** A run's columns under the model's field names. */
const RUN_COLUMNS = `id, tenant_id AS "tenantId", trigger::text AS trigger, dry_run AS "dryRun", status::text AS status,
  requested_by AS "requestedBy", approved_by AS "approvedBy", approved_at AS "approvedAt",
  cancel_requested_at AS "cancelRequestedAt", counts, report, phase,
  progress_done AS "progressDone", progress_total AS "progressTotal", error, queued_at AS "queuedAt",
  started_at AS "startedAt", finished_at AS "finishedAt"`;

export interface RunPageQuery {
  tenantId: string;
  status?: RunStatus;
  /** Runs queued before this run of the same tenant (an id that is not the tenant's yields no rows). */
  afterRunId?: string;
  take: number;
}

/** A tenant's runs, newest first, keyset-paged on (queuedAt, id) so page 200 costs what page 1 does. */
export function queryRunPage(prisma: PrismaClient, query: RunPageQuery): Promise<Prisma.SyncRunModel[]> {
  const params: unknown[] = [query.tenantId];
  const where = ["tenant_id = $1::uuid"];
  if (query.status) {
    params.push(query.status);
    where.push(`status = $${params.length}::"RunStatus"`);
  }
  if (query.afterRunId) {
    params.push(query.afterRunId);
    where.push(
      `(queued_at, id) < (SELECT queued_at, id FROM sync_runs WHERE id = $${params.length}::uuid AND tenant_id = $1::uuid)`,
    );
  }
  params.push(query.take);
  return prisma.$queryRawUnsafe<Prisma.SyncRunModel[]>(
    `SELECT ${RUN_COLUMNS} FROM sync_runs WHERE ${where.join(" AND ")} ORDER BY queued_at DESC, id DESC LIMIT $${params.length}`,
    ...params,
  );
}

const ACTION_COLUMNS = `seq, kind::text AS kind, status::text AS status, entra_user_id AS "entraUserId",
  rescue_node_id AS "rescueNodeId", rescue_group_id AS "rescueGroupId", rescue_group_name AS "rescueGroupName",
  display_name AS "displayName", email, reason, changes, cause, error_code AS "errorCode", error`;

export interface RunActionRow {
  seq: number;
  kind: ActionKind;
  status: ActionStatus;
  entraUserId: string | null;
  rescueNodeId: number | null;
  rescueGroupId: number | null;
  /** null for a group no longer in Rescue when the plan was made, and on rows planned before names were kept. */
  rescueGroupName: string | null;
  displayName: string | null;
  email: string | null;
  reason: string;
  changes: unknown;
  /** sync-core's ActionCause as stored; null on older rows. */
  cause: unknown;
  errorCode: string | null;
  error: string | null;
}

export interface RunActionPageQuery {
  tenantId: string;
  runId: string;
  kind?: ActionKind;
  status?: ActionStatus;
  afterSeq?: number;
  /** Matched literally, case-insensitively, in the display name or the email: its own % and _ are not wildcards. */
  search?: string;
  take: number;
}

function containsPattern(q: string): string {
  return `%${q.replace(/[\\%_]/g, "\\$&")}%`;
}

/** A run's actions in plan order, keyset-paged on seq; scoped by tenant, so another tenant's run yields no rows. */
export function queryRunActionPage(prisma: PrismaClient, query: RunActionPageQuery): Promise<RunActionRow[]> {
  const params: unknown[] = [query.runId, query.tenantId];
  const where = ["run_id = $1::uuid", "tenant_id = $2::uuid"];
  if (query.kind) {
    params.push(query.kind);
    where.push(`kind = $${params.length}::"ActionKind"`);
  }
  if (query.status) {
    params.push(query.status);
    where.push(`status = $${params.length}::"ActionStatus"`);
  }
  if (query.afterSeq !== undefined) {
    params.push(query.afterSeq);
    where.push(`seq > $${params.length}`);
  }
  if (query.search) {
    params.push(containsPattern(query.search));
    where.push(`(display_name ILIKE $${params.length} OR email ILIKE $${params.length})`);
  }
  params.push(query.take);
  return prisma.$queryRawUnsafe<RunActionRow[]>(
    `SELECT ${ACTION_COLUMNS} FROM sync_actions WHERE ${where.join(" AND ")} ORDER BY seq ASC LIMIT $${params.length}`,
    ...params,
  );
}
