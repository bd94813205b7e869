// Domain types of TechSync's sync engine (vocabulary: docs/sync-rules.md).
// Pure data: no framework, database or HTTP types here.

/** Attributes of an Entra user that a mapping's filter may test. */
export const FILTER_ATTRIBUTES = [
  "department",
  "jobTitle",
  "companyName",
  "officeLocation",
  "employeeId",
  "displayName",
  "mail",
  "userPrincipalName",
] as const;
export type FilterAttribute = (typeof FILTER_ATTRIBUTES)[number];

/** Entra's `userType`: a member of the tenant, or a guest invited from another organisation (B2B). */
export type DirectoryUserType = "member" | "guest";

/** A user as read from Microsoft Entra ID (Graph `user`, the fields the engine needs). */
export interface DirectoryUser {
  /** Entra object id. */
  id: string;
  /** Absent: a member. Guests are provisioned only when the tenant turned on `includeGuests`. */
  userType?: DirectoryUserType;
  displayName: string | null;
  givenName: string | null;
  surname: string | null;
  mail: string | null;
  userPrincipalName: string;
  accountEnabled: boolean;
  department?: string | null;
  jobTitle?: string | null;
  companyName?: string | null;
  officeLocation?: string | null;
  employeeId?: string | null;
}

export interface DirectoryGroup {
  id: string;
  displayName: string;
  description?: string | null;
  mail?: string | null;
}

/** Rescue node types (getHierarchy_v2 `Type`), normalised to camelCase; parse case-insensitively. */
export type RescueNodeKind =
  | "root"
  | "masterAdministrators"
  | "administrators"
  | "technicians"
  | "administratorGroup"
  | "technicianGroup"
  | "pseudoGroup"
  | "masterAdministrator"
  | "administrator"
  | "technician"
  | "administratorLink"
  | "administratorGroupLink"
  | "channel"
  | "unknown";

/** Rescue reports presence (Online, Offline, Busy, Away) for enabled users; the engine only cares enabled/disabled. */
export type TechnicianStatus = "enabled" | "disabled";

/** The key data TechSync owns on a technician (rule 4: nothing else is touched). */
export interface TechnicianFields {
  name: string;
  nick: string;
  email: string;
  ssoId: string;
}
export const TECHNICIAN_FIELDS = [
  "name",
  "nick",
  "email",
  "ssoId",
] as const satisfies readonly (keyof TechnicianFields)[];

/** One node of the Rescue organisation tree. */
export interface RescueNode {
  id: number;
  /** null for the root. */
  parentId: number | null;
  kind: RescueNodeKind;
  name: string;
  /** getHierarchy_v2 has no nick or SSO id; adapters fill them from getUser_v3 where needed, else leave undefined. */
  nick?: string | null;
  email?: string | null;
  ssoId?: string | null;
  status: TechnicianStatus;
}

export const FILTER_OPERATORS = ["equals", "contains", "startsWith", "endsWith"] as const;
export type FilterOperator = (typeof FILTER_OPERATORS)[number];

/** The seed's "search criteria" + "search term": compared case-insensitively. */
export interface MappingFilter {
  attribute: FilterAttribute;
  operator: FilterOperator;
  value: string;
}

/** include: the condition must hold; exclude: the condition must NOT hold (a user without the attribute passes). */
export const CONDITION_MODES = ["include", "exclude"] as const;
export type ConditionMode = (typeof CONDITION_MODES)[number];
/** all: every condition passes; any: at least one does. */
export const CONDITION_COMBINATORS = ["all", "any"] as const;
export type ConditionCombinator = (typeof CONDITION_COMBINATORS)[number];

/** One test of a pair's scope: a filter, kept (include) or turned round (exclude). */
export interface MappingCondition extends MappingFilter {
  mode: ConditionMode;
}

/** A pair's scoping conditions (rule 1): an empty list lets every member through. */
export interface MappingConditions {
  combinator: ConditionCombinator;
  conditions: MappingCondition[];
}

/** One Entra group → one Rescue technician group. */
export interface GroupMapping {
  id: string;
  entraGroupId: string;
  rescueGroupId: number;
  /** rule 8: lowest number wins when a user is in scope of several mappings. */
  priority: number;
  /** rule 1: transitive membership by default. */
  transitive: boolean;
  /** The single filter of older configurations; `conditions`, when given, wins. */
  filter?: MappingFilter | null;
  /** Several conditions joined by all/any; null or absent: the `filter` alone (or nobody filtered out). */
  conditions?: MappingConditions | null;
  /** The Entra group's name as the mapping remembers it, for the people reading a plan. */
  entraGroupName?: string;
}

