// Short-lived JWTs the portal's server sends to the API.
// The browser never sees them: they are minted per request on the server.
import { SignJWT } from "jose";

const ISSUER = "techsync-portal";
const AUDIENCE = "techsync-api";
const LIFETIME_SECONDS = 300;

function key(secret: string): Uint8Array {
  return new TextEncoder().encode(secret);
}

/** A token acting as one portal user (everything except the auth endpoints). */
export function signPortalUserToken(secret: string, portalUserId: string, now = new Date()): Promise<string> {
  const iat = Math.floor(now.getTime() / 1000);
  return new SignJWT({})
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setSubject(portalUserId)
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt(iat)
    .setExpirationTime(iat + LIFETIME_SECONDS)
    .sign(key(secret));
}

/**
 * The portal's own token for /v1/auth/signup|login|microsoft, before a user is known. It names the browser's
 * address (when known) for the API's sign-in limits: inside the signature, so only the portal can say it.
 */
export function signPortalServiceToken(secret: string, now = new Date(), clientAddress?: string): Promise<string> {
  const iat = Math.floor(now.getTime() / 1000);
  return new SignJWT({ scope: "portal:auth", ...(clientAddress ? { client_address: clientAddress } : {}) })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setSubject("portal")
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt(iat)
    .setExpirationTime(iat + LIFETIME_SECONDS)
    .sign(key(secret));
}
