// A person approves a run the safety threshold blocked: it is queued again under the same id, under the run lock.
import { type Prisma, type PrismaClient, type RunStatus, withTenantRunLock } from "@techsync/db";
import { acknowledgeConfigFingerprint } from "./config-fingerprint";
import { notifyRunEvent } from "./run-events";

export interface ApprovalRequest {
  tenantId: string;
  runId: string;
  /** "<actorType>:<actorId>" of the approver. */
  approvedBy: string;
  /**
   * Inside the same transaction, after the run is queued again: audit it and put it back on the queue. If this
   * throws, the run stays blocked.
   */
  onApproved: (tx: Prisma.TransactionClient, run: Prisma.SyncRunModel) => Promise<void>;
}

export type ApprovalResult =
  | { outcome: "approved"; run: Prisma.SyncRunModel }
  | { outcome: "not_found" }
  | { outcome: "not_blocked"; status: RunStatus };

export function approveBlockedRun(prisma: PrismaClient, request: ApprovalRequest): Promise<ApprovalResult> {
  const { tenantId, runId } = request;
  return withTenantRunLock(prisma, tenantId, async (tx): Promise<ApprovalResult> => {
    const current = await tx.syncRun.findFirst({ where: { id: runId, tenantId } });
    if (!current) return { outcome: "not_found" };
    if (current.status !== "blocked") return { outcome: "not_blocked", status: current.status };
    const run = await tx.syncRun.update({
      where: { id: runId },
      data: { status: "queued", approvedBy: request.approvedBy, approvedAt: new Date() },
    });
    await notifyRunEvent(tx, { runId, tenantId, change: "status" });
    // rule 14: approving a changed configuration's run is seeing what it does.
    if (current.configFingerprint) await acknowledgeConfigFingerprint(tx, tenantId, current.configFingerprint);
    await request.onApproved(tx, run);
    return { outcome: "approved", run };
  });
}
