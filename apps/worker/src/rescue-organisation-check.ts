// rule 15: one owner per Rescue organisation, checked by the run itself before it reads or writes anything. The
// API records the organisation when a connection is saved or tested; when Rescue could not be asked then (it was
// down), or the token now opens another organisation, this is the last guard before two tenants would fight.
import type { PrismaClient } from "@techsync/db";
import type { RescueClient } from "@techsync/rescue";
import { type RunInput, RunSetupError } from "@techsync/runs";
import { type Clock, type RetryPolicy, retryCall, SyncPortError } from "@techsync/sync-core";

type Organisation = { accountId: number; name: string };

const named = (organisation: Organisation) =>
  `the Rescue organisation “${organisation.name}” (account ${organisation.accountId})`;

/** Who to ask about an organisation another tenant holds: that tenant's owners (their emails, nothing secret). */
async function ownerContact(prisma: PrismaClient, tenantId: string): Promise<string> {
  const owners = await prisma.membership.findMany({
    where: { tenantId, role: "owner" },
    orderBy: { createdAt: "asc" },
    select: { portalUser: { select: { email: true } } },
  });
  return owners.length > 0 ? owners.map((owner) => owner.portalUser.email).join(" or ") : "its owner";
}

/**
 * Asks Rescue which organisation the token opens (getAccount, retried like any read of the run) and:
 * - records it when the connection has none yet, unless another tenant holds it: then the run fails;
 * - fails the run when it is not the organisation recorded (the token now belongs to another one).
 * Fails with a RunSetupError, which sets the tenant's attention reason: a person must act.
 */
export async function checkRescueOrganisation(
  deps: { prisma: PrismaClient; clock: Clock; retry: RetryPolicy; signal?: AbortSignal },
  tenantId: string,
  rescue: RunInput["config"]["rescue"],
  client: Pick<RescueClient, "getAccount">,
): Promise<Organisation> {
  const { value: account } = await retryCall(() => client.getAccount(), {
    policy: deps.retry,
    sleep: (ms) => deps.clock.sleep(ms),
    signal: deps.signal,
    decide: (error) =>
      error instanceof SyncPortError && error.retryable
        ? { kind: "retry", retryAfterMs: error.retryAfterMs }
        : { kind: "stop" },
  });
  const found = { accountId: account.accountId, name: account.organization };
  const recorded = rescue.organisation;
  if (recorded) {
    if (recorded.accountId === found.accountId) return recorded;
    throw new RunSetupError(
      `The API token now belongs to ${named(found)}, not ${named(recorded)} that this tenant connected, so the run stopped before changing anything.`,
      `If “${found.name}” is the organisation to sync, save the Rescue connection again; otherwise enter the API token of “${recorded.name}”.`,
    );
  }
  const holder = await deps.prisma.rescueConnection.findFirst({
    where: { region: rescue.region, rescueAccountId: found.accountId, tenantId: { not: tenantId } },
    select: { tenantId: true },
  });
  if (!holder) {
    try {
      await deps.prisma.rescueConnection.update({
        where: { tenantId },
        data: { rescueAccountId: found.accountId, rescueOrganization: found.name },
      });
      return found;
    } catch (error) {
      // Another tenant recorded it between the look-up and this write: the unique index keeps one.
      if ((error as { code?: string }).code !== "P2002") throw error;
    }
  }
  const holderId =
    holder?.tenantId ??
    (
      await deps.prisma.rescueConnection.findFirstOrThrow({
        where: { region: rescue.region, rescueAccountId: found.accountId },
        select: { tenantId: true },
      })
    ).tenantId;
  throw new RunSetupError(
    `${named(found)[0]!.toUpperCase()}${named(found).slice(1)} is already connected to another TechSync tenant, and a Rescue organisation can be synced by one tenant only, so the run stopped before changing anything.`,
    `Ask that tenant's owner (${await ownerContact(deps.prisma, holderId)}) to disconnect it, or connect another organisation.`,
  );
}
