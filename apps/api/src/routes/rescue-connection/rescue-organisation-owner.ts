// rule 15: one owner per Rescue organisation. Two tenants syncing the same organisation fight (one re-enables what
// the other disabled), so a connection records the organisation its API token belongs to (getAccount's AccountID),
// and the database keeps it unique per destination. Here: reading that identity, naming who holds it, and moving
// it from a tenant the caller owns.
import type { Prisma, PrismaClient, TenantSyncConfig } from "@techsync/db";
import { notifyRunEvent } from "@techsync/runs";
import type { ApiDeps } from "../../api-deps";
import { recordAuditEvent } from "../../audit/record-audit-event";
import type { TenantAccess } from "../../auth/principal";
import { rescueClientOf } from "../../connections/tenant-connections";
import { AppError } from "../../errors";

export interface RescueOrganisation {
  accountId: number;
  name: string;
}

type Db = Prisma.TransactionClient | PrismaClient;

/**
 * The organisation these credentials open, from one getAccount call; null when Rescue could not tell (unreachable,
 * token refused, an unreadable reply). A null is not a pass: the tenant's first run asks again before any write.
 */
export async function readRescueOrganisation(
  deps: Pick<ApiDeps, "outbound" | "upstreamTimeoutMs">,
  config: Pick<TenantSyncConfig, "sandboxMode"> & { rescue: NonNullable<TenantSyncConfig["rescue"]> },
): Promise<RescueOrganisation | null> {
  try {
    const account = await rescueClientOf(deps, config).getAccount();
    return account.accountId > 0 ? { accountId: account.accountId, name: account.organization } : null;
  } catch {
    return null;
  }
}

/** The connection of another tenant that holds this organisation on this destination, if any. */
export function findOrganisationHolder(db: Db, tenantId: string, region: string, organisation: RescueOrganisation) {
  return db.rescueConnection.findFirst({
    where: { region, rescueAccountId: organisation.accountId, tenantId: { not: tenantId } },
    select: { tenantId: true, tenant: { select: { name: true } } },
  });
}

export type OrganisationHolder = NonNullable<Awaited<ReturnType<typeof findOrganisationHolder>>>;

async function ownerEmailsOf(db: Db, tenantId: string): Promise<string[]> {
  const owners = await db.membership.findMany({
    where: { tenantId, role: "owner" },
    orderBy: { createdAt: "asc" },
    select: { portalUser: { select: { email: true } } },
  });
  return owners.map((owner) => owner.portalUser.email);
}

/** Whether the person calling is an owner of that tenant (an API key never is). */
export async function callerOwns(db: Db, access: TenantAccess, tenantId: string): Promise<boolean> {
  if (access.actor.actorType !== "portal_user") return false;
  const membership = await db.membership.findUnique({
    where: { tenantId_portalUserId: { tenantId, portalUserId: access.actor.actorId } },
    select: { role: true },
  });
  return membership?.role === "owner";
}

const named = (organisation: RescueOrganisation) =>
  `The Rescue organisation “${organisation.name}” (account ${organisation.accountId})`;

/**
 * The 409 for an organisation another tenant holds. It names that tenant's owners, the people to ask: the contact a
 * customer needs, never a secret. An owner of both tenants is offered the move instead.
 */
export async function organisationTaken(
  db: Db,
  access: TenantAccess,
  organisation: RescueOrganisation,
  holder: OrganisationHolder,
): Promise<AppError> {
  const body = { organisation };
  if (await callerOwns(db, access, holder.tenantId)) {
    return new AppError(
      "organisation_taken",
      `${named(organisation)} is connected to your tenant “${holder.tenant.name}”. A Rescue organisation can be synced by one tenant only: move it here to connect it to this tenant; “${holder.tenant.name}” then loses its Rescue connection and is paused.`,
      undefined,
      { ...body, move: { fromTenantId: holder.tenantId, fromTenantName: holder.tenant.name } },
    );
  }
  const ownerEmails = await ownerEmailsOf(db, holder.tenantId);
  const contact = ownerEmails.length > 0 ? ownerEmails.join(" or ") : "its owner";
  return new AppError(
    "organisation_taken",
    `${named(organisation)} is already connected to another TechSync tenant, and a Rescue organisation can be synced by one tenant only. Ask that tenant's owner (${contact}) to disconnect it, or to invite you to that tenant.`,
    undefined,
    { ...body, ownerEmails },
  );
}

/**
 * Inside the save's transaction: the holder loses its Rescue connection, is paused (so no schedule or run of it
 * touches the organisation again), learns why in its attention reason, and its queued or running runs are stopped.
 * Both tenants get an audit event.
 */
export async function moveOrganisationHere(
  tx: Prisma.TransactionClient,
  access: TenantAccess,
  organisation: RescueOrganisation,
  holder: OrganisationHolder,
): Promise<void> {
  const here = await tx.tenant.findUniqueOrThrow({ where: { id: access.tenantId }, select: { name: true } });
  const by = await tx.portalUser.findUnique({ where: { id: access.actor.actorId }, select: { email: true } });
  const when = new Date().toISOString().slice(0, 10);
  await tx.rescueConnection.delete({ where: { tenantId: holder.tenantId } });
  await tx.tenant.update({
    where: { id: holder.tenantId },
    data: {
      paused: true,
      attentionReason: `${named(organisation)} was moved to the tenant “${here.name}”${by ? ` by ${by.email}` : ""} on ${when}, so this tenant no longer syncs it. Connect another Rescue organisation, or move it back, to sync again.`,
    },
  });
  // The moved tenant's runs stop: queued ones end now, running ones at their next batch boundary (their lease
  // keeper sees the request). Nothing of it writes to the organisation once its new tenant starts syncing.
  const active = await tx.syncRun.findMany({
    where: { tenantId: holder.tenantId, status: { in: ["queued", "running"] } },
    select: { id: true },
  });
  for (const run of active) await notifyRunEvent(tx, { runId: run.id, tenantId: holder.tenantId, change: "status" });
  await tx.syncRun.updateMany({
    where: { tenantId: holder.tenantId, status: "queued" },
    data: {
      status: "cancelled",
      finishedAt: new Date(),
      error: "The Rescue organisation was moved to another tenant.",
    },
  });
  await tx.syncRun.updateMany({
    where: { tenantId: holder.tenantId, status: "running", cancelRequestedAt: null },
    data: { cancelRequestedAt: new Date(), cancelRequestedBy: `${access.actor.actorType}:${access.actor.actorId}` },
  });
  const details = { accountId: organisation.accountId, organization: organisation.name };
  await recordAuditEvent(
    tx,
    { ...access, tenantId: holder.tenantId },
    {
      action: "rescue_connection.moved_away",
      target: `tenant:${access.tenantId}`,
      details: { ...details, toTenantId: access.tenantId, toTenantName: here.name },
    },
  );
  await recordAuditEvent(tx, access, {
    action: "rescue_connection.moved_here",
    target: `tenant:${holder.tenantId}`,
    details: { ...details, fromTenantId: holder.tenantId, fromTenantName: holder.tenant.name },
  });
}
