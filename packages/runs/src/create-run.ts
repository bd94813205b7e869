// Every trigger creates its run here (API "sync now" and preview, the worker's schedule, an estimate of a proposed
// change): one function, one lock.
import type { MappingProposal } from "@techsync/api-contract";
import { type Prisma, type PrismaClient, type RunTrigger, withTenantRunLock } from "@techsync/db";

export interface RunRequest {
  tenantId: string;
  trigger: RunTrigger;
  dryRun: boolean;
  /** "<actorType>:<actorId>" of the person or key that asked; none for the schedule. */
  requestedBy?: string;
  /**
   * An estimate: a dry run planning with this change of the pairs applied (never saved). Only when the tenant has no
   * run queued or running (refused otherwise); and never the answer to another trigger's request.
   */
  proposal?: MappingProposal;
  /**
   * "incremental": read only what Graph's delta says changed (the worker runs it full when it cannot: no delta link
   * yet, an expired one, changed mappings, or a full reconcile is due). Default "full".
   */
  mode?: "full" | "incremental";
  /**
   * A run of one Entra user (provision on demand). Like an estimate it is nobody else's run: a trigger meanwhile gets
   * a run of its own; unlike one it may be created while another run is going, and its claim waits behind that run
   * (one run of a tenant executes at a time).
   */
  subjectEntraUserId?: string;
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
    if (request.proposal) {
      if (await findActiveRun(tx, tenantId))
        return { outcome: "refused", reason: "another run of the tenant is going" };
    } else if (request.subjectEntraUserId) {
      // The same user asked twice while the first is still going: that run answers both.
      const same = await tx.syncRun.findFirst({
        where: { tenantId, status: { in: ["queued", "running"] }, subjectEntraUserId: request.subjectEntraUserId },
      });
      if (same) return { outcome: "existing", run: same };
    } else {
      // An estimate or a run of one user is nobody else's run: "sync now" meanwhile gets a run of its own, which
      // waits behind it.
      const active = await findActiveRun(tx, tenantId, { estimates: false });
      if (active) return { outcome: "existing", run: active };
    }
    const run = await tx.syncRun.create({
      data: {
        tenantId,
        trigger: request.trigger,
        dryRun: request.dryRun,
        status: "queued",
        ...(request.proposal ? { proposal: request.proposal } : {}),
        // An estimate plans the whole directory with the proposal: never incremental.
        mode: request.proposal ? "full" : (request.mode ?? "full"),
        ...(request.subjectEntraUserId ? { subjectEntraUserId: request.subjectEntraUserId } : {}),
        ...(request.requestedBy ? { requestedBy: request.requestedBy } : {}),
      },
    });
    await request.onCreated?.(tx, run);
    return { outcome: "created", run };
  });
}

/**
 * The tenant's queued or running run, newest first (there is at most one while every trigger uses createRun, and an
 * estimate and runs of one user besides). `estimates: false` leaves those out.
 */
export async function findActiveRun(
  tx: Prisma.TransactionClient | PrismaClient,
  tenantId: string,
  options: { estimates?: boolean } = {},
): Promise<Prisma.SyncRunModel | null> {
  const active = await tx.syncRun.findMany({
    where: { tenantId, status: { in: ["queued", "running"] } },
    orderBy: { queuedAt: "desc" },
    take: 3,
  });
  return (
    active.find((run) => options.estimates !== false || (run.proposal === null && run.subjectEntraUserId === null)) ??
    null
  );
}