/** The remembered pairing of an Entra user with a Rescue technician. */
export interface Link {
  entraUserId: string;
  rescueNodeId: number;
  /**
   * The key data last written to (or read from) the technician. getHierarchy_v2 has no nick or SSO id,
   * so the planner compares against these where the tree lacks a value (rule 4: update what changed in Entra).
   */
  fields?: TechnicianFields;
}

/** Where a technician field's value comes from: the first source with a non-empty value wins. */
export type AttributeSource =
  | "displayName"
  | "givenName"
  | "surname"
  | "mail"
  | "userPrincipalName"
  | "mailLocalPart"
  | "userPrincipalNameLocalPart"
  | "employeeId";
export type AttributeMapping = Record<keyof TechnicianFields, readonly AttributeSource[]>;

export const DEFAULT_ATTRIBUTE_MAPPING: AttributeMapping = {
  name: ["displayName"],
  nick: ["givenName", "mailLocalPart"],
  email: ["mail", "userPrincipalName"],
  ssoId: ["userPrincipalName"],
};

export interface SafetyThreshold {
  /** Percentage of linked technicians a run may disable without approval (default 10). */
  percent: number;
  /** ...but always allow at least this many (default 5). */
  minimum: number;
}
export const DEFAULT_SAFETY_THRESHOLD: SafetyThreshold = { percent: 10, minimum: 5 };

/**
 * Longest value the planner lets through per field. Rescue documents no maximum (reference §7:
 * "maximum unknown"), so these are conservative; a longer value is a warning on that user, not a failed run.
 */
export type TechnicianFieldLimits = Record<keyof TechnicianFields, number>;
export const DEFAULT_FIELD_LIMITS: TechnicianFieldLimits = { name: 128, nick: 64, email: 128, ssoId: 256 };

/**
 * Who owns a technician's SSO id (rule 16). "rescue" (the default): a non-empty SSO id in Rescue is never
 * overwritten, only an empty one is filled from Entra; "entra": the tenant chose Entra as the source of SSO ids.
 */
export type SsoIdSource = "rescue" | "entra";
export const SSO_ID_SOURCES = ["rescue", "entra"] as const satisfies readonly SsoIdSource[];
export const DEFAULT_SSO_ID_SOURCE: SsoIdSource = "rescue";

export interface TenantSyncSettings {
  attributeMapping?: Partial<AttributeMapping>;
  /** rule 16; default "rescue". */
  ssoIdSource?: SsoIdSource;
  safetyThreshold?: SafetyThreshold;
  /** Overrides of DEFAULT_FIELD_LIMITS. */
  fieldLimits?: Partial<TechnicianFieldLimits>;
  /** Provision guest users (userType Guest) too; default false: guests are skipped and reported. */
  includeGuests?: boolean;
}

const EXTERNAL_MARK = /#EXT#/i;

/**
 * A guest's user principal name in the inviting tenant, e.g. `jane_contoso.com#EXT#@fabrikam.onmicrosoft.com`.
 * It routes no mail, so it is never used as an email (and the original address cannot be recovered from it
 * safely: an underscore may belong to the local part).
 */
export function isExternalUserPrincipalName(value: string | null | undefined): boolean {
  return value ? EXTERNAL_MARK.test(value) : false;
}

/** Emails are compared trimmed and case-insensitively everywhere. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/**
 * rule 13: a technician field's value as the write leaves it and as it is compared: trimmed (the planner derives
 * trimmed values and Rescue keeps no surrounding blanks), an email in lower case as well (Rescue matches emails
 * case-insensitively). The planner and the Rescue client's write both decide "already the same" with this, so the
 * planner never plans a write the client would find empty, nor the client skip one the planner meant.
 */
export function normalizeFieldValue(field: keyof TechnicianFields, value: string): string {
  return field === "email" ? normalizeEmail(value) : value.trim();
}

/** rule 13: whether two values of a technician field are the same after normalisation. */
export function sameFieldValue(field: keyof TechnicianFields, a: string, b: string): boolean {
  return a === b || normalizeFieldValue(field, a) === normalizeFieldValue(field, b);
}
