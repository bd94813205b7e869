// Reads, at most once a day per tenant, when the stored Entra client secret expires from the app registration in
// Graph, for tenants where nobody entered the date. The expiry check (alert-worker.ts) calls it before it looks for
// due secrets. An app without Application.Read.All (or Directory.Read.All) is "not permitted": no date, no error.
// Whatever happens, the check goes on: a tenant that cannot be read is tried again the next day.
import { loadTenantSyncConfig, type PrismaClient, type SecretBox } from "@techsync/db";
import { readClientSecretExpiry } from "@techsync/entra";
import { entraTransport, type OutboundSettings } from "@techsync/outbound";
import type { Logger } from "pino";

export const GRAPH_EXPIRY_READ_INTERVAL_MS = 24 * 3600_000;

export interface GraphSecretExpiryDeps {
  prisma: PrismaClient;
  secretBox: SecretBox;
  outbound?: OutboundSettings;
  log?: Logger;
}

/** Reads Graph for every connection without an entered date whose last read is a day old (or never happened). */
export async function refreshGraphSecretExpiry(deps: GraphSecretExpiryDeps, now: Date = new Date()): Promise<number> {
  const stale = await deps.prisma.entraConnection.findMany({
    where: {
      clientSecretExpiresAt: null,
      OR: [
        { clientSecretGraphReadAt: null },
        { clientSecretGraphReadAt: { lte: new Date(now.getTime() - GRAPH_EXPIRY_READ_INTERVAL_MS) } },
      ],
    },
    select: { tenantId: true, updatedAt: true },
  });
  for (const connection of stale) {
    const expiresAt = await readForTenant(deps, connection.tenantId);
    // Only if the connection is still the one read: a secret changed meanwhile gets its own read.
    await deps.prisma.entraConnection.updateMany({
      where: { tenantId: connection.tenantId, updatedAt: connection.updatedAt },
      data: { clientSecretGraphExpiresAt: expiresAt, clientSecretGraphReadAt: now },
    });
  }
  return stale.length;
}

async function readForTenant(deps: GraphSecretExpiryDeps, tenantId: string): Promise<Date | null> {
  try {
    const config = await loadTenantSyncConfig(deps, tenantId);
    if (!config.entra) return null;
    const transport = entraTransport(config.entra.cloud, config, deps.outbound ?? { emulators: {} });
    const expiry = await readClientSecretExpiry({
      tenantId: config.entra.directoryId,
      clientId: config.entra.clientId,
      clientSecret: config.entra.clientSecret,
      authorityHost: transport.authorityHost,
      graphBaseUrl: transport.graphBaseUrl,
      graphScope: transport.graphScope,
      fetch: transport.fetch,
      maxRetries: 2,
      maxThrottleWaitMs: 60_000,
    });
    if (expiry.status === "found") return expiry.expiresAt;
    deps.log?.info(
      { tenantId, status: expiry.status, ...(expiry.status === "unknown" ? { reason: expiry.reason } : {}) },
      "Entra client secret expiry not read from Graph",
    );
    return null;
  } catch (error) {
    deps.log?.warn(
      { tenantId, err: error instanceof Error ? error.message : String(error) },
      "could not read the Entra client secret expiry",
    );
    return null;
  }
}
