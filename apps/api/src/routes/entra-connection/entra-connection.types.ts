import type { Prisma } from "@techsync/db";
import { z } from "zod";
import { isoOrNull, ZHttpUrl, ZIsoDate, ZSecret } from "../common.types";

export const ZEntraConnection = z.object({
  directoryId: z.string(),
  clientId: z.string(),
  hasClientSecret: z.boolean(),
  authorityHost: z.string().nullable(),
  graphBaseUrl: z.string().nullable(),
  lastTestedAt: ZIsoDate.nullable(),
  lastTestOk: z.boolean().nullable(),
  lastTestMessage: z.string().nullable(),
});
export type EntraConnectionView = z.infer<typeof ZEntraConnection>;

export const ZSetEntraConnectionBody = z.strictObject({
  /** The directory (tenant) id, or its verified domain. */
  directoryId: z
    .string()
    .trim()
    .min(1)
    .max(255)
    .regex(/^[A-Za-z0-9][A-Za-z0-9.-]*$/, "must be a directory id (GUID) or a verified domain"),
  clientId: z.guid(),
  clientSecret: ZSecret.optional(),
  /** Sandbox only: the Graph emulator's URLs; null returns to Microsoft's public cloud. */
  authorityHost: ZHttpUrl.nullable().optional(),
  graphBaseUrl: ZHttpUrl.nullable().optional(),
});

export const ZEntraConnectionTest = z.object({
  ok: z.boolean(),
  message: z.string(),
  permissions: z.array(
    z.object({ permission: z.enum(["User.Read.All", "Group.Read.All", "Directory.Read.All"]), granted: z.boolean() }),
  ),
  summary: z.array(z.string()),
});

export function entraConnectionView(row: Prisma.EntraConnectionModel): EntraConnectionView {
  return {
    directoryId: row.directoryId,
    clientId: row.clientId,
    hasClientSecret: row.clientSecretEnc.length > 0,
    authorityHost: row.authorityHost,
    graphBaseUrl: row.graphBaseUrl,
    lastTestedAt: isoOrNull(row.lastTestedAt),
    lastTestOk: row.lastTestOk,
    lastTestMessage: row.lastTestMessage,
  };
}
