// onRequest: who is calling. preHandler: may they do this route's work in this tenant.
import type { FastifyReply, FastifyRequest } from "fastify";
import type { ApiDeps } from "../api-deps";
import { AppError, notFound } from "../errors";
import { isApiKeyToken, verifyApiKey } from "./api-key-credential";
import { assertAuthAllowed, recordAuthFailure } from "./auth-limits";
import { cachedPortalTokenVerifier } from "./portal-token";
import type { ApiKeyScope, Principal, TenantPermission } from "./principal";

export function bearerToken(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  if (!header) return null;
  const match = /^Bearer (\S+)$/i.exec(header);
  return match?.[1] ?? null;
}

export function authenticate(deps: Pick<ApiDeps, "prisma" | "portalTokenKey" | "attemptCounter">) {
  const verifyPortalToken = cachedPortalTokenVerifier(deps.portalTokenKey);
  return async (request: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    request.clientAddress = request.ip;
    const token = bearerToken(request);
    if (!request.routeOptions.config.access) {
      // A public route the portal calls for a browser (an invitation's preview): the browser's address, for the
      // rate limit, when the portal's valid signature vouches for it. Nothing else of the token matters here.
      if (token && !isApiKeyToken(token)) {
        const principal = await verifyPortalToken(token).catch(() => null);
        if (principal?.kind === "portal_service" && principal.clientAddress) {
          request.clientAddress = principal.clientAddress;
        }
      }
      return;
    }
    if (!token) throw new AppError("unauthorized", "Authorization: a Bearer token is required.");
    // Guessing keys or forging tokens is paced per address of the socket: a credential that failed vouches
    // for no other address.
    await assertAuthAllowed(deps.attemptCounter, request.ip);
    try {
      request.principal = isApiKeyToken(token) ? await verifyApiKey(deps, token) : await verifyPortalToken(token);
    } catch (error) {
      if (error instanceof AppError && error.code === "unauthorized") {
        await recordAuthFailure(deps.attemptCounter, request.ip);
      }
      throw error;
    }
    if (request.principal.kind === "portal_service" && request.principal.clientAddress) {
      request.clientAddress = request.principal.clientAddress;
    }
  };
}

const SCOPE_FOR: Record<Exclude<TenantPermission, "owner" | "invite">, ApiKeyScope> = {
  read: "read",
  write: "write",
  run: "run",
};

export function authorize(deps: Pick<ApiDeps, "prisma">) {
  return async (request: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    const access = request.routeOptions.config.access;
    if (!access) return;
    const principal = request.principal as Principal;
    if ("principal" in access) {
      if (principal.kind !== access.principal) {
        throw new AppError(
          "forbidden",
          access.principal === "portal_service"
            ? "Authorization: this route takes the portal's service token only."
            : "Authorization: this route takes a portal user's token only.",
        );
      }
      return;
    }
    const { tenantId } = request.params as { tenantId: string };
    if (principal.kind === "portal_service") {
      throw new AppError("forbidden", "Authorization: the portal's service token cannot reach tenant routes.");
    }
    if (principal.kind === "api_key") {
      if (principal.tenantId !== tenantId) throw notFound("The tenant");
      if (access.tenant === "owner") {
        throw new AppError("forbidden", "Authorization: only a tenant owner can do this, not an API key.");
      }
      // Membership is between people: a key cannot let anyone in.
      if (access.tenant === "invite") {
        throw new AppError("forbidden", "Authorization: only a tenant owner or admin can do this, not an API key.");
      }
      const scope = SCOPE_FOR[access.tenant];
      if (!principal.scopes.includes(scope)) {
        throw new AppError("forbidden", `Authorization: the API key lacks the "${scope}" scope.`);
      }
      request.tenantAccess = { tenantId, actor: { actorType: "api_key", actorId: principal.keyId }, role: undefined };
      return;
    }
    const membership = await deps.prisma.membership.findUnique({
      where: { tenantId_portalUserId: { tenantId, portalUserId: principal.userId } },
      select: { role: true },
    });
    if (!membership) throw notFound("The tenant");
    const allowed =
      access.tenant === "read" ||
      (access.tenant === "owner" ? membership.role === "owner" : membership.role !== "viewer");
    if (!allowed) {
      throw new AppError(
        "forbidden",
        `Authorization: a ${membership.role} cannot do this; it needs ${access.tenant === "owner" ? "an owner" : "an owner or admin"}.`,
      );
    }
    request.tenantAccess = {
      tenantId,
      actor: { actorType: "portal_user", actorId: principal.userId },
      role: membership.role,
    };
  };
}

/** The tenant access of a route that declared `access: { tenant }`; set by authorize. */
export function tenantAccessOf(request: FastifyRequest) {
  if (!request.tenantAccess) throw new AppError("internal_error", "tenant route without tenant access");
  return request.tenantAccess;
}

/** The portal user of a route that declared `access: { principal: "portal_user" }`. */
export function portalUserOf(request: FastifyRequest): string {
  if (request.principal?.kind !== "portal_user") throw new AppError("internal_error", "user route without a user");
  return request.principal.userId;
}
