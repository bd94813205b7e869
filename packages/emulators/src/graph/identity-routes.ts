// The Microsoft identity platform's client-credentials endpoints, answering as Entra does:
// OpenID metadata, JWKS, and /oauth2/v2.0/token with RS256 tokens or AADSTS errors.
import { randomUUID } from "node:crypto";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { SignJWT } from "jose";
import type { EmulatedTenant } from "./emulated-tenant";
import type { GraphEmulatorContext } from "./graph-emulator-context";

export const GRAPH_AUDIENCE = "https://graph.microsoft.com";
export const GRAPH_APP_ID = "00000003-0000-0000-c000-000000000000";

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function publicBase(request: FastifyRequest): string {
  return `https://${request.headers.host ?? "127.0.0.1"}`;
}

/** Entra's error body: `error`, `error_description` starting with AADSTSnnnn, `error_codes`, trace and correlation ids. */
export function sendStsError(
  reply: FastifyReply,
  status: number,
  error: string,
  code: number,
  description: string,
  correlationId: string = randomUUID(),
) {
  const traceId = randomUUID();
  const timestamp = new Date()
    .toISOString()
    .replace("T", " ")
    .replace(/\.\d+Z$/, "Z");
  return reply.code(status).send({
    error,
    error_description: `AADSTS${code}: ${description} Trace ID: ${traceId} Correlation ID: ${correlationId} Timestamp: ${timestamp}`,
    error_codes: [code],
    timestamp,
    trace_id: traceId,
    correlation_id: correlationId,
    error_uri: `https://login.microsoftonline.com/error?code=${code}`,
  });
}

type TenantLookup = { kind: "found"; tenant: EmulatedTenant } | { kind: "malformed" } | { kind: "unknown" };

function lookupTenant(context: GraphEmulatorContext, name: string): TenantLookup {
  const byId = context.tenants.get(name.toLowerCase());
  if (byId) return { kind: "found", tenant: byId };
  for (const tenant of context.tenants.values())
    if (tenant.domain === name.toLowerCase()) return { kind: "found", tenant };
  // Neither a GUID nor something shaped like a domain: Entra says 900023 rather than "not found".
  if (!GUID.test(name) && !name.includes(".")) return { kind: "malformed" };
  return { kind: "unknown" };
}

function sendTenantError(reply: FastifyReply, name: string, lookup: TenantLookup, correlationId?: string) {
  if (lookup.kind === "malformed") {
    return sendStsError(
      reply,
      400,
      "invalid_request",
      900023,
      `Specified tenant identifier '${name}' is neither a valid DNS name, nor a valid external domain.`,
      correlationId,
    );
  }
  return sendStsError(
    reply,
    400,
    "invalid_request",
    90002,
    `Tenant '${name}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`,
    correlationId,
  );
}

