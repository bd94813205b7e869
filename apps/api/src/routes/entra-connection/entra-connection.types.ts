// The Entra connection's schemas are the API contract's; this maps a stored row to its view.
import { type EntraConnectionView, ZEntraCloud } from "@techsync/api-contract";
import type { Prisma } from "@techsync/db";
import { isoOrNull } from "../common.types";

export type { EntraConnectionView } from "@techsync/api-contract";
export {
  ZEntraCloud,
  ZEntraConnection,
  ZEntraConnectionTest,
  ZSetEntraConnectionBody,
  ZTestEntraConnectionBody,
} from "@techsync/api-contract";

export function entraConnectionView(row: Prisma.EntraConnectionModel): EntraConnectionView {
  return {
    directoryId: row.directoryId,
    clientId: row.clientId,
    hasClientSecret: row.clientSecretEnc.length > 0,
    cloud: ZEntraCloud.parse(row.cloud),
    lastTestedAt: isoOrNull(row.lastTestedAt),
    lastTestOk: row.lastTestOk,
    lastTestMessage: row.lastTestMessage,
    ...secretExpiry(row),
  };
}

/** The entered date wins; the one read from Graph (alert-worker's daily read) stands in when none was entered. */
function secretExpiry(
  row: Pick<Prisma.EntraConnectionModel, "clientSecretExpiresAt" | "clientSecretGraphExpiresAt">,
): Pick<EntraConnectionView, "clientSecretExpiresOn" | "clientSecretExpirySource"> {
  const day = (date: Date) => date.toISOString().slice(0, 10);
  if (row.clientSecretExpiresAt) {
    return { clientSecretExpiresOn: day(row.clientSecretExpiresAt), clientSecretExpirySource: "entered" };
  }
  if (row.clientSecretGraphExpiresAt) {
    return { clientSecretExpiresOn: day(row.clientSecretGraphExpiresAt), clientSecretExpirySource: "graph" };
  }
  return { clientSecretExpiresOn: null, clientSecretExpirySource: null };
}
