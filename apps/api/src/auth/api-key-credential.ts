// Automation keys: `tsk_<prefix>_<secret>`, shown once, stored as the SHA-256 of the whole key
// beside the public prefix that finds the row.
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type { PrismaClient } from "@techsync/db";
import { AppError } from "../errors";
import type { Principal } from "./principal";

const API_KEY_PATTERN = /^tsk_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$/;
/** Writing last-used on every call would make each read a write; a minute's precision is enough. */
const LAST_USED_PRECISION_MS = 60_000;

export function hashApiKey(key: string): string {
  return createHash("sha256").update(key).digest("hex");
}

export function mintApiKey(): { key: string; prefix: string; hash: string } {
  const prefix = randomBytes(6).toString("hex");
  const key = `tsk_${prefix}_${randomBytes(32).toString("base64url")}`;
  return { key, prefix, hash: hashApiKey(key) };
}

export function isApiKeyToken(token: string): boolean {
  return token.startsWith("tsk_");
}

/** The public prefix of a well-formed key, for rate limiting by key before the key is verified. */
export function apiKeyPrefix(token: string): string | null {
  return API_KEY_PATTERN.exec(token)?.[1] ?? null;
}

export async function verifyApiKey(deps: { prisma: Pick<PrismaClient, "apiKey"> }, token: string): Promise<Principal> {
  const invalid = new AppError("unauthorized", "Authorization: the API key is not valid or was revoked.");
  const prefix = apiKeyPrefix(token);
  if (!prefix) throw invalid;
  const row = await deps.prisma.apiKey.findUnique({ where: { prefix } });
  if (!row || row.revokedAt) throw invalid;
  const expected = Buffer.from(row.hash, "hex");
  const actual = Buffer.from(hashApiKey(token), "hex");
  if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) throw invalid;
  const now = new Date();
  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() > LAST_USED_PRECISION_MS) {
    await deps.prisma.apiKey.update({ where: { id: row.id }, data: { lastUsedAt: now } });
  }
  return { kind: "api_key", keyId: row.id, tenantId: row.tenantId, scopes: row.scopes };
}
