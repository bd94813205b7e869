// Tokens the portal's server signs for its calls.
import { createSecretKey, type KeyObject } from "node:crypto";
import { decodeJwt, errors, jwtVerify, SignJWT } from "jose";
import { z } from "zod";
import { AppError } from "../errors";
import type { Principal } from "./principal";

export const PORTAL_TOKEN_ISSUER = "techsync-portal";
export const PORTAL_TOKEN_AUDIENCE = "techsync-api";
export const PORTAL_AUTH_SCOPE = "portal:auth";
/** Short-lived by contract: a stolen token is worth five minutes. */
const MAX_LIFETIME_SECONDS = 300;
/** Clocks of the portal's server and the API may differ by this much; a token from further ahead is refused. */
export const CLOCK_SKEW_SECONDS = 5;
/**
 * The claim in which the portal's server names the address of the browser it acts for. All portal traffic
 * reaches the API from the portal's one address, so sign-in limits key on this instead; the API believes it
 * only inside a token the portal signed with the shared secret, never from a header anyone can send.
 */
export const CLIENT_ADDRESS_CLAIM = "client_address";
const ZClientAddress = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[0-9A-Fa-f.:]+$/);

const ZUserSubject = z.uuid();

/** A KeyObject made once, so verifying a token does not import the raw secret again on every request. */
export function portalTokenKey(secret: string): KeyObject {
  return createSecretKey(Buffer.from(secret, "utf8"));
}

export async function verifyPortalToken(key: KeyObject, token: string): Promise<Principal> {
  let payload: Awaited<ReturnType<typeof jwtVerify>>["payload"];
  try {
    ({ payload } = await jwtVerify(token, key, {
      algorithms: ["HS256"],
      issuer: PORTAL_TOKEN_ISSUER,
      audience: PORTAL_TOKEN_AUDIENCE,
      requiredClaims: ["sub", "exp", "iat"],
      // Refuses an iat more than the skew in the future, and a token older than its longest life.
      maxTokenAge: MAX_LIFETIME_SECONDS,
      clockTolerance: CLOCK_SKEW_SECONDS,
    }));
  } catch (error) {
    const why = error instanceof errors.JWTExpired ? "has expired" : "is not valid";
    throw new AppError("unauthorized", `Authorization: the bearer token ${why}.`);
  }
  if ((payload.exp ?? 0) - (payload.iat ?? 0) > MAX_LIFETIME_SECONDS) {
    throw new AppError("unauthorized", `Authorization: the bearer token may live at most ${MAX_LIFETIME_SECONDS} s.`);
  }
  const clientAddress = ZClientAddress.safeParse(payload[CLIENT_ADDRESS_CLAIM]);
  if (payload.sub === "portal" && payload.scope === PORTAL_AUTH_SCOPE) {
    return clientAddress.success
      ? { kind: "portal_service", clientAddress: clientAddress.data }
      : { kind: "portal_service" };
  }
  const userId = ZUserSubject.safeParse(payload.sub);
  if (!userId.success)
    throw new AppError("unauthorized", "Authorization: the token's subject is not a portal user id.");
  return { kind: "portal_user", userId: userId.data };
}

/**
 * Verifies each distinct token's signature once: the portal reuses a token for its five minutes, and HMAC
 * verification through WebCrypto is a large share of a read request's CPU. Expiry is checked on every use.
 */
export function cachedPortalTokenVerifier(key: KeyObject, maxEntries = 10_000) {
  const verified = new Map<string, { principal: Principal; expiresAtMs: number }>();
  return async (token: string): Promise<Principal> => {
    const hit = verified.get(token);
    if (hit && hit.expiresAtMs > Date.now()) return hit.principal;
    if (hit) verified.delete(token);
    const principal = await verifyPortalToken(key, token);
    const { exp } = decodeJwt(token);
    if (verified.size >= maxEntries) {
      const oldest = verified.keys().next();
      if (!oldest.done) verified.delete(oldest.value);
    }
    verified.set(token, { principal, expiresAtMs: (exp ?? 0) * 1000 });
    return principal;
  };
}

/** What the portal's server does; here for tests and the benchmark, which play the portal. */
export async function signPortalToken(
  key: KeyObject,
  claims: { sub: string; scope?: string; clientAddress?: string },
  lifetimeSeconds = MAX_LIFETIME_SECONDS,
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({
    ...(claims.scope ? { scope: claims.scope } : {}),
    ...(claims.clientAddress ? { [CLIENT_ADDRESS_CLAIM]: claims.clientAddress } : {}),
  })
    .setProtectedHeader({ alg: "HS256" })
    .setSubject(claims.sub)
    .setIssuer(PORTAL_TOKEN_ISSUER)
    .setAudience(PORTAL_TOKEN_AUDIENCE)
    .setIssuedAt(now)
    .setExpirationTime(now + lifetimeSeconds)
    .sign(key);
}
