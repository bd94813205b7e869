import { z } from "zod";

const ZTechnicianSeed = z.object({
  name: z.string().min(1),
  nick: z.string().default(""),
  email: z.string().min(3),
  ssoId: z.string().default(""),
  /** Free text an administrator typed in the Admin Center. */
  description: z.string().default(""),
  password: z.string().default(""),
  status: z.enum(["Enabled", "Disabled"]).default("Enabled"),
  mobileAddon: z.boolean().default(false),
  rpatAddon: z.boolean().default(false),
});

interface TechnicianGroupSeed {
  name: string;
  description?: string | undefined;
  technicians?: z.input<typeof ZTechnicianSeed>[] | undefined;
  groups?: TechnicianGroupSeed[] | undefined;
}
const ZTechnicianGroupSeed: z.ZodType<TechnicianGroupSeed> = z.lazy(() =>
  z.object({
    name: z.string().min(1),
    description: z.string().optional(),
    technicians: z.array(ZTechnicianSeed).optional(),
    groups: z.array(ZTechnicianGroupSeed).optional(),
  }),
);

const ZAdministratorSeed = z.object({
  name: z.string().min(1),
  email: z.string().min(3),
  password: z.string().min(1),
  /** A Master Administrator (in the root Master Administrators category) may use createUsers. */
  master: z.boolean().default(false),
  /** Administrators go in this Administrator Group (created on demand), else the root Administrators category. */
  group: z.string().optional(),
  authCode: z.string().optional(),
  status: z.enum(["Enabled", "Disabled"]).default("Enabled"),
});

/** An organisation to load into the emulator (POST /_emulator/rescue/seed takes it as JSON). */
export const ZRescueOrganisationSeed = z.object({
  account: z
    .object({
      id: z.number().int().positive().default(560961),
      organization: z.string().default("Emulated Rescue Company"),
      /** Named licensing: technicians allowed in Enabled status. */
      technicianLicences: z.number().int().nonnegative().default(100),
      mobileLicences: z.number().int().nonnegative().default(10),
    })
    .prefault({}),
  masterAccountHolder: z.object({
    name: z.string().min(1),
    email: z.string().min(3),
    password: z.string().min(1),
    /** Global Settings › "Generate API token": the documented authcode for API calls. */
    apiToken: z.string().min(1).optional(),
    /** Global Settings › Active Directory Synchronization service token, for Rescue's own AdSync tool. */
    serviceToken: z.string().min(1).optional(),
  }),
  /**
   * Whether the AdSync service token also works as a public-API authcode is unconfirmed; strict default: it does
   * not (INVALID_SECRETAUTHCODE), only the API token does.
   */
  serviceTokenIsAuthCode: z.boolean().default(false),
  /** Global Settings › "Generate API token" restrictions a customer may tick. */
  apiSettings: z
    .object({
      /** "Deny access to the login endpoint": the `login` API call is refused (website login unaffected). */
      denyLoginEndpoint: z.boolean().default(false),
      /** "Deny access to the requestAuthCode endpoint": the generated API token is the only way in. */
      denyRequestAuthCode: z.boolean().default(false),
    })
    .prefault({}),
  administrators: z.array(ZAdministratorSeed).default([]),
  technicianGroups: z.array(ZTechnicianGroupSeed).default([]),
  passwordPolicy: z
    .object({
      /** Good = 3 classes (the weakest strength setting). */
      minCharacterClasses: z.number().int().min(1).max(4).default(3),
      /** Global Settings: "admin password change forces a change at next logon". */
      adminSetForcesChange: z.boolean().default(true),
    })
    .prefault({}),
  /** First node id handed out (real ids look like 337366). */
  firstNodeId: z.number().int().positive().default(1000),
});
export type RescueOrganisationSeed = z.input<typeof ZRescueOrganisationSeed>;
export type ParsedRescueOrganisationSeed = z.output<typeof ZRescueOrganisationSeed>;
export type ParsedTechnicianGroupSeed = TechnicianGroupSeed;
export type ParsedTechnicianSeed = z.output<typeof ZTechnicianSeed>;
export const parseTechnicianSeed = (input: unknown): ParsedTechnicianSeed => ZTechnicianSeed.parse(input);

/** Matches the Graph emulator's demo user Alex Morgan, so the demo shows an adopt (rule 3). */
export const DEMO_ADOPTABLE_TECHNICIAN_EMAIL = "alex.morgan@contoso-demo.example";

