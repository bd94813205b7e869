// A person approves a run the safety threshold blocked — all of its planned actions or a chosen subset — and it is
// queued again under the same id, under the run lock. The actions not chosen are marked "not applied" (skipped) in
// the same transaction, so the worker's approved set (the run's still-planned actions) is exactly the chosen ones.
import { type Prisma, type PrismaClient, type RunStatus, withTenantRunLock } from "@techsync/db";
import { acknowledgeConfigFingerprint } from "./config-fingerprint";
import { notifyRunEvent } from "./run-events";

export interface ApprovalRequest {
  tenantId: string;
  runId: string;
  /** "<actorType>:<actorId>" of the approver. */
  approvedBy: string;
  /** How the approver is named to people (the reason on actions not approved); default `approvedBy`. */
  approverName?: string;
  /**
   * The plan's action ids (`<kind>:<entra user id>`) to apply; absent: every planned action of the run. Every id
   * must name a planned action of this run.
   */
  actionIds?: readonly string[];
  /**
   * Inside the same transaction, after the run is queued again: audit it and put it back on the queue. If this
   * throws, the run stays blocked and no action changes.
   */
  onApproved: (tx: Prisma.TransactionClient, run: Prisma.SyncRunModel, tally: ApprovalTally) => Promise<void>;
}

/** How many of the run's planned actions the person approved. */
export interface ApprovalTally {
  approved: number;
  planned: number;
}

export type ApprovalResult =
  | { outcome: "approved"; run: Prisma.SyncRunModel; tally: ApprovalTally }
  | { outcome: "not_found" }
  | { outcome: "not_blocked"; status: RunStatus }
  | { outcome: "nothing_chosen" }
  /** Ids that are not planned actions of this run (another run's, another tenant's, or made up). */
  | { outcome: "unknown_actions"; actionIds: string[] };

/** The error code of a blocked run's action a person left out of an approval, or dismissed with the run. */
export const NOT_APPROVED = "NOT_APPROVED";
export const DISMISSED = "DISMISSED";

/** The plan's id of a recorded action, as sync-core and the held actions name it. */
export function planActionId(row: { kind: string; entraUserId: string | null }): string {
  return `${row.kind}:${row.entraUserId ?? ""}`;
}

export function approveBlockedRun(prisma: PrismaClient, request: ApprovalRequest): Promise<ApprovalResult> {
  const { tenantId, runId } = request;
  return withTenantRunLock(prisma, tenantId, async (tx): Promise<ApprovalResult> => {
    const current = await tx.syncRun.findFirst({ where: { id: runId, tenantId } });
    if (!current) return { outcome: "not_found" };
    if (current.status !== "blocked") return { outcome: "not_blocked", status: current.status };
    const planned = await tx.syncAction.findMany({
      where: { runId, tenantId, status: "planned" },
      select: { id: true, kind: true, entraUserId: true },
    });
    let notChosen: bigint[] = [];
    if (request.actionIds) {
      const chosen = new Set(request.actionIds);
      if (chosen.size === 0) return { outcome: "nothing_chosen" };
      const known = new Set(planned.map(planActionId));
      const unknown = [...chosen].filter((id) => !known.has(id));
      if (unknown.length > 0) return { outcome: "unknown_actions", actionIds: unknown };
      notChosen = planned.filter((row) => !chosen.has(planActionId(row))).map((row) => row.id);
    }
    const tally = { approved: planned.length - notChosen.length, planned: planned.length };
    if (notChosen.length > 0) {
      await tx.syncAction.updateMany({
        where: { id: { in: notChosen }, status: "planned" },
        data: {
          status: "skipped",
          errorCode: NOT_APPROVED,
          error: `Not approved by ${request.approverName ?? request.approvedBy}.`,
        },
      });
      await notifyRunEvent(tx, { runId, tenantId, change: "actions" });
    }
    const run = await tx.syncRun.update({
      where: { id: runId },
      data: { status: "queued", approvedBy: request.approvedBy, approvedAt: new Date() },
    });
    await notifyRunEvent(tx, { runId, tenantId, change: "status" });
    // rule 14: approving a changed configuration's run is seeing what it does.
    if (current.configFingerprint) await acknowledgeConfigFingerprint(tx, tenantId, current.configFingerprint);
    await request.onApproved(tx, run, tally);
    return { outcome: "approved", run, tally };
  });
}
