import { type AdvisoryLockClient, type Prisma, takeTransactionLock } from "@techsync/db";
import { AppError } from "../../errors";

/** A tenant always keeps an owner: the last one can be neither demoted nor removed. Call inside the change's transaction. */
export async function ensureAnotherOwnerRemains(
  tx: Pick<Prisma.TransactionClient, "membership"> & AdvisoryLockClient,
  tenantId: string,
  userId: string,
): Promise<void> {
  // Serialise owner changes of one tenant, so two owners cannot demote each other at once.
  await takeTransactionLock(tx, { kind: "tenant-owners", tenantId });
  const otherOwners = await tx.membership.count({
    where: { tenantId, role: "owner", portalUserId: { not: userId } },
  });
  if (otherOwners === 0)
    throw new AppError(
      "conflict",
      "The last owner of an organisation cannot be demoted or removed: make another member an owner first.",
    );
}
