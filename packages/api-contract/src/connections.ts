// Connections to Rescue and Entra ID: the saved settings (never a secret) and the connection tests.
import { ENTRA_CLOUD_NAMES, RESCUE_REGION_NAMES } from "@techsync/config/destinations";
import { z } from "zod";
import { ZEmail, ZErrorReply, ZIsoDate, ZSecret } from "./common";
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
  /**
   * rule 15: the Rescue organisation the API token belongs to (getAccount), recorded when the connection is saved or
   * tested, or by the first run; null until Rescue could be asked.
   */
  organisation: z.object({ accountId: z.number().int(), name: z.string() }).nullable(),
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
  /**
   * rule 15: the tenant that holds this Rescue organisation now, when the caller owns it too and means to move the
   * organisation here (the 409 `organisation_taken` answer offers it): that tenant loses its Rescue connection and
   * is paused.
   */
  moveFrom: z.uuid().optional(),
});

/**
 * rule 15, 409 `organisation_taken`: the Rescue organisation is connected to another tenant. The message names that
 * tenant's owners (whom to ask); `move` is there only when the caller owns that tenant too.
 */
export const ZRescueOrganisationTaken = ZErrorReply.extend({
  organisation: z.object({ accountId: z.number().int(), name: z.string() }).optional(),
  ownerEmails: z.array(z.string()).optional(),
  move: z.object({ fromTenantId: z.uuid(), fromTenantName: z.string() }).optional(),
});
export type RescueOrganisationTaken = z.infer<typeof ZRescueOrganisationTaken>;

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

/** The Microsoft cloud, by name, never a URL (`sandbox`: the server's Graph emulator, sandbox tenants only). */
export const ZEntraCloud = z.enum(ENTRA_CLOUD_NAMES);

export const ZEntraConnection = z.object({
  directoryId: z.string(),
  clientId: z.string(),
  hasClientSecret: z.boolean(),
  /**
   * When the client secret expires (YYYY-MM-DD): the date entered with it, else the one read from the app
   * registration in Graph (when the app may read it, at most daily); null: not known.
   */
  clientSecretExpiresOn: z.iso.date().nullable().optional(),
  /** Where `clientSecretExpiresOn` comes from: entered with the secret, or read from Graph; null: not known. */
  clientSecretExpirySource: z.enum(["entered", "graph"]).nullable().optional(),
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
  /**
   * When the client secret expires (YYYY-MM-DD, from the app registration's "Certificates & secrets"), for the
   * expiry reminder (docs/alerts.md). Absent: kept, unless a new secret is given (then not known); null: not known.
   */
  clientSecretExpiresOn: z.iso.date({ message: "must be a date (YYYY-MM-DD)" }).nullable().optional(),
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

/**
 * "Test these values": a connection as typed in a form, tested WITHOUT being saved, so a wrong new secret never
 * replaces a working one. An absent secret means the saved one (only for the same region or cloud). Without a
 * candidate, the saved connection is tested and the outcome kept on it.
 */
export const ZTestRescueConnectionBody = z.strictObject({
  candidate: ZSetRescueConnectionBody.omit({ moveFrom: true }).optional(),
});
export const ZTestEntraConnectionBody = z.strictObject({ candidate: ZSetEntraConnectionBody.optional() });

export type RescueRegion = z.infer<typeof ZRescueRegion>;
export type SetRescueConnectionBody = z.input<typeof ZSetRescueConnectionBody>;
export type RescueConnectionTest = z.infer<typeof ZRescueConnectionTest>;
export type EntraCloud = z.infer<typeof ZEntraCloud>;
export type SetEntraConnectionBody = z.input<typeof ZSetEntraConnectionBody>;
export type EntraConnectionTest = z.infer<typeof ZEntraConnectionTest>;
export type TestRescueConnectionBody = z.input<typeof ZTestRescueConnectionBody>;
export type TestEntraConnectionBody = z.input<typeof ZTestEntraConnectionBody>;