export const DEMO_RESCUE_CONNECTION = {
  email: "mah@contoso-demo.example",
  password: "Demo-Rescue-2026!",
  /** The "Generate API token" value: what TechSync sends as `authcode`. */
  apiToken: "demotoken0techsync0rescue0emulator0service0token0for0the0sandbox0tenant0000001",
  /** The AdSync service token: a different secret, refused as `authcode` by the strict default. */
  serviceToken: "demoadsync0servicetoken0not0an0api0token0for0the0sandbox0tenant00000000000001",
} as const;

/** The sandbox's demo organisation: fixed, documented credentials (DEMO_RESCUE_CONNECTION). */
export function demoRescueOrganisation(): RescueOrganisationSeed {
  return {
    account: { id: 560961, organization: "Contoso Demo Support", technicianLicences: 60, mobileLicences: 10 },
    masterAccountHolder: { name: "Dana Holder", ...DEMO_RESCUE_CONNECTION },
    administrators: [
      {
        name: "Robin Master",
        email: "robin.master@contoso-demo.example",
        password: "Robin-Master-2026!",
        master: true,
      },
      {
        name: "Sam Admin",
        email: "sam.admin@contoso-demo.example",
        password: "Sam-Admin-2026!",
        group: "Helpdesk Admins",
      },
    ],
    technicianGroups: [
      {
        name: "Support Tier 1",
        description: "First-line support",
        technicians: [
          {
            name: "Alex Morgan",
            nick: "Alex",
            email: DEMO_ADOPTABLE_TECHNICIAN_EMAIL,
            ssoId: "alex.morgan@sso.contoso-demo.example",
            // Free text that looks like reply keys, so the sandbox exercises the client's reply reader.
            description: "Note: EMAIL: alex@old.example NICK: Al SSOID: none",
            password: "Alex-Tech-2026!",
            mobileAddon: true,
          },
          {
            name: "Jordan Lee",
            nick: "Jordan",
            email: "jordan.lee@contoso-demo.example",
            description: "Escalation contact TYPE: Administrator HASMOBILEADDON: True STATUS: Online",
            password: "Jordan-Tech-2026!",
          },
        ],
      },
      {
        name: "Support Tier 2",
        description: "Escalations. Type: Root Status: Disabled",
        technicians: [
          {
            name: "Casey Old",
            nick: "Casey",
            email: "casey.old@contoso-demo.example",
            description: "Backup tech. Status: on leave",
            password: "Casey-Tech-2026!",
            status: "Disabled",
          },
        ],
      },
      {
        name: "Field Engineers",
        description: "On-site engineers",
        groups: [{ name: "Field Engineers North", description: "Northern region" }],
      },
    ],
  };
}

/**
 * The sandbox's own organisations: in the sandbox configuration (`npm run emulators`, started by `npm start`) an API
 * token of this prefix followed by 32 lowercase hex characters opens, on first use, a fresh copy of the demo
 * organisation of its own, so every sandbox tenant ("Try with demo data") syncs its own organisation (rule 15:
 * one tenant per organisation) and two trials never touch each other's technicians. The portal derives the
 * suffix from the tenant id. These are public demo values: they open nothing but the emulator.
 */
export const SANDBOX_TOKEN_PREFIX = "demotoken0techsync0sandbox0org0";
const SANDBOX_SUFFIX = /^[0-9a-f]{32}$/;

/** The suffix of a sandbox organisation's API token, or undefined when the token is not of that form. */
export function sandboxSuffixOf(apiToken: string): string | undefined {
  if (!apiToken.startsWith(SANDBOX_TOKEN_PREFIX)) return undefined;
  const suffix = apiToken.slice(SANDBOX_TOKEN_PREFIX.length);
  return SANDBOX_SUFFIX.test(suffix) ? suffix : undefined;
}

/** The Rescue form of a sandbox organisation: its own Master Account Holder and API token (no password needed). */
export function sandboxRescueConnection(suffix: string): { email: string; apiToken: string } {
  if (!SANDBOX_SUFFIX.test(suffix)) throw new Error("a sandbox organisation's suffix is 32 lowercase hex characters");
  return { email: `mah+${suffix}@contoso-demo.example`, apiToken: `${SANDBOX_TOKEN_PREFIX}${suffix}` };
}

/**
 * A fresh copy of the demo organisation for one sandbox suffix. Its AccountID follows from the suffix (so a
 * restarted emulator gives a tenant the same one), clear of the demo organisation's.
 */
export function sandboxRescueOrganisation(suffix: string): RescueOrganisationSeed {
  const demo = demoRescueOrganisation();
  const connection = sandboxRescueConnection(suffix);
  return {
    ...demo,
    account: { ...demo.account, id: 1_000_000 + Number.parseInt(suffix.slice(0, 7), 16) },
    masterAccountHolder: {
      ...demo.masterAccountHolder,
      ...connection,
      serviceToken: `demoadsync0sandbox0org0${suffix}`,
    },
  };
}
