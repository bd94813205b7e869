// Every configuration change leaves an audit event, written in the change's own transaction.
import type { Prisma } from "@techsync/db";
import type { TenantAccess } from "../auth/principal";

export interface AuditedChange {
  action: string;
  target?: string;
  /** What changed, never secret values: secrets are named ("password": "changed"), not shown. */
  details?: Prisma.InputJsonValue;
}

export async function recordAuditEvent(
  tx: Pick<Prisma.TransactionClient, "auditEvent">,
  access: Pick<TenantAccess, "tenantId" | "actor">,
  change: AuditedChange,
): Promise<void> {
  await tx.auditEvent.create({
    data: {
      tenantId: access.tenantId,
      actorType: access.actor.actorType,
      actorId: access.actor.actorId,
      action: change.action,
      target: change.target ?? null,
      ...(change.details === undefined ? {} : { details: change.details }),
    },
  });
}
