// The tenant's own Rescue and Entra clients, for connection tests and pickers (the worker makes its own for runs).
import { loadTenantSyncConfig, type TenantSyncConfig } from "@techsync/db";
import { createEntraDirectorySource, type EntraConnectionConfig, EntraError } from "@techsync/entra";
import { createRescueClient, RescueError } from "@techsync/rescue";
import type { ApiDeps } from "../api-deps";
import { AppError, invalidField } from "../errors";

type ConnectionDeps = Pick<ApiDeps, "prisma" | "secretBox" | "graphCaPem" | "upstreamTimeoutMs">;

export function rescueClientOf(
  deps: Pick<ApiDeps, "upstreamTimeoutMs">,
  rescue: NonNullable<TenantSyncConfig["rescue"]>,
) {
  // One attempt: a person is waiting for the answer, and a refused login should not be repeated.
  return createRescueClient({
    baseUrl: rescue.baseUrl,
    email: rescue.email,
    // The stored token is the Admin Center's "Generate API token" value.
    apiToken: rescue.serviceToken,
    password: rescue.password,
    bulkCreate: rescue.bulkCreate,
    timeoutMs: deps.upstreamTimeoutMs,
    maxAttempts: 1,
  });
}

export function entraConfigOf(
  deps: Pick<ApiDeps, "graphCaPem">,
  entra: NonNullable<TenantSyncConfig["entra"]>,
): EntraConnectionConfig {
  const pointsElsewhere = Boolean(entra.authorityHost || entra.graphBaseUrl);
  return {
    tenantId: entra.directoryId,
    clientId: entra.clientId,
    clientSecret: entra.clientSecret,
    ...(entra.authorityHost ? { authorityHost: entra.authorityHost } : {}),
    ...(entra.graphBaseUrl ? { graphBaseUrl: entra.graphBaseUrl } : {}),
    // Sandbox tenants talk to the Graph emulator, whose certificate a local CA signed.
    ...(pointsElsewhere && deps.graphCaPem ? { ca: deps.graphCaPem } : {}),
  };
}

export async function tenantRescueClient(deps: ConnectionDeps, tenantId: string) {
  const config = await loadTenantSyncConfig(deps, tenantId);
  if (!config.rescue) throw new AppError("not_connected", "The tenant has no Rescue connection yet: set it first.");
  return rescueClientOf(deps, config.rescue);
}

export async function tenantEntraSource(deps: ConnectionDeps, tenantId: string) {
  const config = await loadTenantSyncConfig(deps, tenantId);
  if (!config.entra) throw new AppError("not_connected", "The tenant has no Entra connection yet: set it first.");
  return createEntraDirectorySource(entraConfigOf(deps, config.entra));
}

/** A Rescue or Entra failure in plain words, with what to do; anything else is ours and stays a 500. */
export function upstreamError(error: unknown): unknown {
  if (error instanceof RescueError) {
    return new AppError("upstream_error", `Rescue: ${error.message}.${error.hint ? ` ${error.hint}` : ""}`);
  }
  if (error instanceof EntraError) {
    if (error.code === "invalidPageToken") return invalidField("pageToken", error.message);
    return new AppError("upstream_error", `Entra: ${error.message}${error.hint ? ` ${error.hint}` : ""}`);
  }
  return error;
}
