// From a connection's destination NAME to the address and the policy-bound fetch that talk to it.
// Real destinations are reached only on public addresses; the operator's emulators (the `sandbox`
// destination) are the one exemption, and their CA is trusted only for them.
import {
  type EmulatorEndpoints,
  type EntraEndpoint,
  type RescueEndpoint,
  resolveEntraEndpoint,
  resolveRescueEndpoint,
} from "@techsync/config/destinations";
import { createOutboundFetch, type OutboundFetch, type Resolve } from "./outbound-policy";

/** The server's outbound settings: from each app's environment, never from a tenant. */
export interface OutboundSettings {
  emulators: EmulatorEndpoints;
  /** PEM of the Graph emulator's CA (trusted for the sandbox destination only). */
  graphEmulatorCa?: string | undefined;
  connectTimeoutMs?: number;
  totalTimeoutMs?: number;
  /** Tests only: a fake resolver. */
  resolve?: Resolve;
}

export interface RescueTransport extends RescueEndpoint {
  fetch: OutboundFetch;
}

export interface EntraTransport extends EntraEndpoint {
  fetch: OutboundFetch;
}

function policyOf(settings: OutboundSettings) {
  return {
    ...(settings.connectTimeoutMs !== undefined ? { connectTimeoutMs: settings.connectTimeoutMs } : {}),
    ...(settings.totalTimeoutMs !== undefined ? { totalTimeoutMs: settings.totalTimeoutMs } : {}),
    ...(settings.resolve ? { resolve: settings.resolve } : {}),
  };
}

/** Throws the config package's DestinationError when the tenant may not use `region`. */
export function rescueTransport(
  region: string,
  tenant: { sandboxMode: boolean },
  settings: OutboundSettings,
): RescueTransport {
  const endpoint = resolveRescueEndpoint(region, tenant, settings.emulators);
  const fetch = createOutboundFetch({
    allowedOrigins: [endpoint.baseUrl],
    allowPrivateAddresses: endpoint.emulator,
    ...policyOf(settings),
  });
  return { ...endpoint, fetch };
}

/** Throws the config package's DestinationError when the tenant may not use `cloud`. */
export function entraTransport(
  cloud: string,
  tenant: { sandboxMode: boolean },
  settings: OutboundSettings,
): EntraTransport {
  const endpoint = resolveEntraEndpoint(cloud, tenant, settings.emulators);
  const fetch = createOutboundFetch({
    allowedOrigins: [endpoint.authorityHost, endpoint.graphBaseUrl],
    allowPrivateAddresses: endpoint.emulator,
    ...(endpoint.emulator && settings.graphEmulatorCa ? { ca: settings.graphEmulatorCa } : {}),
    ...policyOf(settings),
  });
  return { ...endpoint, fetch };
}
