// Webhook signatures: header `TechSync-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">` with
// the endpoint's signing secret. Receivers recompute it over the raw body and refuse old timestamps (replays).
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

export const SIGNATURE_HEADER = "TechSync-Signature";
/** How old a signature may be before a receiver should refuse it (5 minutes). */
export const SIGNATURE_TOLERANCE_SECONDS = 300;

/** A new signing secret: "whsec_" and 32 random bytes, base64url. Shown once; stored in the secret box. */
export function generateSigningSecret(): string {
  return `whsec_${randomBytes(32).toString("base64url")}`;
}

function hmacHex(secret: string, timestamp: number, body: string): string {
  return createHmac("sha256", secret).update(`${timestamp}.${body}`, "utf8").digest("hex");
}

/** The signature header's value for `body` sent at `timestamp` (unix seconds). */
export function signWebhookBody(secret: string, body: string, timestamp = Math.floor(Date.now() / 1000)): string {
  return `t=${timestamp},v1=${hmacHex(secret, timestamp, body)}`;
}

export type SignatureCheck = { ok: true; timestamp: number } | { ok: false; reason: string };

/** Checks a received signature header against the raw body: well formed, matching, and recent. */
export function verifyWebhookSignature(
  header: string | null | undefined,
  body: string,
  secret: string,
  options: { now?: number; toleranceSeconds?: number } = {},
): SignatureCheck {
  if (!header) return { ok: false, reason: "no signature header" };
  const parts = new Map<string, string[]>();
  for (const piece of header.split(",")) {
    const [key, ...rest] = piece.trim().split("=");
    if (!key || rest.length === 0) continue;
    parts.set(key, [...(parts.get(key) ?? []), rest.join("=")]);
  }
  const t = parts.get("t")?.[0];
  const timestamp = t && /^\d+$/.test(t) ? Number(t) : Number.NaN;
  if (!Number.isFinite(timestamp)) return { ok: false, reason: "no timestamp in the signature header" };
  const now = options.now ?? Math.floor(Date.now() / 1000);
  if (Math.abs(now - timestamp) > (options.toleranceSeconds ?? SIGNATURE_TOLERANCE_SECONDS)) {
    return { ok: false, reason: "the signature is too old" };
  }
  const expected = Buffer.from(hmacHex(secret, timestamp, body), "hex");
  for (const candidate of parts.get("v1") ?? []) {
    const given = /^[0-9a-f]{64}$/i.test(candidate) ? Buffer.from(candidate, "hex") : undefined;
    if (given && timingSafeEqual(given, expected)) return { ok: true, timestamp };
  }
  return { ok: false, reason: "the signature does not match the body" };
}
