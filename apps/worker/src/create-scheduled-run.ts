// A tenant's job scheduler fired: create its SyncRun (trigger "schedule"), unless the tenant cannot or need not run.
import type { PrismaClient } from "@techsync/db";
import { FOLLOW_UP_REQUESTER } from "@techsync/jobs";
import { createRun } from "@techsync/runs";

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
    refuse: async (tx) => {
      const tenant = await tx.tenant.findUnique({
        where: { id: tenantId },
        select: { paused: true, activatedAt: true },
      });
      if (!tenant) return "the tenant no longer exists";
      // rule 14: a scheduler left behind (Redis kept it, or a follow-up) never runs a tenant nobody started.
      if (tenant.activatedAt === null) return "the tenant has not started syncing yet";
      if (tenant.paused) return "the tenant is paused";
      const [rescue, entra, mappings] = await Promise.all([
        tx.rescueConnection.count({ where: { tenantId } }),
        tx.entraConnection.count({ where: { tenantId } }),
        tx.groupMapping.count({ where: { tenantId } }),
      ]);
      return rescue === 0 || entra === 0 || mappings === 0 ? "the tenant is not fully set up yet" : null;
    },
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
