// Keeps each syncing tenant's Graph change-notification subscriptions alive: one tenant-wide `groups` and one
// `users` subscription (two of the 100 an app may hold per tenant), created when syncing starts, renewed well
// before they expire, recreated when Graph has lost them, removed when the tenant pauses. Without a public API
// URL Graph cannot reach us: the tenant is polled for changes every few minutes instead. Either way notifications
// only trigger incremental runs; the scheduled full run still catches whatever a lost notification missed.
import { randomBytes } from "node:crypto";
import { loadTenantSyncConfig, type PrismaClient, SECRET_FIELDS, type SecretBox, tenantDataKey } from "@techsync/db";
import { createTenantClients, GraphRequestError, type TenantGraphClient } from "@techsync/entra";
import { type SyncQueue, setIncrementalPolling } from "@techsync/jobs";
import { entraTransport, type OutboundSettings } from "@techsync/outbound";
import type { Logger } from "pino";

export const SUBSCRIBED_RESOURCES = ["groups", "users"] as const;
/** Requested lifetime: 3 days (Graph allows up to 41,760 minutes; shorter keeps a forgotten one from lingering). */
export const SUBSCRIPTION_LIFETIME_MS = 3 * 24 * 3600_000;
/** Renewed once less than this is left: a day of slack for a worker or Graph outage. */
export const RENEW_BEFORE_MS = 24 * 3600_000;

export interface SubscriptionUpkeepDeps {
  prisma: PrismaClient;
  secretBox: SecretBox;
  queue: SyncQueue;
  log: Logger;
  /** The API's public origin (PUBLIC_API_URL); undefined: no subscriptions, polling instead. */
  publicApiUrl: string | undefined;
  outbound?: OutboundSettings;
  now?: () => number;
  /** Tests hand in a Graph client; otherwise one is built from the tenant's Entra connection. */
  graphClient?: (tenantId: string) => Promise<TenantGraphClient>;
}

export function notificationUrls(publicApiUrl: string) {
  return {
    notificationUrl: `${publicApiUrl}/v1/graph/notifications`,
    lifecycleNotificationUrl: `${publicApiUrl}/v1/graph/lifecycle`,
  };
}

async function tenantGraphClient(deps: SubscriptionUpkeepDeps, tenantId: string): Promise<TenantGraphClient> {
  if (deps.graphClient) return deps.graphClient(tenantId);
  const config = await loadTenantSyncConfig(deps, tenantId);
  if (!config.entra) throw new Error("the tenant has no Entra connection");
  const transport = entraTransport(config.entra.cloud, config, deps.outbound ?? { emulators: {} });
  return createTenantClients({
    tenantId: config.entra.directoryId,
    clientId: config.entra.clientId,
    clientSecret: config.entra.clientSecret,
    authorityHost: transport.authorityHost,
    graphBaseUrl: transport.graphBaseUrl,
    graphScope: transport.graphScope,
    fetch: transport.fetch,
  }).graph;
}

function isNotFound(error: unknown): boolean {
  return error instanceof GraphRequestError && error.status === 404;
}

function isConflict(error: unknown): boolean {
  return error instanceof GraphRequestError && error.status === 409;
}

/**
 * Creates the tenant's missing subscriptions and renews those due (or all of them with `renewAll`) (a renewal Graph answers 404 is recreated).
 * Tenants that may not run automatically (rule 14, paused) get theirs removed instead.
 */
export async function ensureGraphSubscriptions(
  deps: SubscriptionUpkeepDeps,
  tenantId: string,
  options: { renewAll?: boolean } = {},
): Promise<void> {
  const now = deps.now ?? Date.now;
  const tenant = await deps.prisma.tenant.findUnique({
    where: { id: tenantId },
    select: { activatedAt: true, paused: true, dataKeyWrapped: true, dataKeyMasterKeyId: true, entraConnection: true },
  });
  if (!tenant || tenant.activatedAt === null || tenant.paused || !tenant.entraConnection) {
    await removeGraphSubscriptions(deps, tenantId);
    return;
  }
  if (!deps.publicApiUrl) {
    // Graph cannot reach us: poll instead (and drop any subscription left from when it could).
    await removeGraphSubscriptions(deps, tenantId, { keepPolling: true });
    await setIncrementalPolling(deps.queue, tenantId, true);
    return;
  }
  await setIncrementalPolling(deps.queue, tenantId, false);
  const graph = await tenantGraphClient(deps, tenantId);
  const existing = await deps.prisma.graphSubscription.findMany({ where: { tenantId } });
  const expirationDateTime = new Date(now() + SUBSCRIPTION_LIFETIME_MS).toISOString();
  for (const resource of SUBSCRIBED_RESOURCES) {
    const row = existing.find((candidate) => candidate.resource === resource);
    // renewAll: Graph asked for reauthorization (a renewal reauthorizes too), so every subscription is renewed now.
    if (row && !options.renewAll && row.expiresAt.getTime() - now() > RENEW_BEFORE_MS) continue;
    if (row) {
      try {
        const renewed = await graph.renewSubscription(row.subscriptionId, expirationDateTime);
        await deps.prisma.graphSubscription.update({
          where: { id: row.id },
          data: { expiresAt: new Date(renewed.expirationDateTime) },
        });
        continue;
      } catch (error) {
        if (!isNotFound(error)) throw error;
        deps.log.info({ tenantId, resource }, "Graph no longer has the subscription; creating it again");
        await deps.prisma.graphSubscription.delete({ where: { id: row.id } });
      }
    }
    await createSubscription(deps, graph, { ...tenant, id: tenantId }, resource, expirationDateTime);
  }
}

