// Builds one run's Entra and Rescue adapters from the tenant's decrypted connections. Each connection names its
// destination (a Rescue region, an Entra cloud); the adapters reach it only through the outbound policy. Inside a
// run the adapters make single attempts: sync-core's executor retries every call through the one retry policy
// (docs/architecture.md "Retries"), so a Rescue ERROR burst or a Graph 503 burst is retried by exactly one layer.
import type { TenantSyncConfig } from "@techsync/db";
import { createEntraDirectorySource, type EntraDirectorySource } from "@techsync/entra";
import { entraTransport, type OutboundSettings, rescueTransport } from "@techsync/outbound";
import { createRescueClient, type RescueClient } from "@techsync/rescue";
import { SyncPortError } from "@techsync/sync-core";

export type AdapterSystem = "entra" | "rescue";

export interface TenantAdapterOptions {
  /**
   * The operator's emulators (RESCUE_EMULATOR_URL, GRAPH_EMULATOR_URL: the sandbox destination) and the Graph
   * emulator's CA (GRAPH_EMULATOR_CA_PATH). Default: none, so only the real Rescue regions and Entra clouds.
   */
  outbound?: OutboundSettings;
  /** Called before each back-off sleep an adapter takes (none by default: the engine retries, not the adapters). */
  onBackoff: (system: AdapterSystem, waitMs: number) => void;
  /** Per Rescue HTTP call (default 30 s); also the outbound policy's total bound per call. */
  rescueTimeoutMs?: number;
  /**
   * Tries per Rescue call inside the client. Default 1: sync-core's executor retries around it, and tries stacked in
   * two layers multiply. Only a test that exercises the client on its own should raise it.
   */
  rescueMaxAttempts?: number;
  rescueRetryDelayMs?: number;
  /** Technicians per createTechnicians call (default the client's 500); benchmarks and tests make them smaller. */
  rescueCreateBatchSize?: number;
  /** Rescue calls in flight per tenant (default the client's DEFAULT_CONCURRENCY). */
  rescueConcurrency?: number;
  /** First Graph back-off without Retry-After (default 1 s); only used when graphMaxRetries is raised. */
  graphBaseBackoffMs?: number;
  /** Graph client retries per call. Default 0 (single attempts): sync-core's read re-reads the group instead. */
  graphMaxRetries?: number;
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
  const timeoutMs = options.rescueTimeoutMs ?? 30_000;
  const settings: OutboundSettings = { totalTimeoutMs: timeoutMs, ...(options.outbound ?? { emulators: {} }) };
  // A destination the tenant may no longer use (left sandbox mode) throws the config package's DestinationError.
  const graph = entraTransport(entra.cloud, config, settings);
  const rescueEndpoint = rescueTransport(rescue.region, config, settings);
  const directory = createEntraDirectorySource({
    tenantId: entra.directoryId,
    clientId: entra.clientId,
    clientSecret: entra.clientSecret,
    authorityHost: graph.authorityHost,
    graphBaseUrl: graph.graphBaseUrl,
    graphScope: graph.graphScope,
    fetch: graph.fetch,
    ...(options.graphBaseBackoffMs !== undefined ? { baseBackoffMs: options.graphBaseBackoffMs } : {}),
    // Single attempts: no backoff retries and no Retry-After waits inside the client. The failure carries Graph's
    // Retry-After, which the engine's retry honours.
    maxRetries: options.graphMaxRetries ?? 0,
    ...(options.graphMaxRetries ? {} : { maxThrottleWaitMs: 0 }),
    sleep: (ms) => {
      options.onBackoff("entra", ms);
      return sleep(ms);
    },
  });
  const client = createRescueClient({
    baseUrl: rescueEndpoint.baseUrl,
    fetch: rescueEndpoint.fetch as typeof fetch,
    email: rescue.email,
    // The stored token is the Admin Center's "Generate API token" value; the password is optional, only a fallback.
    apiToken: rescue.apiToken,
    password: rescue.password ?? undefined,
    bulkCreate: rescue.bulkCreate,
    timeoutMs,
    maxAttempts: options.rescueMaxAttempts ?? 1,
    // The one exception: a learned createUsers retries inside the client, through the same policy, because its
    // retry reconciles by email first and keeps the rest of the call in bulk (the engine's retry cannot).
    bulkCreateMaxAttempts: 4,
    ...(options.rescueRetryDelayMs !== undefined ? { retryDelayMs: options.rescueRetryDelayMs } : {}),
    ...(options.rescueCreateBatchSize ? { createBatchSize: options.rescueCreateBatchSize } : {}),
    ...(options.rescueConcurrency ? { concurrency: options.rescueConcurrency } : {}),
    // Single attempts: a transient failure is reported as it leaves the client (the engine's wait is its own).
    onTransientFailure: (failure) => options.onBackoff("rescue", failure.retryAfterMs ?? 0),
    clock: {
      now: () => new Date(),
      sleep: (ms) => {
        options.onBackoff("rescue", ms);
        return sleep(ms);
      },
    },
  });
  return { directory: reportingFailedReads(directory, options.onBackoff), rescue: client };
}

/**
 * The Graph client no longer sleeps inside a run, so a transient Graph failure is reported here, as it leaves the
 * adapter (with Graph's Retry-After, which the engine's wait honours): the run's log still names the system whose
 * call failed, and the engine's own wait is reported as the engine's.
 */
function reportingFailedReads(
  directory: EntraDirectorySource,
  onBackoff: TenantAdapterOptions["onBackoff"],
): EntraDirectorySource {
  const groupMembers = directory.groupMembers;
  return {
    ...directory,
    groupMembers: async function* (groupId, options) {
      try {
        yield* groupMembers(groupId, options);
      } catch (error) {
        if (error instanceof SyncPortError && error.retryable) onBackoff("entra", error.retryAfterMs ?? 0);
        throw error;
      }
    },
  };
}
