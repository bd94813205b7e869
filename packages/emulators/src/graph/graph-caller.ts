// Who is calling Graph: the verified token's tenant, app and roles, and the permission checks.
import type { FastifyReply, FastifyRequest } from "fastify";
import { errors as joseErrors, jwtVerify } from "jose";
import type { EmulatedTenant } from "./emulated-tenant";
import type { GraphEmulatorContext } from "./graph-emulator-context";
import { graphError } from "./graph-responses";
import { GRAPH_APP_ID, GRAPH_AUDIENCE } from "./identity-routes";

export interface GraphCaller {
  tenant: EmulatedTenant;
  appId: string;
  roles: string[];
}

declare module "fastify" {
  interface FastifyRequest {
    graphCaller?: GraphCaller;
  }
}

export const READ_GROUPS = ["Group.Read.All", "Directory.Read.All", "GroupMember.Read.All"];
export const READ_USERS = ["User.Read.All", "Directory.Read.All"];

export function callerOf(request: FastifyRequest): GraphCaller {
  if (!request.graphCaller) throw new Error("graph route without an authenticated caller");
  return request.graphCaller;
}

/** 403 Authorization_RequestDenied unless the token holds one of `anyOf` (as Graph answers). */
export function requireRole(request: FastifyRequest, reply: FastifyReply, anyOf: string[]): boolean {
  if (callerOf(request).roles.some((role) => anyOf.includes(role))) return true;
  void graphError(reply, 403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation.");
  return false;
}

export async function authenticate(context: GraphEmulatorContext, request: FastifyRequest, reply: FastifyReply) {
  const header = request.headers.authorization ?? "";
  const token = /^Bearer\s+(.+)$/i.exec(header)?.[1];
  if (!token) {
    return graphError(reply, 401, "InvalidAuthenticationToken", "Access token is empty.");
  }
  try {
    const { payload } = await jwtVerify(token, context.signing.publicKey, {
      audience: [GRAPH_AUDIENCE, GRAPH_APP_ID],
      algorithms: ["RS256"],
    });
    const tenant = context.tenants.get(String(payload.tid ?? ""));
    if (!tenant) return graphError(reply, 401, "InvalidAuthenticationToken", "Access token validation failure.");
    const roles = Array.isArray(payload.roles) ? payload.roles.map(String) : [];
    if (roles.length === 0) {
      return graphError(
        reply,
        401,
        "InvalidAuthenticationToken",
        "Either scp or roles claim need to be present in the token.",
      );
    }
    request.graphCaller = { tenant, appId: String(payload.appid ?? ""), roles };
  } catch (error) {
    if (error instanceof joseErrors.JWTExpired) {
      return graphError(reply, 401, "InvalidAuthenticationToken", "Lifetime validation failed, the token is expired.");
    }
    if (error instanceof joseErrors.JWTClaimValidationFailed && error.claim === "aud") {
      return graphError(reply, 401, "InvalidAuthenticationToken", "Access token validation failure. Invalid audience.");
    }
    return graphError(reply, 401, "InvalidAuthenticationToken", "Access token validation failure.");
  }
}
