import { ENTRA_CLOUD_NAMES } from "@techsync/config/destinations";
import type { Prisma } from "@techsync/db";
import { z } from "zod";
import { isoOrNull, ZIsoDate, ZSecret } from "../common.types";

/** The Microsoft cloud, by name, never a URL (`sandbox`: the server's Graph emulator, sandbox tenants only). */
export const ZEntraCloud = z.enum(ENTRA_CLOUD_NAMES);

export const ZEntraConnection = z.object({
  directoryId: z.string(),
  clientId: z.string(),
  hasClientSecret: z.boolean(),
  cloud: ZEntraCloud,
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
  /** Required on first set and whenever the cloud changes (a stored secret never follows a new destination). */
  clientSecret: ZSecret.optional(),
  /** Absent: keep the current cloud (global on first set). */
  cloud: ZEntraCloud.optional(),
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
    cloud: ZEntraCloud.parse(row.cloud),
    lastTestedAt: isoOrNull(row.lastTestedAt),
    lastTestOk: row.lastTestOk,
    lastTestMessage: row.lastTestMessage,
  };
}
