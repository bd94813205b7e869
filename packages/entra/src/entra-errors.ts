// Typed errors a person can act on. Classified by code (AADSTS number, OAuth error, Graph error code,
// HTTP status), never by message text: messages change and are localised.
import { SyncPortError } from "@techsync/sync-core";

export type EntraErrorKind =
  | "tenantNotFound"
  | "invalidTenant"
  | "appNotFound"
  | "appDisabled"
  | "invalidSecret"
  | "secretExpired"
  | "consentMissing"
  | "tokenRejected"
  | "throttled"
  | "graphUnavailable"
  | "notFound"
  | "badRequest"
  | "resyncRequired"
  | "configuration"
  | "network"
  | "unexpected";

export const REQUIRED_PERMISSIONS = ["User.Read.All", "Group.Read.All", "Directory.Read.All"] as const;
export type RequiredPermission = (typeof REQUIRED_PERMISSIONS)[number];

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface EntraErrorOptions {
  kind: EntraErrorKind;
  code: string;
  retryable?: boolean;
  retryAfterMs?: number;
  hint?: string;
  status?: number;
  requestId?: string;
  correlationId?: string;
  cause?: unknown;
}

export class EntraError extends SyncPortError {
  readonly kind: EntraErrorKind;
  readonly status: number | undefined;
  /** Graph's request-id of the failed call: quote it to Microsoft support. */
  readonly requestId: string | undefined;
  /** The identity platform's correlation id of a failed token request. */
  readonly correlationId: string | undefined;

  constructor(message: string, options: EntraErrorOptions) {
    super(message, options);
    this.name = "EntraError";
    this.kind = options.kind;
    this.status = options.status;
    this.requestId = options.requestId;
    this.correlationId = options.correlationId;
  }
}

/** A token request failed: the code is the AADSTS number when Entra sent one. */
export class EntraTokenError extends EntraError {
  constructor(message: string, options: EntraErrorOptions) {
    super(message, options);
    this.name = "EntraTokenError";
  }
}

/** A Graph call failed: the code is Graph's error code (or the HTTP status when the body had none). */
export class GraphRequestError extends EntraError {
  constructor(message: string, options: EntraErrorOptions) {
    super(message, options);
    this.name = "GraphRequestError";
  }
}

const CONSENT_HINT =
  "In the Entra admin center, open the app registration › API permissions, add the application permissions User.Read.All, Group.Read.All and Directory.Read.All, then press “Grant admin consent”.";

/** Fields of msal-node's AuthError/ServerError we branch on (v7 classes are package-specific, so no instanceof). */
interface MsalErrorShape {
  errorCode?: string;
  errorNo?: string | number;
  subError?: string;
  correlationId?: string;
  status?: number;
  message?: string;
}

export function classifyTokenError(
  error: unknown,
  config: { tenantId: string; clientId: string; clientSecret: string },
): EntraError {
  if (error instanceof EntraError) return error;
  const shape = (typeof error === "object" && error !== null ? error : {}) as MsalErrorShape;
  const errorNo = shape.errorNo === undefined ? undefined : String(shape.errorNo);
  const common = { cause: error, correlationId: shape.correlationId, status: shape.status };
  const tokenError = (kind: EntraErrorKind, code: string, message: string, hint: string, retryable = false) =>
    new EntraTokenError(message, { ...common, kind, code, hint, retryable });

  switch (errorNo) {
    case "90002":
      return tokenError(
        "tenantNotFound",
        errorNo,
        `Entra has no tenant '${config.tenantId}'.`,
        "Check the Directory (tenant) ID: copy it from the app registration's Overview page in the Entra admin center.",
      );
    case "900023":
      return tokenError(
        "invalidTenant",
        errorNo,
        `'${config.tenantId}' is not a valid tenant id.`,
        "The Directory (tenant) ID must be a GUID (or your tenant's domain). Copy it from the app registration's Overview page.",
      );
    case "700016":
      return tokenError(
        "appNotFound",
        errorNo,
        `The application '${config.clientId}' was not found in tenant '${config.tenantId}'.`,
        "Check the Application (client) ID on the app registration's Overview page. If it is right, the app was never consented in this tenant: have a Global Administrator grant admin consent.",
      );
    case "7000215":
      return GUID.test(config.clientSecret.trim())
        ? tokenError(
            "invalidSecret",
            errorNo,
            "The client secret was refused: what was entered is the secret's ID, not its value.",
            "Paste the secret's Value, not its Secret ID. The value is shown only once, when the secret is created: if you no longer have it, create a new secret under Certificates & secrets.",
          )
        : tokenError(
            "invalidSecret",
            errorNo,
            "The client secret was refused.",
            "Paste the secret's Value (not its Secret ID) from Certificates & secrets, without spaces; if unsure, create a new secret.",
          );
    case "7000222":
      return tokenError(
        "secretExpired",
        errorNo,
        "The client secret has expired.",
        "Create a new client secret under the app registration's Certificates & secrets and enter its Value in TechSync's Entra ID connection (Setup, step 2).",
      );
    case "7000112":
      return tokenError(
        "appDisabled",
        errorNo,
        "The application is disabled in this tenant.",
        "Enable the app's enterprise application (Properties › Enabled for users to sign in) in the Entra admin center.",
      );
    case "70011":
      return tokenError(
        "configuration",
        errorNo,
        "The token request asked for an invalid scope.",
        "This is a TechSync bug: report it.",
      );
  }
  const code = shape.errorCode ?? "unknown";
  if (shape.status === 429 || (shape.status !== undefined && shape.status >= 500)) {
    return tokenError(
      "graphUnavailable",
      errorNo ?? code,
      "The Microsoft identity platform is unavailable.",
      "Try again in a few minutes.",
      true,
    );
  }
  switch (code) {
    case "network_error":
      return tokenError(
        "network",
        code,
        "Could not reach the Microsoft identity platform.",
        "Check the network and the authority host, then try again.",
        true,
      );
    case "endpoints_resolution_error":
    case "openid_config_error":
      return tokenError(
        "tenantNotFound",
        code,
        `Could not read the sign-in metadata of tenant '${config.tenantId}'.`,
        "Check the Directory (tenant) ID and the authority host.",
      );
    case "missing_tenant_id_error":
      return tokenError(
        "invalidTenant",
        code,
        "A specific tenant id is required.",
        "Enter your Directory (tenant) ID, not 'common' or 'organizations'.",
      );
    case "url_parse_error":
    case "authority_uri_insecure":
    case "untrusted_authority":
    case "invalid_authority_metadata":
    case "invalid_cloud_discovery_metadata":
      return tokenError(
        "configuration",
        code,
        `The sign-in authority is not valid (${code}).`,
        "Check the Directory (tenant) ID and the authority host (it must be https).",
      );
  }
  return tokenError(
    "unexpected",
    errorNo ?? code,
    `Token request failed (${errorNo ?? code}).`,
    "Try again; if it persists, contact support with the correlation id.",
  );
}

