// Builds one run's Entra and Rescue adapters from the tenant's decrypted connections. Every back-off an adapter
// takes (Graph 429/503 with Retry-After, Rescue ERROR or a timeout) is reported, so the run's log shows its retries.
import type { TenantSyncConfig } from "@techsync/db";
import { createEntraDirectorySource, type EntraDirectorySource } from "@techsync/entra";
import { createRescueClient, type RescueClient } from "@techsync/rescue";

export type AdapterSystem = "entra" | "rescue";

export interface TenantAdapterOptions {
  /** PEM of the Graph emulator's CA, trusted for sandbox tenants (GRAPH_EMULATOR_CA_PATH). */
  graphEmulatorCa?: string;
  /** Called before each back-off sleep an adapter takes. */
  onBackoff: (system: AdapterSystem, waitMs: number) => void;
  /** Per Rescue HTTP call (default 30 s). */
  rescueTimeoutMs?: number;
  /** Tries per Rescue call inside the client; sync-core's executor retries around it too, so keep it low. */
  rescueMaxAttempts?: number;
  rescueRetryDelayMs?: number;
  /** Technicians per createTechnicians call (default the client's 500); benchmarks and tests make them smaller. */
  rescueCreateBatchSize?: number;
  /** Rescue calls in flight per tenant (default the client's DEFAULT_CONCURRENCY). */
  rescueConcurrency?: number;
  /** First Graph back-off without Retry-After (default 1 s). */
  graphBaseBackoffMs?: number;
}

export interface TenantAdapters {
  directory: EntraDirectorySource;
  rescue: RescueClient;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function buildTenantAdapters(
  config: Pick<TenantSyncConfig, "sandboxMode"> & {
    entra: NonNullable<TenantSyncConfig["entra"]>;
    rescue: NonNullable<TenantSyncConfig["rescue"]>;
  },
  options: TenantAdapterOptions,
): TenantAdapters {
  const { entra, rescue } = config;
  // The emulator's CA is trusted only where the connection points away from Microsoft (sandbox tenants).
  const pointsAtEmulator = Boolean(entra.authorityHost || entra.graphBaseUrl);
  const directory = createEntraDirectorySource({
    tenantId: entra.directoryId,
    clientId: entra.clientId,
    clientSecret: entra.clientSecret,
    ...(entra.authorityHost ? { authorityHost: entra.authorityHost } : {}),
    ...(entra.graphBaseUrl ? { graphBaseUrl: entra.graphBaseUrl } : {}),
    ...(pointsAtEmulator && options.graphEmulatorCa ? { ca: options.graphEmulatorCa } : {}),
    ...(options.graphBaseBackoffMs !== undefined ? { baseBackoffMs: options.graphBaseBackoffMs } : {}),
    sleep: (ms) => {
      options.onBackoff("entra", ms);
      return sleep(ms);
    },
  });
  const client = createRescueClient({
    baseUrl: rescue.baseUrl,
    email: rescue.email,
    // The stored token is the Admin Center's "Generate API token" value; the password is only a fallback.
    apiToken: rescue.serviceToken,
    password: rescue.password,
    bulkCreate: rescue.bulkCreate,
    timeoutMs: options.rescueTimeoutMs ?? 30_000,
    maxAttempts: options.rescueMaxAttempts ?? 2,
    ...(options.rescueRetryDelayMs !== undefined ? { retryDelayMs: options.rescueRetryDelayMs } : {}),
    ...(options.rescueCreateBatchSize ? { createBatchSize: options.rescueCreateBatchSize } : {}),
    ...(options.rescueConcurrency ? { concurrency: options.rescueConcurrency } : {}),
    clock: {
      now: () => new Date(),
      sleep: (ms) => {
        options.onBackoff("rescue", ms);
        return sleep(ms);
      },
    },
  });
  return { directory, rescue: client };
}
