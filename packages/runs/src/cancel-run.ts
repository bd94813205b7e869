// A person cancels a run, or asks for a run again after one ended badly. Under the tenant's run lock, like every
// other change of a run's status outside its worker.
import { type Prisma, type PrismaClient, type RunStatus, withTenantRunLock } from "@techsync/db";
import { notifyRunEvent } from "./run-events";

const DB_NOW = "timezone('UTC', now())";

export type CancelResult =
  /** Queued (or running with nobody renewing its lease): ended now. */
  | { outcome: "cancelled"; run: Prisma.SyncRunModel }
  /** Running: its worker stops at the next batch boundary (within a third of the lease) and ends it `cancelled`. */
  | { outcome: "cancel_requested"; run: Prisma.SyncRunModel }
  | { outcome: "not_found" }
  | { outcome: "not_cancellable"; status: RunStatus };

export interface CancelRequest {
  tenantId: string;
  runId: string;
  /** "<actorType>:<actorId>" of the person or key that asked. */
  requestedBy: string;
  /**
   * Inside the same transaction, after the run was ended or its cancel requested (not when a cancel was already
   * requested): audit it. If this throws, nothing changes.
   */
  onChanged?: (
    tx: Prisma.TransactionClient,
    change: { outcome: "cancelled" | "cancel_requested"; run: Prisma.SyncRunModel },
  ) => Promise<void>;
}

export function cancelRun(prisma: PrismaClient, request: CancelRequest): Promise<CancelResult> {
  const { tenantId, runId } = request;
  return withTenantRunLock(prisma, tenantId, async (tx): Promise<CancelResult> => {
    const run = await tx.syncRun.findFirst({ where: { id: runId, tenantId } });
    if (!run) return { outcome: "not_found" };
    // A blocked run is dismissed, not cancelled (its own route); finished runs stay as they ended.
    if (run.status !== "queued" && run.status !== "running") {
      return { outcome: "not_cancellable", status: run.status };
    }
    await notifyRunEvent(tx, { runId, tenantId, change: "status" });
    if (run.status === "running") {
      const [live] = await tx.$queryRawUnsafe<{ live: boolean }[]>(
        `SELECT lease_expires_at > ${DB_NOW} AS live FROM sync_runs WHERE id = $1::uuid`,
        runId,
      );
      if (live?.live) {
        // Asked twice: the first request stands (its time is what the portal shows).
        if (run.cancelRequestedAt) return { outcome: "cancel_requested", run };
        const requested = await tx.syncRun.update({
          where: { id: runId },
          data: { cancelRequestedAt: new Date(), cancelRequestedBy: request.requestedBy },
        });
        await request.onChanged?.(tx, { outcome: "cancel_requested", run: requested });
        return { outcome: "cancel_requested", run: requested };
      }
    }
    const cancelled = await tx.syncRun.update({
      where: { id: runId },
      data: {
        status: "cancelled",
        phase: "done",
        finishedAt: new Date(),
        cancelRequestedAt: run.cancelRequestedAt ?? new Date(),
        cancelRequestedBy: run.cancelRequestedBy ?? request.requestedBy,
        leaseOwner: null,
        leaseExpiresAt: null,
        error: "Cancelled by a person before it finished; what it had applied stays applied.",
      },
    });
    await request.onChanged?.(tx, { outcome: "cancelled", run: cancelled });
    return { outcome: "cancelled", run: cancelled };
  });
}
