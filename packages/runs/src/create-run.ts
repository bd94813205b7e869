// Every trigger creates its run here (API "sync now" and preview, the worker's schedule): one function, one lock.
import { type Prisma, type PrismaClient, type RunTrigger, withTenantRunLock } from "@techsync/db";

export interface RunRequest {
  tenantId: string;
  trigger: RunTrigger;
  dryRun: boolean;
  /** "<actorType>:<actorId>" of the person or key that asked; none for the schedule. */
  requestedBy?: string;
  /**
   * Checked under the lock before anything else: answers why this tenant must not get a run now, or null.
   * The schedule uses it to skip paused and half-configured tenants.
   */
  refuse?: (tx: Prisma.TransactionClient) => Promise<string | null>;
  /** Inside the same transaction, after a new run was inserted (not when the active run is answered): audit it. */
  onCreated?: (tx: Prisma.TransactionClient, run: Prisma.SyncRunModel) => Promise<void>;
}

export type CreateRunResult =
  | { outcome: "created"; run: Prisma.SyncRunModel }
  /** A run of this tenant was already queued or running: that one, no second run. */
  | { outcome: "existing"; run: Prisma.SyncRunModel }
  | { outcome: "refused"; reason: string };

/**
 * At most one run per tenant is queued or running: the look and the insert happen under the tenant's run lock,
 * so two simultaneous triggers (two "sync now", or a person and the schedule) give one run.
 */
export function createRun(prisma: PrismaClient, request: RunRequest): Promise<CreateRunResult> {
  const { tenantId } = request;
  return withTenantRunLock(prisma, tenantId, async (tx): Promise<CreateRunResult> => {
    const reason = request.refuse ? await request.refuse(tx) : null;
    if (reason !== null) return { outcome: "refused", reason };
    const active = await findActiveRun(tx, tenantId);
    if (active) return { outcome: "existing", run: active };
    const run = await tx.syncRun.create({
      data: {
        tenantId,
        trigger: request.trigger,
        dryRun: request.dryRun,
        status: "queued",
        ...(request.requestedBy ? { requestedBy: request.requestedBy } : {}),
      },
    });
    await request.onCreated?.(tx, run);
    return { outcome: "created", run };
  });
}

/** The tenant's queued or running run, newest first (there is at most one while every trigger uses createRun). */
export function findActiveRun(
  tx: Prisma.TransactionClient | PrismaClient,
  tenantId: string,
): Promise<Prisma.SyncRunModel | null> {
  return tx.syncRun.findFirst({
    where: { tenantId, status: { in: ["queued", "running"] } },
    orderBy: { queuedAt: "desc" },
  });
}
