// Zod shapes shared by several resources' schemas.
import { z } from "zod";

export const ZTenantParams = z.strictObject({ tenantId: z.uuid() });

/** Page sizes: the portal asks for 50; more than 200 per page is refused, not clamped. */
export const ZLimit = z.coerce.number().int().min(1).max(200).default(50);

/** Text a person typed: trimmed, not empty, bounded. */
export const ZName = z.string().trim().min(1).max(200);
export const ZEmail = z
  .email()
  .max(254)
  .transform((email) => email.toLowerCase());
/** Secrets: bounded so a body cannot carry megabytes into the secret box. */
export const ZSecret = z.string().min(1).max(1024);

export const ZIsoDate = z.iso.datetime();

const MAX_BIGINT_ID = 9_223_372_036_854_775_807n;
/** A cursor naming a row by its 64-bit id (log entries, audit events): digits, within PostgreSQL's bigint. */
export function bigintCursor(what: string) {
  return (
    z
      .string()
      .regex(/^\d{1,19}$/, `must be ${what} id`)
      // zod runs this check even after the pattern failed: only digits may reach BigInt().
      .refine(
        (value) => !/^\d{1,19}$/.test(value) || BigInt(value) <= MAX_BIGINT_ID,
        `must be ${what} id (at most ${MAX_BIGINT_ID})`,
      )
  );
}

/** A service's base URL (Rescue API, Entra authority, Graph), without a trailing slash. */
export const ZHttpUrl = z
  .url({ protocol: /^https?$/ })
  .max(2048)
  .transform((url) => url.replace(/\/+$/, ""));

export const ZErrorReply = z.object({
  error: z.string(),
  message: z.string(),
  requestId: z.string(),
  details: z.array(z.unknown()).optional(),
});
export type ErrorReply = z.infer<typeof ZErrorReply>;

/** Error replies every authenticated route may give, for the OpenAPI document. */
export const AUTHENTICATED_ERRORS = {
  400: ZErrorReply,
  401: ZErrorReply,
  403: ZErrorReply,
  404: ZErrorReply,
  429: ZErrorReply,
} as const;