async function createSubscription(
  deps: SubscriptionUpkeepDeps,
  graph: TenantGraphClient,
  tenant: { id: string; dataKeyWrapped: string; dataKeyMasterKeyId: string },
  resource: (typeof SUBSCRIBED_RESOURCES)[number],
  expirationDateTime: string,
) {
  // A fresh secret per subscription; Graph echoes it in every notification and never shows it again.
  const clientState = randomBytes(32).toString("base64url");
  const request = {
    changeType: "updated,deleted",
    resource,
    expirationDateTime,
    clientState,
    ...notificationUrls(deps.publicApiUrl ?? ""),
  };
  let created: Awaited<ReturnType<TenantGraphClient["createSubscription"]>>;
  try {
    created = await graph.createSubscription(request);
  } catch (error) {
    if (!isConflict(error)) throw error;
    // Graph still holds one we lost track of (its clientState is unknown to us): replace it.
    for (const stale of await graph.listSubscriptions()) {
      if (stale.resource.toLowerCase() === resource) await graph.deleteSubscription(stale.id);
    }
    created = await graph.createSubscription(request);
  }
  await deps.prisma.graphSubscription.create({
    data: {
      tenantId: tenant.id,
      subscriptionId: created.id,
      resource,
      expiresAt: new Date(created.expirationDateTime),
      clientStateEnc: deps.secretBox.encrypt(
        tenant.id,
        tenantDataKey(tenant),
        SECRET_FIELDS.graphClientState,
        clientState,
      ),
    },
  });
}

/**
 * Deletes the tenant's subscriptions in Graph (best effort: a tenant whose connection no longer works simply lets
 * them expire; notifications for a forgotten subscription are ignored) and forgets them; polling stops too.
 */
export async function removeGraphSubscriptions(
  deps: SubscriptionUpkeepDeps,
  tenantId: string,
  options: { keepPolling?: boolean } = {},
): Promise<void> {
  if (!options.keepPolling) await setIncrementalPolling(deps.queue, tenantId, false);
  const rows = await deps.prisma.graphSubscription.findMany({ where: { tenantId } });
  if (rows.length === 0) return;
  try {
    const graph = await tenantGraphClient(deps, tenantId);
    for (const row of rows) await graph.deleteSubscription(row.subscriptionId);
  } catch (error) {
    deps.log.warn(
      { tenantId, err: (error as Error).message },
      "could not delete Graph subscriptions; they will expire",
    );
  }
  await deps.prisma.graphSubscription.deleteMany({ where: { tenantId, id: { in: rows.map((row) => row.id) } } });
}

/**
 * The scheduled sweep: every tenant with a subscription due for renewal is brought up to date, and so is every
 * syncing tenant that has none yet (it started syncing before notifications existed, or its job failed for good).
 */
export async function renewDueGraphSubscriptions(deps: SubscriptionUpkeepDeps): Promise<string[]> {
  const now = deps.now ?? Date.now;
  const due = await deps.prisma.graphSubscription.findMany({
    where: { expiresAt: { lte: new Date(now() + RENEW_BEFORE_MS) } },
    select: { tenantId: true },
    distinct: ["tenantId"],
  });
  const missing = await deps.prisma.tenant.findMany({
    where: {
      activatedAt: { not: null },
      paused: false,
      entraConnection: { isNot: null },
      graphSubscriptions: { none: {} },
    },
    select: { id: true },
  });
  const tenantIds = [...new Set([...due.map((row) => row.tenantId), ...missing.map((tenant) => tenant.id)])];
  for (const tenantId of tenantIds) {
    try {
      await ensureGraphSubscriptions(deps, tenantId);
    } catch (error) {
      deps.log.warn({ tenantId, err: (error as Error).message }, "renewing Graph subscriptions failed");
    }
  }
  return tenantIds;
}
