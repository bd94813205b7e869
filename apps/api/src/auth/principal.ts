// Who is calling, and what a route needs of them. Authentication (who) runs in onRequest;
// tenant authorisation (may they, here) runs in preHandler, once the path's tenant id is validated.
import type { ActorType, Role } from "@techsync/db";

// The scopes are the API contract's: the portal offers exactly what the API accepts.
export { API_KEY_SCOPES, type ApiKeyScope } from "@techsync/api-contract";

export type Principal =
  /** The portal's server itself, for signup and sign-in, before a user is known. */
  | { kind: "portal_service"; clientAddress?: string }
  | { kind: "portal_user"; userId: string }
  | { kind: "api_key"; keyId: string; tenantId: string; scopes: readonly string[] };

/**
 * What a tenant route does: read (viewer), write configuration or run syncs (admin), invite people (admin, a
 * person only: never an API key), manage members and keys (owner).
 */
export type TenantPermission = "read" | "write" | "run" | "invite" | "owner";

export type RouteAccess = { principal: "portal_service" } | { principal: "portal_user" } | { tenant: TenantPermission };

/** The tenant a request was allowed into, and who to name in its audit events. */
export interface TenantAccess {
  tenantId: string;
  actor: { actorType: Extract<ActorType, "portal_user" | "api_key">; actorId: string };
  /** The member's role; undefined for API keys. */
  role: Role | undefined;
}

declare module "fastify" {
  interface FastifyContextConfig {
    /** Absent: the route is public (health, metrics, docs). */
    access?: RouteAccess;
  }
  interface FastifyRequest {
    principal: Principal | null;
    tenantAccess: TenantAccess | null;
    /** The caller's address for limits: the browser's when the portal vouched for it, else the socket's. */
    clientAddress: string;
  }
}
