// Where a tenant's connections may send their credentials. A tenant picks a destination by NAME from these
// tables; it never supplies a URL, so stored secrets cannot be pointed at a listener of its choosing, and the
// server never fetches an address a tenant typed. The `sandbox` destination is the operator's emulators: it
// exists only when the server is configured with their URLs, and only for tenants in sandbox mode.

/** LogMeIn Rescue API hosts. */
export const RESCUE_REGIONS = {
  /** The documented API host. */
  global: { label: "Global (secure.logmeinrescue.com)", baseUrl: "https://secure.logmeinrescue.com" },
  /**
   * The enterprise service. Its API host is inferred, not documented: the enterprise host serves the same API
   * guide, so its API is taken to live under the same paths on that host.
   */
  enterprise: {
    label: "Enterprise (secure.logmeinrescue-enterprise.com)",
    baseUrl: "https://secure.logmeinrescue-enterprise.com",
  },
} as const;

/** Microsoft Entra national clouds: the sign-in authority and the Microsoft Graph host of each. */
export const ENTRA_CLOUDS = {
  global: {
    label: "Global (login.microsoftonline.com)",
    authorityHost: "https://login.microsoftonline.com",
    graphBaseUrl: "https://graph.microsoft.com",
  },
  usgov: {
    label: "US Government GCC High (login.microsoftonline.us)",
    authorityHost: "https://login.microsoftonline.us",
    graphBaseUrl: "https://graph.microsoft.us",
  },
  "usgov-dod": {
    label: "US Government DoD (login.microsoftonline.us, dod-graph.microsoft.us)",
    authorityHost: "https://login.microsoftonline.us",
    graphBaseUrl: "https://dod-graph.microsoft.us",
  },
  china: {
    label: "China, operated by 21Vianet (login.chinacloudapi.cn)",
    authorityHost: "https://login.chinacloudapi.cn",
    graphBaseUrl: "https://microsoftgraph.chinacloudapi.cn",
  },
} as const;

export const SANDBOX_DESTINATION = "sandbox";

export type PublicRescueRegion = keyof typeof RESCUE_REGIONS;
export type PublicEntraCloud = keyof typeof ENTRA_CLOUDS;
export type RescueRegion = PublicRescueRegion | typeof SANDBOX_DESTINATION;
export type EntraCloud = PublicEntraCloud | typeof SANDBOX_DESTINATION;

/** Every region name (for zod enums and selects). */
export const RESCUE_REGION_NAMES = [
  "global",
  "enterprise",
  SANDBOX_DESTINATION,
] as const satisfies readonly RescueRegion[];
export const ENTRA_CLOUD_NAMES = [
  "global",
  "usgov",
  "usgov-dod",
  "china",
  SANDBOX_DESTINATION,
] as const satisfies readonly EntraCloud[];

export function isRescueRegion(value: string): value is RescueRegion {
  return (RESCUE_REGION_NAMES as readonly string[]).includes(value);
}

export function isEntraCloud(value: string): value is EntraCloud {
  return (ENTRA_CLOUD_NAMES as readonly string[]).includes(value);
}

/** The operator's emulators, from the server's environment (never from a tenant). */
export interface EmulatorEndpoints {
  /** The Rescue emulator's API base, e.g. http://127.0.0.1:4010. */
  rescueUrl?: string | undefined;
  /** The Graph emulator (authority host and Graph base on one origin), e.g. https://127.0.0.1:4020. */
  graphUrl?: string | undefined;
}

export class DestinationError extends Error {
  constructor(
    readonly field: "region" | "cloud",
    message: string,
  ) {
    super(message);
    this.name = "DestinationError";
  }
}

export interface RescueEndpoint {
  region: RescueRegion;
  baseUrl: string;
  /** True for the operator's emulator: the only destination allowed on a private or loopback address. */
  emulator: boolean;
}

export interface EntraEndpoint {
  cloud: EntraCloud;
  authorityHost: string;
  graphBaseUrl: string;
  /** The app-only token scope: the cloud's own Graph resource. */
  graphScope: string;
  emulator: boolean;
}

function sandboxRefusal(field: "region" | "cloud", what: string, tenant: { sandboxMode: boolean }, url?: string) {
  if (!tenant.sandboxMode) {
    return new DestinationError(field, `"sandbox" is only for tenants in sandbox mode; choose a real ${what}.`);
  }
  if (!url) return new DestinationError(field, `this server has no ${what} emulator configured; choose a real one.`);
  return undefined;
}

/** The Rescue API base of a region, or a DestinationError naming `region` when the tenant may not use it. */
export function resolveRescueEndpoint(
  region: string,
  tenant: { sandboxMode: boolean },
  emulators: EmulatorEndpoints,
): RescueEndpoint {
  if (region === SANDBOX_DESTINATION) {
    const refusal = sandboxRefusal("region", "Rescue", tenant, emulators.rescueUrl);
    if (refusal) throw refusal;
    return { region, baseUrl: emulators.rescueUrl!, emulator: true };
  }
  if (!Object.hasOwn(RESCUE_REGIONS, region)) {
    throw new DestinationError("region", `must be one of ${RESCUE_REGION_NAMES.join(", ")}.`);
  }
  return {
    region: region as PublicRescueRegion,
    baseUrl: RESCUE_REGIONS[region as PublicRescueRegion].baseUrl,
    emulator: false,
  };
}

/** The authority and Graph hosts of a cloud, or a DestinationError naming `cloud` when the tenant may not use it. */
export function resolveEntraEndpoint(
  cloud: string,
  tenant: { sandboxMode: boolean },
  emulators: EmulatorEndpoints,
): EntraEndpoint {
  if (cloud === SANDBOX_DESTINATION) {
    const refusal = sandboxRefusal("cloud", "Entra", tenant, emulators.graphUrl);
    if (refusal) throw refusal;
    const url = emulators.graphUrl!.replace(/\/+$/, "");
    // The emulator stands in for the global cloud, so it expects the global Graph resource as the scope.
    return {
      cloud,
      authorityHost: url,
      graphBaseUrl: url,
      graphScope: `${ENTRA_CLOUDS.global.graphBaseUrl}/.default`,
      emulator: true,
    };
  }
  if (!Object.hasOwn(ENTRA_CLOUDS, cloud)) {
    throw new DestinationError("cloud", `must be one of ${ENTRA_CLOUD_NAMES.join(", ")}.`);
  }
  const entry = ENTRA_CLOUDS[cloud as PublicEntraCloud];
  return {
    cloud: cloud as PublicEntraCloud,
    authorityHost: entry.authorityHost,
    graphBaseUrl: entry.graphBaseUrl,
    graphScope: `${entry.graphBaseUrl}/.default`,
    emulator: false,
  };
}
