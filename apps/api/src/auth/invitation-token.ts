// Invitation tokens: `inv_<random>.<signature>`, shown once to the inviter inside the link, stored as the
// SHA-256 of the whole token. The signature (HMAC under the portal token key, separated from portal tokens by
// a purpose label) lets a forged or mistyped token be refused without a database look-up.
import { createHash, createHmac, type KeyObject, randomBytes, timingSafeEqual } from "node:crypto";
import { INVITATION_TOKEN_PATTERN } from "@techsync/api-contract";

// The token's pattern is the API contract's, so the route's validation and this parser read the same shape.
export { INVITATION_TOKEN_PATTERN };

const PURPOSE = "techsync-invitation:";

function signatureOf(key: KeyObject, random: string): Buffer {
  return createHmac("sha256", key).update(`${PURPOSE}${random}`).digest();
}

export function hashInvitationToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

export function mintInvitationToken(key: KeyObject): { token: string; hash: string } {
  const random = randomBytes(32).toString("base64url");
  const token = `inv_${random}.${signatureOf(key, random).toString("base64url")}`;
  return { token, hash: hashInvitationToken(token) };
}

/** True when this API signed the token; says nothing about whether it is still pending. */
export function isSignedInvitationToken(key: KeyObject, token: string): boolean {
  const match = INVITATION_TOKEN_PATTERN.exec(token);
  if (!match) return false;
  const [, random, signature] = match as unknown as [string, string, string];
  const expected = signatureOf(key, random);
  const actual = Buffer.from(signature, "base64url");
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** For log lines: the path without the token. */
export function withoutInvitationToken(url: string): string {
  return url.replace(/\/v1\/invitations\/[^/?#]+/, "/v1/invitations/[redacted]");
}
