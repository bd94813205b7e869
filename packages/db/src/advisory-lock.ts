// The one place our transaction-scoped advisory locks are taken. Callers name what they serialise; the key
// derivation (hashtext of a text key) lives here only, so two callers guarding the same thing cannot drift apart.
import type { Prisma, PrismaClient } from "./client";

export type AdvisoryLockClient = Pick<Prisma.TransactionClient, "$queryRaw">;

/** What a lock serialises. A tenant's run lock and its owner lock are different keys, so they never wait on each other. */
export type AdvisoryLockScope =
  /** Creating, approving or re-queuing a tenant's run: at most one run is queued or running per tenant. */
  | { kind: "tenant-run"; tenantId: string }
  /** Demoting or removing a tenant's owners: the last owner always remains. */
  | { kind: "tenant-owners"; tenantId: string };

function lockKey(scope: AdvisoryLockScope): string {
  switch (scope.kind) {
    case "tenant-run":
      return scope.tenantId;
    case "tenant-owners":
      return `owners:${scope.tenantId}`;
  }
}

/**
 * Take a transaction-scoped advisory lock inside an open transaction; it is released when the transaction ends.
 * Blocks until the lock is free.
 */
export async function takeTransactionLock(tx: AdvisoryLockClient, scope: AdvisoryLockScope): Promise<void> {
  await tx.$queryRaw`SELECT pg_advisory_xact_lock(hashtext(${lockKey(scope)}))::text`;
}

/** Run `work` in a transaction that holds the tenant's run lock from its first statement. */
export function withTenantRunLock<T>(
  prisma: PrismaClient,
  tenantId: string,
  work: (tx: Prisma.TransactionClient) => Promise<T>,
): Promise<T> {
  return prisma.$transaction(async (tx) => {
    await takeTransactionLock(tx, { kind: "tenant-run", tenantId });
    return work(tx);
  });
}