export function registerIdentityRoutes(app: FastifyInstance, context: GraphEmulatorContext) {
  app.get<{ Params: { tenant: string } }>("/:tenant/v2.0/.well-known/openid-configuration", async (request, reply) => {
    const lookup = lookupTenant(context, request.params.tenant);
    if (lookup.kind !== "found") return sendTenantError(reply, request.params.tenant, lookup);
    const base = publicBase(request);
    const tid = lookup.tenant.tenantId;
    return {
      token_endpoint: `${base}/${tid}/oauth2/v2.0/token`,
      token_endpoint_auth_methods_supported: ["client_secret_post", "private_key_jwt", "client_secret_basic"],
      jwks_uri: `${base}/${tid}/discovery/v2.0/keys`,
      response_modes_supported: ["query", "fragment", "form_post"],
      subject_types_supported: ["pairwise"],
      id_token_signing_alg_values_supported: ["RS256"],
      response_types_supported: ["code", "id_token", "code id_token", "id_token token"],
      scopes_supported: ["openid", "profile", "email", "offline_access"],
      issuer: `${base}/${tid}/v2.0`,
      authorization_endpoint: `${base}/${tid}/oauth2/v2.0/authorize`,
      end_session_endpoint: `${base}/${tid}/oauth2/v2.0/logout`,
      tenant_region_scope: "EU",
      cloud_instance_name: "microsoftonline.com",
    };
  });

  const jwks = async () => ({ keys: [context.signing.publicJwk] });
  app.get("/:tenant/discovery/v2.0/keys", jwks);
  app.get("/common/discovery/keys", jwks);

  // Instance discovery, for clients that are not told the host is a known authority.
  app.get("/common/discovery/instance", async (request) => {
    const host = request.headers.host ?? "127.0.0.1";
    return {
      tenant_discovery_endpoint: `https://${host}/{tenant}/v2.0/.well-known/openid-configuration`,
      "api-version": "1.1",
      metadata: [{ preferred_network: host, preferred_cache: host, aliases: [host] }],
    };
  });

  app.post<{ Params: { tenant: string }; Body: Record<string, string | undefined> }>(
    "/:tenant/oauth2/v2.0/token",
    async (request, reply) => {
      context.stats.tokenRequests += 1;
      const body = request.body ?? {};
      const correlationId = (request.headers["client-request-id"] as string | undefined) ?? randomUUID();
      const lookup = lookupTenant(context, request.params.tenant);
      if (lookup.kind !== "found") return sendTenantError(reply, request.params.tenant, lookup, correlationId);
      const tenant = lookup.tenant;
      if (body.grant_type !== "client_credentials") {
        return sendStsError(
          reply,
          400,
          "unsupported_grant_type",
          70003,
          "The app requested an unsupported grant type.",
        );
      }
      const clientId = body.client_id ?? "";
      const app = tenant.apps.get(clientId);
      if (!app) {
        return sendStsError(
          reply,
          400,
          "unauthorized_client",
          700016,
          `Application with identifier '${clientId}' was not found in the directory '${tenant.domain}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`,
          correlationId,
        );
      }
      const scope = body.scope ?? "";
      const scopes = scope.split(" ").filter(Boolean);
      if (scopes.length !== 1 || !scopes[0]?.endsWith("/.default")) {
        return sendStsError(
          reply,
          400,
          "invalid_scope",
          70011,
          `The provided request must include a 'scope' input parameter. The provided value for the input parameter 'scope' is not valid. The scope ${scope} is not valid.`,
          correlationId,
        );
      }
      const secret = app.secrets.find((candidate) => candidate.value === body.client_secret);
      if (!secret) {
        return sendStsError(
          reply,
          401,
          "invalid_client",
          7000215,
          `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${clientId}'.`,
          correlationId,
        );
      }
      if (Date.parse(secret.expiresAt) <= Date.now()) {
        return sendStsError(
          reply,
          401,
          "invalid_client",
          7000222,
          `The provided client secret keys for app '${clientId}' are expired. Visit the Azure portal to create new keys for your app.`,
          correlationId,
        );
      }
      const lifetime = context.options.tokenLifetimeSeconds;
      const now = Math.floor(Date.now() / 1000);
      const claims: Record<string, unknown> = {
        tid: tenant.tenantId,
        appid: clientId,
        azp: clientId,
        oid: `${clientId.slice(0, 24)}${tenant.tenantId.slice(24)}`,
        sub: `${clientId.slice(0, 24)}${tenant.tenantId.slice(24)}`,
        idtyp: "app",
        ver: "1.0",
      };
      // App-only tokens carry the consented application permissions; none consented = no roles claim.
      if (app.roles.length > 0) claims.roles = [...app.roles];
      const accessToken = await new SignJWT(claims)
        .setProtectedHeader({ alg: "RS256", typ: "JWT", kid: context.signing.kid })
        .setIssuer(`https://sts.windows.net/${tenant.tenantId}/`)
        .setAudience(GRAPH_AUDIENCE)
        .setIssuedAt(now)
        .setNotBefore(now - 5)
        .setExpirationTime(now + lifetime)
        .setJti(randomUUID())
        .sign(context.signing.privateKey);
      reply.header("client-request-id", correlationId);
      return { token_type: "Bearer", expires_in: lifetime, ext_expires_in: lifetime, access_token: accessToken };
    },
  );
}
