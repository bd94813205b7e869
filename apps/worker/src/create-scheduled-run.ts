// A tenant's job scheduler fired: create its SyncRun (trigger "schedule"), unless the tenant cannot or need not run.
import type { PrismaClient } from "@techsync/db";
import { FOLLOW_UP_REQUESTER } from "@techsync/jobs";
import { automaticRunRefusal, createRun } from "@techsync/runs";

export type ScheduledRunDecision = { runId: string } | { skipped: string };

/**
 * At most one run per tenant is queued or running (createRun holds the tenant's run lock, the same one "sync now"
 * and "approve" take), so a scheduled run and a person's run can never both be created. Tenants that are paused,
 * not yet started (rule 14) or not yet set up get no run at all (a run that can only fail would just fill the log).
 */
export async function createScheduledRun(
  prisma: PrismaClient,
  tenantId: string,
  requestedBy?: string,
): Promise<ScheduledRunDecision> {
  const created = await createRun(prisma, {
    tenantId,
    trigger: "schedule",
    dryRun: false,
    // The interval schedule runs incrementally; the worker turns it full when no delta link can be trusted or the
    // tenant's full reconcile is due. A follow-up retries what failed transiently, which delta would not show: full.
    mode: requestedBy === FOLLOW_UP_REQUESTER ? "full" : "incremental",
    ...(requestedBy ? { requestedBy } : {}),
    refuse: (tx) => automaticRunRefusal(tx, tenantId, { requireSetUp: true }),
  });
  switch (created.outcome) {
    case "refused":
      return { skipped: created.reason };
    case "existing":
      return { skipped: `run ${created.run.id} is already queued or running` };
    case "created":
      return { runId: created.run.id };
  }
}
