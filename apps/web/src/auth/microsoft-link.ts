// Linking a Microsoft account to an existing portal user. Only the signed-in user can do it: pressing
// "Link Microsoft account" in settings leaves a short-lived intent, signed by the portal and naming that
// user, which the Microsoft sign-in that follows consumes. Without it a Microsoft sign-in never links; it
// finds the user already linked to that account (oid + tid) or makes a new one.
import { jwtVerify, SignJWT } from "jose";

export const MICROSOFT_LINK_COOKIE = "techsync-link-microsoft";
const AUDIENCE = "techsync-link-microsoft";
/** Long enough to pass through Microsoft's sign-in page, short enough not to linger. */
export const MICROSOFT_LINK_SECONDS = 10 * 60;

const keyOf = (secret: string) => new TextEncoder().encode(secret);

export function signMicrosoftLinkIntent(secret: string, portalUserId: string): Promise<string> {
  return new SignJWT({})
    .setProtectedHeader({ alg: "HS256" })
    .setSubject(portalUserId)
    .setAudience(AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(`${MICROSOFT_LINK_SECONDS}s`)
    .sign(keyOf(secret));
}

/** The portal user who asked to link, or null for a missing, forged or expired intent. */
export async function microsoftLinkIntentUser(secret: string, value: string | undefined): Promise<string | null> {
  if (!value) return null;
  try {
    const { payload } = await jwtVerify(value, keyOf(secret), { audience: AUDIENCE, algorithms: ["HS256"] });
    return payload.sub ?? null;
  } catch {
    return null;
  }
}

export interface MicrosoftAccount {
  entraObjectId: string;
  entraTenantId: string;
  email: string;
  name?: string;
}

/**
 * The account Microsoft vouched for: its object id within its directory (oid + tid). The email claim is only
 * the address a new portal user is created with; it never finds or links one.
 */
export function microsoftAccountOf(profile: unknown): MicrosoftAccount | null {
  const claims = (profile ?? {}) as Record<string, unknown>;
  const text = (name: string) =>
    typeof claims[name] === "string" && claims[name] ? (claims[name] as string) : undefined;
  const oid = text("oid");
  const tid = text("tid");
  const email = text("email") ?? text("preferred_username");
  if (!oid || !tid || !email) return null;
  return { entraObjectId: oid, entraTenantId: tid, email, ...(text("name") ? { name: text("name") } : {}) };
}
