import type { Prisma } from "@techsync/db";
import { z } from "zod";
import { API_KEY_SCOPES } from "../../auth/principal";
import { isoOrNull, ZIsoDate, ZName, ZTenantParams } from "../common.types";

export const ZApiKey = z.object({
  id: z.uuid(),
  name: z.string(),
  /** Public: the start of the key, to tell keys apart. */
  prefix: z.string(),
  scopes: z.array(z.enum(API_KEY_SCOPES)),
  createdAt: ZIsoDate,
  lastUsedAt: ZIsoDate.nullable(),
  revokedAt: ZIsoDate.nullable(),
});
export type ApiKeyView = z.infer<typeof ZApiKey>;
export const ZApiKeysReply = z.object({ apiKeys: z.array(ZApiKey) });
export const ZCreateApiKeyBody = z.strictObject({
  name: ZName,
  scopes: z
    .array(z.enum(API_KEY_SCOPES))
    .min(1)
    .max(API_KEY_SCOPES.length)
    .transform((scopes) => [...new Set(scopes)]),
});
export const ZCreatedApiKey = z.object({ apiKey: ZApiKey, key: z.string().describe("Shown this once only") });
export const ZApiKeyParams = ZTenantParams.extend({ keyId: z.uuid() }).strict();

export function apiKeyView(row: Prisma.ApiKeyModel): ApiKeyView {
  return {
    id: row.id,
    name: row.name,
    prefix: `tsk_${row.prefix}`,
    scopes: row.scopes.filter((s): s is (typeof API_KEY_SCOPES)[number] =>
      (API_KEY_SCOPES as readonly string[]).includes(s),
    ),
    createdAt: row.createdAt.toISOString(),
    lastUsedAt: isoOrNull(row.lastUsedAt),
    revokedAt: isoOrNull(row.revokedAt),
  };
}
