import { RESCUE_REGION_NAMES } from "@techsync/config/destinations";
import type { Prisma } from "@techsync/db";
import { z } from "zod";
import { isoOrNull, ZEmail, ZIsoDate, ZSecret } from "../common.types";

/** Where the connection's calls go: a region name, never a URL (`sandbox`: the server's emulator, sandbox tenants only). */
export const ZRescueRegion = z.enum(RESCUE_REGION_NAMES);

export const ZRescueConnection = z.object({
  email: z.string(),
  region: ZRescueRegion,
  hasPassword: z.boolean(),
  hasApiToken: z.boolean(),
  lastTestedAt: ZIsoDate.nullable(),
  lastTestOk: z.boolean().nullable(),
  lastTestMessage: z.string().nullable(),
});
export type RescueConnectionView = z.infer<typeof ZRescueConnection>;

/**
 * The API token is required on first set and whenever the region changes (stored secrets never follow a new
 * destination); otherwise an absent secret is kept. The password is optional: empty or absent means "not given".
 */
export const ZSetRescueConnectionBody = z.strictObject({
  email: ZEmail,
  /** The Admin Center's Global Settings › "Generate API token" value. */
  apiToken: ZSecret.optional(),
  /** The Master Account Holder's password, only for organisations that allow the login endpoint. */
  password: z.union([z.literal(""), ZSecret]).optional(),
  /** Absent: keep the current region (global on first set). */
  region: ZRescueRegion.optional(),
});

/** Each credential is checked on its own; `result` names the first that failed ("connected" when none did). */
export const ZRescueConnectionTest = z.object({
  ok: z.boolean(),
  result: z.enum([
    "connected",
    "token_missing",
    "token_invalid",
    "account_disabled",
    "email_mismatch",
    "not_administrator",
    "password_invalid",
    "login_limit_reached",
    "login_endpoint_denied",
    "login_unavailable",
    "unreachable",
  ]),
  message: z.string(),
  checks: z.array(
    z.object({
      credential: z.enum(["apiToken", "email", "password"]),
      outcome: z.enum(["passed", "failed", "skipped"]),
      message: z.string(),
    }),
  ),
  account: z.object({ organization: z.string(), accountId: z.number() }).optional(),
  /** Whether the token's user is a Master Administrator (bulk creation needs one); null when unknown. */
  masterAdministrator: z.boolean().nullable(),
  warnings: z.array(z.string()),
});

export function rescueConnectionView(row: Prisma.RescueConnectionModel): RescueConnectionView {
  return {
    email: row.email,
    region: ZRescueRegion.parse(row.region),
    hasPassword: row.passwordEnc.length > 0,
    hasApiToken: row.apiTokenEnc.length > 0,
    lastTestedAt: isoOrNull(row.lastTestedAt),
    lastTestOk: row.lastTestOk,
    lastTestMessage: row.lastTestMessage,
  };
}
