// How the person or key behind a request is named to people: a portal user by name (else email), an API key by its
// name. Used where a record says who decided something ("not approved by Dana Holder").
import type { Prisma } from "@techsync/db";
import type { TenantAccess } from "../auth/principal";

export async function actorName(
  tx: Pick<Prisma.TransactionClient, "portalUser" | "apiKey">,
  access: Pick<TenantAccess, "actor">,
): Promise<string> {
  const { actorType, actorId } = access.actor;
  if (actorType === "api_key") {
    const key = await tx.apiKey.findUnique({ where: { id: actorId }, select: { name: true } });
    return key ? `API key "${key.name}"` : "an API key";
  }
  const user = await tx.portalUser.findUnique({ where: { id: actorId }, select: { name: true, email: true } });
  return user?.name || user?.email || "a person";
}
