// Why a run nobody asked for (the schedule, a follow-up, a Graph notification, a poll) must not be created for a
// tenant now, in words for the worker's log; null when it may. Checked inside createRun's `refuse`, under the lock.
import type { Prisma } from "@techsync/db";

export async function automaticRunRefusal(
  tx: Prisma.TransactionClient,
  tenantId: string,
  options: { requireSetUp: boolean },
): Promise<string | null> {
  const tenant = await tx.tenant.findUnique({ where: { id: tenantId }, select: { paused: true, activatedAt: true } });
  if (!tenant) return "the tenant no longer exists";
  // rule 14: whatever is left behind (a scheduler Redis kept, a follow-up, a notification) never runs a tenant that
  // nobody started syncing.
  if (tenant.activatedAt === null) return "the tenant has not started syncing yet";
  if (tenant.paused) return "the tenant is paused";
  if (!options.requireSetUp) return null;
  // A run that can only fail would just fill the log.
  const [rescue, entra, mappings] = await Promise.all([
    tx.rescueConnection.count({ where: { tenantId } }),
    tx.entraConnection.count({ where: { tenantId } }),
    tx.groupMapping.count({ where: { tenantId } }),
  ]);
  return rescue === 0 || entra === 0 || mappings === 0 ? "the tenant is not fully set up yet" : null;
}
