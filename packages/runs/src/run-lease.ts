// Who executes a run: a lease in Postgres (owner + expiry), taken with a compare-and-set and renewed while the
// worker works (docs/architecture.md, "Run ownership"). Two jobs can never execute one run: a second claim finds the
// lease held and waits (then finds the run finished). A run whose lease nobody renews is found by the reaper.
// Times are the database's (UTC, as Prisma stores them), so clock skew between workers cannot break a lease.
import { type Prisma, type PrismaClient, withTenantRunLock } from "@techsync/db";
import { notifyRunEvent } from "./run-events";

/** The database's clock in the zone Prisma stores timestamps in. */
const DB_NOW = "timezone('UTC', now())";

/** A run is claimed at most this many times; then it ends `interrupted` (something keeps killing it). */
export const MAX_RUN_ATTEMPTS = 5;

export interface LeaseHolder {
  /** Unique per claim (worker id + a random part), so a worker's later claim is never mistaken for this one. */
  owner: string;
  leaseMs: number;
}

export type ClaimResult =
  | { outcome: "claimed"; run: Prisma.SyncRunModel; resumed: boolean }
  /** Nothing to do: the run is finished, blocked, gone, or another worker holds its lease. */
  | { outcome: "skipped"; reason: string }
  /**
   * Not now: another run of the tenant is executing (this one waits behind it, still `queued`, saying so), or this
   * run's lease is still held (a job delivered again while its worker may be alive: try once the lease could expire).
   */
  | { outcome: "wait"; behindRunId: string };

const FINAL_STATUSES: ReadonlySet<string> = new Set(["succeeded", "partial", "failed", "cancelled", "interrupted"]);

/**
 * Claims a queued run, or a running one whose lease expired (its worker died: it resumes, rule 12). Under the
 * tenant's run lock, so two runs of one tenant never execute at once (an approved run waits behind the active one).
 */
export function claimRun(
  prisma: PrismaClient,
  request: { tenantId: string; runId: string } & LeaseHolder,
): Promise<ClaimResult> {
  const { tenantId, runId, owner, leaseMs } = request;
  return withTenantRunLock(prisma, tenantId, async (tx): Promise<ClaimResult> => {
    const run = await tx.syncRun.findFirst({ where: { id: runId, tenantId } });
    if (!run) return { outcome: "skipped", reason: "no such run for this tenant" };
    if (FINAL_STATUSES.has(run.status)) return { outcome: "skipped", reason: `the run is already ${run.status}` };
    if (run.status === "blocked") return { outcome: "skipped", reason: "the run is blocked until approved" };
    const [active] = await tx.$queryRawUnsafe<{ id: string }[]>(
      `SELECT id FROM sync_runs WHERE tenant_id = $1::uuid AND id <> $2::uuid AND status = 'running'
         AND lease_expires_at > ${DB_NOW} LIMIT 1`,
      tenantId,
      runId,
    );
    if (active) {
      await tx.syncRun.updateMany({
        where: { id: runId, status: "queued" },
        data: { phase: `waiting for run ${active.id} of this tenant to finish` },
      });
      await notifyRunEvent(tx, { runId, tenantId, change: "status" });
      return { outcome: "wait", behindRunId: active.id };
    }
    if (run.attempts >= MAX_RUN_ATTEMPTS) {
      await endInterrupted(
        tx,
        { id: runId, tenantId },
        `The run was started ${run.attempts} times and never finished.`,
      );
      return { outcome: "skipped", reason: `the run was interrupted ${run.attempts} times; ended` };
    }
    const claimed = await tx.$queryRawUnsafe<Prisma.SyncRunModel[]>(
      `UPDATE sync_runs SET status = 'running', lease_owner = $2, lease_expires_at = ${DB_NOW} + $3 * interval '1 millisecond',
         attempts = attempts + 1, started_at = coalesce(started_at, ${DB_NOW}), finished_at = NULL, error = NULL
       WHERE id = $1::uuid AND (status = 'queued'
         OR (status = 'running' AND (lease_expires_at IS NULL OR lease_expires_at < ${DB_NOW})))
       RETURNING id`,
      runId,
      owner,
      leaseMs,
    );
    if (claimed.length === 0) return { outcome: "wait", behindRunId: runId };
    // Every status change is announced with its write, so an open run page re-reads the run at once.
    await notifyRunEvent(tx, { runId, tenantId, change: "status" });
    const fresh = await tx.syncRun.findUniqueOrThrow({ where: { id: runId } });
    return { outcome: "claimed", run: fresh, resumed: run.status === "running" || run.attempts > 0 };
  });
}

export type LeaseRenewal = { held: true; cancelRequested: boolean } | { held: false };

/** Extends the lease; `held: false` when another worker took the run or it was ended (stop working on it). */
export async function renewLease(prisma: PrismaClient, runId: string, holder: LeaseHolder): Promise<LeaseRenewal> {
  const rows = await prisma.$queryRawUnsafe<{ cancel_requested_at: Date | null }[]>(
    `UPDATE sync_runs SET lease_expires_at = ${DB_NOW} + $3 * interval '1 millisecond'
     WHERE id = $1::uuid AND lease_owner = $2 AND status = 'running' RETURNING cancel_requested_at`,
    runId,
    holder.owner,
    holder.leaseMs,
  );
  const [row] = rows;
  return row ? { held: true, cancelRequested: row.cancel_requested_at !== null } : { held: false };
}

/**
 * Writes the run's outcome only while this holder still owns it, and gives the lease up: a worker that lost its
 * lease (it stalled past the expiry and another resumed the run) cannot overwrite the new owner's work.
 */
export async function settleRun(
  prisma: PrismaClient,
  run: { id: string; tenantId: string },
  holder: Pick<LeaseHolder, "owner">,
  data: Prisma.SyncRunUpdateManyMutationInput,
): Promise<boolean> {
  const [updated] = await prisma.$transaction([
    prisma.syncRun.updateMany({
      where: { id: run.id, leaseOwner: holder.owner, status: "running" },
      data: { ...data, leaseOwner: null, leaseExpiresAt: null },
    }),
    notifyRunEvent(prisma, { runId: run.id, tenantId: run.tenantId, change: "status" }),
  ]);
  return updated.count === 1;
}

/** Ends a run that cannot go on as `interrupted`, with the reason a person reads. */
export async function endInterrupted(
  tx: Prisma.TransactionClient,
  run: { id: string; tenantId: string },
  reason: string,
): Promise<void> {
  await notifyRunEvent(tx, { runId: run.id, tenantId: run.tenantId, change: "status" });
  await tx.syncRun.updateMany({
    where: { id: run.id, status: { in: ["queued", "running"] } },
    data: {
      status: "interrupted",
      phase: "done",
      finishedAt: new Date(),
      error: `${reason} The next run picks up where it stopped.`,
      leaseOwner: null,
      leaseExpiresAt: null,
    },
  });
}
