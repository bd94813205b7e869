// Shapes of the API's answers, as the API's OpenAPI document describes them.

export type Role = "owner" | "admin" | "viewer";

export interface PortalUser {
  id: string;
  email: string;
  name?: string | null;
}

export interface TenantMembership {
  id: string;
  name: string;
  role: Role;
  sandboxMode: boolean;
}

export interface SafetyThreshold {
  percent: number;
  minimum: number;
}

/** Which Entra attributes fill each technician field, first non-empty wins. */
export type AttributeMapping = Partial<Record<"name" | "nick" | "email" | "ssoId", string[]>>;

export interface TenantSettings {
  id: string;
  name: string;
  scheduleIntervalMinutes: number;
  paused: boolean;
  sandboxMode: boolean;
  safetyThreshold: SafetyThreshold;
  attributeMapping: AttributeMapping | null;
  includeGuests: boolean;
  /** rule 16: "rescue" keeps every non-empty SSO id Rescue holds; "entra" lets runs overwrite them. */
  ssoIdSource: "rescue" | "entra";
  hasDefaultPassword: boolean;
  attentionReason: string | null;
  quarantinedUntil: string | null;
  nextRunAt?: string | null;
  createdAt: string;
}

export interface TenantSettingsPatch {
  name?: string;
  scheduleIntervalMinutes?: number;
  paused?: boolean;
  sandboxMode?: boolean;
  safetyThreshold?: SafetyThreshold;
  attributeMapping?: AttributeMapping | null;
  includeGuests?: boolean;
  ssoIdSource?: "rescue" | "entra";
  defaultPassword?: string;
}

export type RunStatus = "queued" | "running" | "succeeded" | "partial" | "failed" | "blocked" | "cancelled";
export type ActionKind = "create" | "adopt" | "update" | "enable" | "disable";

/** Counts as the worker records them; read through runCount (run-words.ts). */
export type RunCounts = Record<string, unknown>;

export interface RunSummary {
  id: string;
  status: RunStatus;
  dryRun?: boolean;
  queuedAt: string;
  finishedAt: string | null;
  counts: RunCounts | null;
}

export interface SyncRun extends RunSummary {
  trigger: string;
  dryRun: boolean;
  requestedBy: string | null;
  approvedBy: string | null;
  report: unknown;
  phase: string | null;
  progress: { done: number; total: number } | null;
  error: string | null;
  startedAt: string | null;
}

export interface TenantSummary {
  lastRun: SyncRun | RunSummary | null;
  nextRunAt: string | null;
  linkedTechnicians: number;
  recentRuns: RunSummary[];
}

/** A Rescue region or Entra cloud by name: the API never takes a URL. `sandbox` is the server's emulators. */
export type RescueRegion = "global" | "enterprise" | "sandbox";
export type EntraCloud = "global" | "usgov" | "usgov-dod" | "china" | "sandbox";

export interface RescueConnection {
  email: string;
  region: RescueRegion;
  hasPassword: boolean;
  hasApiToken: boolean;
  lastTestedAt: string | null;
  lastTestOk: boolean | null;
  lastTestMessage: string | null;
}

export interface RescueConnectionInput {
  email: string;
  /** Required first time and when the region changes. */
  apiToken?: string;
  /** Optional; "" clears a saved one. */
  password?: string;
  region?: RescueRegion;
}

/** Each credential is checked on its own; `result` names the first that failed ("connected" when none did). */
export interface RescueConnectionTest {
  ok: boolean;
  result:
    | "connected"
    | "token_missing"
    | "token_invalid"
    | "account_disabled"
    | "email_mismatch"
    | "not_administrator"
    | "password_invalid"
    | "login_limit_reached"
    | "login_endpoint_denied"
    | "login_unavailable"
    | "unreachable";
  message: string;
  checks: {
    credential: "apiToken" | "email" | "password";
    outcome: "passed" | "failed" | "skipped";
    message: string;
  }[];
  account?: { organization: string; accountId: number };
  /** Whether the token's user is a Master Administrator (bulk creation needs one); null when unknown. */
  masterAdministrator: boolean | null;
  warnings: string[];
}

export interface EntraConnection {
  directoryId: string;
  clientId: string;
  hasClientSecret: boolean;
  cloud: EntraCloud;
  lastTestedAt: string | null;
  lastTestOk: boolean | null;
  lastTestMessage: string | null;
}

export interface EntraConnectionInput {
  directoryId: string;
  clientId: string;
  clientSecret?: string;
  cloud?: EntraCloud;
}

export type GraphPermission = "User.Read.All" | "Group.Read.All" | "Directory.Read.All";

export interface EntraConnectionTest {
  ok: boolean;
  message: string;
  permissions: { permission: GraphPermission; granted: boolean }[];
  summary: string[];
}

export interface EntraGroup {
  id: string;
  displayName: string;
  description?: string | null;
}

export interface RescueGroup {
  id: number;
  parentId: number | null;
  name: string;
  path: string[];
}

export const filterAttributes = [
  "department",
  "jobTitle",
  "companyName",
  "officeLocation",
  "employeeId",
  "displayName",
  "mail",
  "userPrincipalName",
] as const;
export type FilterAttribute = (typeof filterAttributes)[number];
export const filterOperators = ["equals", "contains", "startsWith", "endsWith"] as const;
export type FilterOperator = (typeof filterOperators)[number];

export interface MappingFilter {
  attribute: FilterAttribute;
  operator: FilterOperator;
  value: string;
}

export interface GroupMapping {
  id: string;
  entraGroupId: string;
  entraGroupName: string;
  rescueGroupId: number;
  rescueGroupName: string;
  priority: number;
  transitive: boolean;
  filter: MappingFilter | null;
}

export type GroupMappingInput = Omit<GroupMapping, "id">;

export interface SyncAction {
  seq: number;
  kind: ActionKind;
  status: string;
  entraUserId: string | null;
  rescueNodeId: number | null;
  rescueGroupId: number | null;
  displayName: string | null;
  email: string | null;
  reason: string | null;
  changes: unknown;
  errorCode: string | null;
  error: string | null;
}

export type LogLevel = "debug" | "info" | "warn" | "error";

export interface LogEntry {
  id: string;
  level: LogLevel | string;
  message: string;
  context: unknown;
  createdAt: string;
  runId?: string | null;
}

export interface LinkedTechnician {
  entraUserId: string;
  rescueNodeId: number;
  name: string;
  email: string;
  lastOutcome: string | null;
  lastRunId: string | null;
  updatedAt: string;
}

export interface Member {
  userId: string;
  email: string;
  name?: string | null;
  role: Role;
}

/** A pending invitation, as owners and admins see it. */
export interface Invitation {
  id: string;
  /** As the inviter typed it. */
  email: string;
  role: Role;
  createdAt: string;
  expiresAt: string;
  invitedBy: { userId: string; email: string; name: string | null } | null;
}

/** The answer to an invitation: the link is in it this once only. */
export interface CreatedInvitation {
  invitation: Invitation;
  link: string;
}

/** What an invitation link shows before anyone signs in. */
export interface InvitationPreview {
  tenant: { name: string };
  role: Role;
  expiresAt: string;
}

export type ApiKeyScope = "read" | "write" | "run";

export interface ApiKey {
  id: string;
  name: string;
  prefix: string;
  scopes: ApiKeyScope[];
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt?: string | null;
}
