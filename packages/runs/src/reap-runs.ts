// The reaper's database side: runs nobody executes. A `running` run whose lease expired (its worker died, or lost
// Postgres for longer than the lease) goes back to `queued` to be resumed, or ends `interrupted` once it has been
// tried too often. `queued` runs are listed for the worker to check against the queue (a run whose job Redis lost).
import type { PrismaClient } from "@techsync/db";
import { notifyRunEvent } from "./run-events";
import { endInterrupted, MAX_RUN_ATTEMPTS } from "./run-lease";

const DB_NOW = "timezone('UTC', now())";

export interface RunRef {
  id: string;
  tenantId: string;
}

export interface ReapResult {
  /** Back to `queued`: the caller puts their jobs back on the queue. */
  requeued: RunRef[];
  /** Ended `interrupted`. */
  interrupted: RunRef[];
}

/** Runs `running` with an expired (or no) lease: requeued for another try, or ended after MAX_RUN_ATTEMPTS. */
export async function reapExpiredRuns(prisma: PrismaClient): Promise<ReapResult> {
  const expired = await prisma.$queryRawUnsafe<{ id: string; tenant_id: string; attempts: number }[]>(
    `SELECT id, tenant_id, attempts FROM sync_runs
     WHERE status = 'running' AND (lease_expires_at IS NULL OR lease_expires_at < ${DB_NOW})
     ORDER BY queued_at LIMIT 500`,
  );
  const result: ReapResult = { requeued: [], interrupted: [] };
  for (const row of expired) {
    const ref = { id: row.id, tenantId: row.tenant_id };
    if (row.attempts >= MAX_RUN_ATTEMPTS) {
      const reason = `The run was started ${row.attempts} times and never finished.`;
      await prisma.$transaction((tx) => endInterrupted(tx, ref, reason));
      result.interrupted.push(ref);
      continue;
    }
    // Compare-and-set: a worker that renewed the lease in the meantime keeps its run.
    const [count] = await prisma.$transaction([
      prisma.$executeRawUnsafe(
        `UPDATE sync_runs SET status = 'queued', phase = 'resuming: the worker running it stopped answering',
         lease_owner = NULL, lease_expires_at = NULL
       WHERE id = $1::uuid AND status = 'running' AND (lease_expires_at IS NULL OR lease_expires_at < ${DB_NOW})`,
        row.id,
      ),
      notifyRunEvent(prisma, { runId: row.id, tenantId: row.tenant_id, change: "status" }),
    ]);
    if (count === 1) result.requeued.push(ref);
  }
  return result;
}

/** Runs `queued` for longer than `olderThanMs` (a fresh row may be between its insert and its enqueue). */
export async function listWaitingRuns(prisma: PrismaClient, olderThanMs: number): Promise<RunRef[]> {
  const rows = await prisma.$queryRawUnsafe<{ id: string; tenant_id: string }[]>(
    `SELECT id, tenant_id FROM sync_runs
     WHERE status = 'queued' AND queued_at < ${DB_NOW} - $1 * interval '1 millisecond'
     ORDER BY queued_at LIMIT 1000`,
    olderThanMs,
  );
  return rows.map((row) => ({ id: row.id, tenantId: row.tenant_id }));
}
