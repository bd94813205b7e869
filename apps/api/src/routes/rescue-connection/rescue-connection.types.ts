import type { Prisma } from "@techsync/db";
import { z } from "zod";
import { isoOrNull, ZEmail, ZHttpUrl, ZIsoDate, ZSecret } from "../common.types";

export const ZRescueConnection = z.object({
  email: z.string(),
  apiBaseUrl: z.string(),
  hasPassword: z.boolean(),
  hasServiceToken: z.boolean(),
  lastTestedAt: ZIsoDate.nullable(),
  lastTestOk: z.boolean().nullable(),
  lastTestMessage: z.string().nullable(),
});
export type RescueConnectionView = z.infer<typeof ZRescueConnection>;

/** Secrets are required on first set and optional later (absent = keep). */
export const ZSetRescueConnectionBody = z.strictObject({
  email: ZEmail,
  password: ZSecret.optional(),
  serviceToken: ZSecret.optional(),
  apiBaseUrl: ZHttpUrl.optional(),
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
    apiBaseUrl: row.apiBaseUrl,
    hasPassword: row.passwordEnc.length > 0,
    hasServiceToken: row.serviceTokenEnc.length > 0,
    lastTestedAt: isoOrNull(row.lastTestedAt),
    lastTestOk: row.lastTestOk,
    lastTestMessage: row.lastTestMessage,
  };
}
