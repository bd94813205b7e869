// The tenant's own Rescue and Entra clients, for connection tests and pickers (the worker makes its own for runs).
// Each is built from the connection's destination NAME through the outbound policy: a tenant never supplies a URL.
import { DestinationError } from "@techsync/config/destinations";
import { loadTenantSyncConfig, type TenantSyncConfig } from "@techsync/db";
import { createEntraDirectorySource, type EntraConnectionConfig, EntraError } from "@techsync/entra";
import { entraTransport, isOutboundRefusal, rescueTransport } from "@techsync/outbound";
import { createRescueClient, RescueError } from "@techsync/rescue";
import type { ApiDeps } from "../api-deps";
import { AppError, invalidField } from "../errors";

type ConnectionDeps = Pick<ApiDeps, "prisma" | "secretBox" | "outbound" | "upstreamTimeoutMs">;

/** A stored destination this tenant may no longer use (left sandbox mode, or the server lost its emulator). */
function unusableDestination(error: unknown): never {
  if (error instanceof DestinationError) {
    throw new AppError("not_connected", `The connection's ${error.field} cannot be used: ${error.message}`);
  }
  throw error;
}

export function rescueClientOf(
  deps: Pick<ApiDeps, "outbound" | "upstreamTimeoutMs">,
  config: Pick<TenantSyncConfig, "sandboxMode"> & { rescue: NonNullable<TenantSyncConfig["rescue"]> },
) {
  const { rescue } = config;
  let transport: ReturnType<typeof rescueTransport>;
  try {
    transport = rescueTransport(rescue.region, config, { ...deps.outbound, totalTimeoutMs: deps.upstreamTimeoutMs });
  } catch (error) {
    unusableDestination(error);
  }
  // One attempt: a person is waiting for the answer, and a refused login should not be repeated.
  return createRescueClient({
    baseUrl: transport.baseUrl,
    fetch: transport.fetch as typeof fetch,
    email: rescue.email,
    // The stored token is the Admin Center's "Generate API token" value; the password is optional.
    apiToken: rescue.apiToken,
    password: rescue.password ?? undefined,
    bulkCreate: rescue.bulkCreate,
    timeoutMs: deps.upstreamTimeoutMs,
    maxAttempts: 1,
  });
}

export function entraConfigOf(
  deps: Pick<ApiDeps, "outbound" | "upstreamTimeoutMs">,
  config: Pick<TenantSyncConfig, "sandboxMode"> & { entra: NonNullable<TenantSyncConfig["entra"]> },
): EntraConnectionConfig {
  const { entra } = config;
  let transport: ReturnType<typeof entraTransport>;
  try {
    transport = entraTransport(entra.cloud, config, { ...deps.outbound, totalTimeoutMs: deps.upstreamTimeoutMs });
  } catch (error) {
    unusableDestination(error);
  }
  return {
    tenantId: entra.directoryId,
    clientId: entra.clientId,
    clientSecret: entra.clientSecret,
    authorityHost: transport.authorityHost,
    graphBaseUrl: transport.graphBaseUrl,
    graphScope: transport.graphScope,
    fetch: transport.fetch,
  };
}

export async function tenantRescueClient(deps: ConnectionDeps, tenantId: string) {
  const config = await loadTenantSyncConfig(deps, tenantId);
  if (!config.rescue) throw new AppError("not_connected", "The tenant has no Rescue connection yet: set it first.");
  return rescueClientOf(deps, { sandboxMode: config.sandboxMode, rescue: config.rescue });
}

export async function tenantEntraSource(deps: ConnectionDeps, tenantId: string) {
  const config = await loadTenantSyncConfig(deps, tenantId);
  if (!config.entra) throw new AppError("not_connected", "The tenant has no Entra connection yet: set it first.");
  return createEntraDirectorySource(entraConfigOf(deps, { sandboxMode: config.sandboxMode, entra: config.entra }));
}

/**
 * A Rescue or Entra failure in plain words, with what to do; anything else is ours and stays a 500. Messages are
 * the clients' own (status codes and return codes), never an upstream body.
 */
export function upstreamError(error: unknown): unknown {
  if (isOutboundRefusal(error)) {
    return new AppError("upstream_error", "The connection's destination resolved to an address TechSync may not call.");
  }
  if (error instanceof RescueError) {
    return new AppError("upstream_error", `Rescue: ${error.message}.${error.hint ? ` ${error.hint}` : ""}`);
  }
  if (error instanceof EntraError) {
    if (error.code === "invalidPageToken") return invalidField("pageToken", error.message);
    return new AppError("upstream_error", `Entra: ${error.message}${error.hint ? ` ${error.hint}` : ""}`);
  }
  return error;
}
