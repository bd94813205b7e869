// A tenant's job scheduler fired: create its SyncRun (trigger "schedule"), unless the tenant cannot or need not run.
import type { PrismaClient } from "@techsync/db";

export type ScheduledRunDecision = { runId: string } | { skipped: string };

/**
 * At most one run per tenant is queued or running: the tenant is locked while we look, so a
 * "sync now" from the API and a scheduled run cannot both start. Tenants that are paused or not yet set up
 * get no run at all (a run that can only fail would just fill the log).
 */
export async function createScheduledRun(prisma: PrismaClient, tenantId: string): Promise<ScheduledRunDecision> {
  return prisma.$transaction(async (tx) => {
    // The same per-tenant lock the API's "sync now" and "approve" take (apps/api start-run.ts), so a scheduled run
    // and a person's run can never both be created.
    await tx.$queryRawUnsafe("SELECT pg_advisory_xact_lock(hashtext($1))::text", tenantId);
    const tenant = await tx.tenant.findUnique({ where: { id: tenantId }, select: { paused: true } });
    if (!tenant) return { skipped: "the tenant no longer exists" };
    if (tenant.paused) return { skipped: "the tenant is paused" };
    const [rescue, entra, mappings, active] = await Promise.all([
      tx.rescueConnection.count({ where: { tenantId } }),
      tx.entraConnection.count({ where: { tenantId } }),
      tx.groupMapping.count({ where: { tenantId } }),
      tx.syncRun.findFirst({ where: { tenantId, status: { in: ["queued", "running"] } }, select: { id: true } }),
    ]);
    if (rescue === 0 || entra === 0 || mappings === 0) return { skipped: "the tenant is not fully set up yet" };
    if (active) return { skipped: `run ${active.id} is already queued or running` };
    const run = await tx.syncRun.create({ data: { tenantId, trigger: "schedule", dryRun: false, status: "queued" } });
    return { runId: run.id };
  });
}