/** Retry-After in seconds or as an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

/** Fields of graph-client's GraphError we use. */
interface GraphErrorShape {
  statusCode?: number;
  code?: string | null;
  requestId?: string | null;
  body?: unknown;
  headers?: { get(name: string): string | null };
  message?: string;
}

function innerCode(body: unknown): string | undefined {
  if (typeof body !== "string") return undefined;
  try {
    const parsed = JSON.parse(body) as { code?: unknown; error?: { code?: unknown } };
    const code = parsed.code ?? parsed.error?.code;
    return typeof code === "string" ? code : undefined;
  } catch {
    return undefined;
  }
}

export function classifyGraphError(error: unknown): GraphRequestError {
  if (error instanceof GraphRequestError) return error;
  const shape = (typeof error === "object" && error !== null ? error : {}) as GraphErrorShape;
  const status = shape.statusCode ?? -1;
  const code = shape.code ?? innerCode(shape.body) ?? (status > 0 ? String(status) : "network");
  const requestId = shape.requestId ?? shape.headers?.get("request-id") ?? undefined;
  const retryAfterMs = parseRetryAfter(shape.headers?.get("retry-after"));
  const graphError = (kind: EntraErrorKind, message: string, hint: string, retryable = false) =>
    new GraphRequestError(`${message}${requestId ? ` (request-id ${requestId})` : ""}`, {
      kind,
      code,
      status,
      requestId,
      retryable,
      retryAfterMs,
      hint,
      cause: error,
    });

  if (status === 429)
    return graphError(
      "throttled",
      "Microsoft Graph is throttling this app in this tenant.",
      "Nothing to do: TechSync waits as Graph asks and tries again.",
      true,
    );
  if (status === 503 || status === 504 || status === 502 || status === 500) {
    return graphError(
      "graphUnavailable",
      `Microsoft Graph is unavailable (${status}).`,
      "Try again later; Microsoft's service health page shows outages.",
      true,
    );
  }
  if (status === 410 || code === "syncStateNotFound" || code === "resyncRequired") {
    return graphError(
      "resyncRequired",
      "The directory's change tracking state expired.",
      "Nothing to do: TechSync reads the groups in full once.",
    );
  }
  if (status === 403 || code === "Authorization_RequestDenied") {
    return graphError(
      "consentMissing",
      "The app lacks a permission this read needs (admin consent missing).",
      CONSENT_HINT,
    );
  }
  if (status === 401) {
    return graphError(
      "tokenRejected",
      "Microsoft Graph rejected the access token.",
      `If admin consent was never granted, the token has no permissions: ${CONSENT_HINT}`,
    );
  }
  if (status === 404)
    return graphError(
      "notFound",
      "The object does not exist in the directory.",
      "Check that the group was not deleted in Entra.",
    );
  if (status === -1)
    return graphError(
      "network",
      "Could not reach Microsoft Graph.",
      "Check the network and the Graph base URL, then try again.",
      true,
    );
  if (status >= 400 && status < 500)
    return graphError(
      "badRequest",
      `Microsoft Graph refused the request (${code}).`,
      "This is likely a TechSync bug: report it with the request-id.",
    );
  return graphError(
    "unexpected",
    `Microsoft Graph call failed (${code}).`,
    "Try again; if it persists, report it with the request-id.",
    status >= 500,
  );
}

export { CONSENT_HINT };
