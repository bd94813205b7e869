// API key schemas are the API contract's; this maps a stored key to its view (never the secret).
import { API_KEY_SCOPES, type ApiKeyView } from "@techsync/api-contract";
import type { Prisma } from "@techsync/db";
import { isoOrNull } from "../common.types";

export type { ApiKeyView } from "@techsync/api-contract";
export {
  ZApiKey,
  ZApiKeyParams,
  ZApiKeysReply,
  ZCreateApiKeyBody,
  ZCreatedApiKey,
} from "@techsync/api-contract";

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
