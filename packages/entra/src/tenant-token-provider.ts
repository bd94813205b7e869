// App-only tokens for one customer tenant: one ConfidentialClientApplication per tenant with a
// tenanted authority, and one in-flight request per tenant (MSAL does no locking, msal-js #6566).
import { type AuthenticationResult, ConfidentialClientApplication, LogLevel } from "@azure/msal-node";
import { decodeJwt } from "jose";
import { classifyTokenError, EntraTokenError } from "./entra-errors";
import { type EntraCallStats, emptyCallStats, MsalNetworkClient, type TrustedFetch } from "./entra-transport";

export const GRAPH_DEFAULT_SCOPE = "https://graph.microsoft.com/.default";
export const DEFAULT_AUTHORITY_HOST = "https://login.microsoftonline.com";

export interface TenantCredentials {
  tenantId: string;
  clientId: string;
  clientSecret: string;
  /** e.g. https://login.microsoftonline.com (default) or the emulator's https://127.0.0.1:4020. */
  authorityHost?: string;
  /**
   * Let MSAL fetch the tenant's openid-configuration instead of giving it the endpoints. Off by default:
   * with it on, a wrong tenant fails at that fetch (msal-node v5+) rather than with AADSTS90002.
   */
  discoverAuthorityMetadata?: boolean;
  /** The cloud's Graph resource scope (default GRAPH_DEFAULT_SCOPE, the global cloud's). */
  graphScope?: string;
}

/**
 * The tenant's endpoints as MSAL would discover them. Given up front (with knownAuthorities), MSAL
 * makes no instance-discovery or openid-configuration call, so nothing leaves for the internet when
 * the authority points at the emulator, and a wrong tenant surfaces as AADSTS90002 at the token call.
 */
function authorityMetadata(authority: string): string {
  return JSON.stringify({
    token_endpoint: `${authority}/oauth2/v2.0/token`,
    token_endpoint_auth_methods_supported: ["client_secret_post", "private_key_jwt", "client_secret_basic"],
    jwks_uri: `${authority}/discovery/v2.0/keys`,
    response_modes_supported: ["query", "fragment", "form_post"],
    issuer: `${authority}/v2.0`,
    authorization_endpoint: `${authority}/oauth2/v2.0/authorize`,
    end_session_endpoint: `${authority}/oauth2/v2.0/logout`,
  });
}

export interface GraphToken {
  accessToken: string;
  expiresOn: Date | null;
  fromCache: boolean;
}

export class TenantTokenProvider {
  private readonly app: ConfidentialClientApplication | undefined;
  /** A configuration MSAL would refuse, reported at the first call rather than thrown by the factory. */
  private readonly misconfiguration: EntraTokenError | undefined;
  private inFlight: Promise<GraphToken> | undefined;
  /** Token endpoint calls of this provider (MSAL cache hits excluded); shared by every source of the tenant. */
  readonly networkStats: EntraCallStats = emptyCallStats();

  constructor(
    private readonly credentials: TenantCredentials,
    fetchWithTrust: TrustedFetch,
  ) {
    const tenant = credentials.tenantId.trim();
    if (["common", "organizations", "consumers", ""].includes(tenant.toLowerCase())) {
      // msal-node refuses client credentials on these (missing_tenant_id_error); say so in plain words.
      this.misconfiguration = new EntraTokenError(`'${tenant}' is not a specific tenant.`, {
        kind: "invalidTenant",
        code: "missing_tenant_id_error",
        hint: "Enter your Directory (tenant) ID (a GUID) from the app registration's Overview page.",
      });
      return;
    }
    try {
      const host = new URL(credentials.authorityHost ?? DEFAULT_AUTHORITY_HOST);
      if (host.protocol !== "https:") {
        throw new EntraTokenError("The authority host must use https.", {
          kind: "configuration",
          code: "authority_uri_insecure",
          hint: "Use an https:// authority host.",
        });
      }
      const authority = `${host.origin}/${encodeURIComponent(tenant)}`;
      this.app = new ConfidentialClientApplication({
        auth: {
          clientId: credentials.clientId.trim(),
          clientSecret: credentials.clientSecret,
          authority,
          knownAuthorities: [host.host],
          ...(credentials.discoverAuthorityMetadata ? {} : { authorityMetadata: authorityMetadata(authority) }),
        },
        system: {
          networkClient: new MsalNetworkClient(fetchWithTrust, this.networkStats),
          loggerOptions: { logLevel: LogLevel.Error, piiLoggingEnabled: false, loggerCallback: () => {} },
        },
      });
    } catch (error) {
      this.misconfiguration =
        error instanceof EntraTokenError
          ? error
          : new EntraTokenError("The sign-in settings are not valid.", {
              kind: "configuration",
              code: (error as { errorCode?: string }).errorCode ?? "url_parse_error",
              hint: "Check the Directory (tenant) ID and the authority host.",
              cause: error,
            });
    }
  }

  /**
   * A Graph token from MSAL's cache, or a new one. Concurrent callers share one request.
   * `fresh` skips the cache: after a consent change, cached tokens keep their old roles.
   */
  acquire(options: { fresh?: boolean } = {}): Promise<GraphToken> {
    if (this.inFlight && !options.fresh) return this.inFlight;
    const request = this.request(options.fresh ?? false).finally(() => {
      if (this.inFlight === request) this.inFlight = undefined;
    });
    this.inFlight = request;
    return request;
  }

  private async request(fresh: boolean): Promise<GraphToken> {
    if (this.misconfiguration || !this.app) throw this.misconfiguration;
    let result: AuthenticationResult | null;
    try {
      result = await this.app.acquireTokenByClientCredential({
        scopes: [this.credentials.graphScope ?? GRAPH_DEFAULT_SCOPE],
        skipCache: fresh,
      });
    } catch (error) {
      throw classifyTokenError(error, this.credentials);
    }
    if (!result?.accessToken) {
      throw new EntraTokenError("The identity platform returned no token.", {
        kind: "unexpected",
        code: "no_token",
        retryable: true,
      });
    }
    return { accessToken: result.accessToken, expiresOn: result.expiresOn, fromCache: result.fromCache ?? false };
  }

  /** Token requests that reached the network (MSAL cache hits excluded). */
  get tokenCalls(): number {
    return this.networkStats.tokenCalls;
  }
}

/** The `roles` claim of an app-only token, decoded for diagnostics only (Microsoft: don't validate Graph tokens). */
export function decodeTokenClaims(accessToken: string): { roles: string[]; tid?: string; appid?: string } {
  let claims: ReturnType<typeof decodeJwt>;
  try {
    claims = decodeJwt(accessToken);
  } catch {
    return { roles: [] };
  }
  const roles = Array.isArray(claims.roles) ? claims.roles.map(String) : [];
  const appid =
    typeof claims.appid === "string" ? claims.appid : typeof claims.azp === "string" ? claims.azp : undefined;
  return { roles, ...(typeof claims.tid === "string" ? { tid: claims.tid } : {}), ...(appid ? { appid } : {}) };
}
