// The Rescue connection's schemas are the API contract's; this maps a stored row to its view.
import { type RescueConnectionView, ZRescueRegion } from "@techsync/api-contract";
import type { Prisma } from "@techsync/db";
import { isoOrNull } from "../common.types";

export type { RescueConnectionView } from "@techsync/api-contract";
export {
  ZRescueConnection,
  ZRescueConnectionTest,
  ZRescueOrganisationTaken,
  ZRescueRegion,
  ZSetRescueConnectionBody,
  ZTestRescueConnectionBody,
} from "@techsync/api-contract";

export function rescueConnectionView(row: Prisma.RescueConnectionModel): RescueConnectionView {
  return {
    email: row.email,
    region: ZRescueRegion.parse(row.region),
    hasPassword: row.passwordEnc.length > 0,
    hasApiToken: row.apiTokenEnc.length > 0,
    lastTestedAt: isoOrNull(row.lastTestedAt),
    lastTestOk: row.lastTestOk,
    lastTestMessage: row.lastTestMessage,
    organisation:
      row.rescueAccountId !== null ? { accountId: row.rescueAccountId, name: row.rescueOrganization ?? "" } : null,
  };
}
