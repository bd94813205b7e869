// The plan is data: what a run would do, computed by planRun, applied by executePlan.
import type { DirectoryUser, GroupMapping, Link, RescueNode, TechnicianFields, TenantSyncSettings } from "./domain";

export type SyncActionKind = "create" | "adopt" | "update" | "enable" | "disable";
export const SYNC_ACTION_KINDS = [
  "adopt",
  "create",
  "update",
  "enable",
  "disable",
] as const satisfies readonly SyncActionKind[];

/** Who an action is about, for the people reading the plan (the portal's action table, the sync log). */
export interface ActionSubject {
  name: string;
  email: string | null;
}

interface SyncActionBase {
  /** Unique within a plan and stable across runs: `${kind}:${entraUserId}`. */
  id: string;
  entraUserId: string;
  /** Why, in plain words, for the portal's sync log. */
  reason: string;
  /**
   * What the action would write, as a stable string (kind, target, fields or status): an action refused in a way a
   * retry cannot fix is held in later runs until this changes. Set by planRun.
   */
  inputFingerprint?: string;
  /** Set by planRun on every action; optional so hand-built actions in tests stay short. */
  subject?: ActionSubject;
}

/** rule 2: a new technician in the mapped group (rule 8: the lowest-priority-number mapping's group). */
export interface CreateAction extends SyncActionBase {
  kind: "create";
  mappingId: string;
  rescueGroupId: number;
  fields: TechnicianFields;
}

/** rule 3: link an existing technician with the same email. Updates and status changes follow as their own actions. */
export interface AdoptAction extends SyncActionBase {
  kind: "adopt";
  mappingId: string;
  rescueNodeId: number;
  /** Set when the technician's key data is fully known and already right, so the link can remember it. */
  fields?: TechnicianFields;
}

export interface FieldChange {
  field: keyof TechnicianFields;
  /** null when the current value is unknown (getHierarchy_v2 has no nick or SSO id and the link remembers none). */
  before: string | null;
  after: string;
}

/** rule 4: write the key data that changed in Entra. */
export interface UpdateAction extends SyncActionBase {
  kind: "update";
  rescueNodeId: number;
  /** All four fields as they are to be written (the port sets them together). */
  fields: TechnicianFields;
  changes: FieldChange[];
  /**
   * Updates run stage by stage: an update whose new email is still held by another linked technician
   * runs one stage after the update that frees it, so a chain of email changes converges in one run.
   */
  stage: number;
  /**
   * rule 16: the SSO id is only filled where Rescue's is empty. Set when the tenant keeps Rescue as the source of
   * SSO ids and the planner could not see the current value (getHierarchy_v2 has none): the write checks it.
   */
  keepSsoIdIfSet?: boolean;
}

/** rule 5 */
export interface EnableAction extends SyncActionBase {
  kind: "enable";
  rescueNodeId: number;
}

export type DisableReason = "disabled-in-entra" | "out-of-scope";

/** rule 5 (disabled-in-entra) and rule 6 (out-of-scope). Never a delete. */
export interface DisableAction extends SyncActionBase {
  kind: "disable";
  rescueNodeId: number;
  disableReason: DisableReason;
}

export type SyncAction = CreateAction | AdoptAction | UpdateAction | EnableAction | DisableAction;

export type PlanWarningCode =
  | "missing-name"
  | "missing-email"
  | "invalid-email"
  | "field-too-long"
  | "duplicate-email"
  | "email-belongs-to-administrator"
  | "email-in-use"
  | "linked-node-missing"
  | "duplicate-link"
  | "duplicate-technician-email"
  | "mapping-group-missing"
  | "no-mapping-group"
  | "action-held";

export interface PlanWarning {
  code: PlanWarningCode;
  message: string;
  entraUserId?: string;
  rescueNodeId?: number;
  mappingId?: string;
  field?: keyof TechnicianFields;
  /** action-held: the refused action and the code it was refused with. */
  actionId?: string;
  refusalCode?: string;
}

/**
 * An action an earlier run tried and the target refused in a way a retry cannot fix (an undocumented return code):
 * while its input fingerprint is unchanged, later runs hold it instead of trying again.
 */
export interface HeldAction {
  /** The action's id (`${kind}:${entraUserId}`). */
  actionId: string;
  inputFingerprint: string;
  /** The code it was refused with, verbatim. */
  code: string;
  /** The refusal as recorded, for the warning. */
  message: string;
  /** When it was refused (ISO), for the warning. */
  refusedAt?: string;
}

/** What kind of directory object a skipped member of a mapped group is. */
export type SkippedMemberKind = "user" | "guest" | "orgContact" | "device" | "servicePrincipal" | "group" | "other";
export const SKIPPED_MEMBER_KINDS = [
  "user",
  "guest",
  "orgContact",
  "device",
  "servicePrincipal",
  "group",
  "other",
] as const satisfies readonly SkippedMemberKind[];

/**
 * Why a member of a mapped group gets no technician:
 * - not-a-user: an organisational contact, a device, a service principal (or a type Graph may add later);
 * - nested-group-not-read: a nested group of a mapping that reads direct members only;
 * - guests-not-included: a guest, and the tenant has not turned on `includeGuests`;
 * - no-usable-email: a guest (or an account with an #EXT# user principal name) with no mail nor other email.
 */
export type SkipReason = "not-a-user" | "nested-group-not-read" | "guests-not-included" | "no-usable-email";
export const SKIP_REASONS = [
  "not-a-user",
  "nested-group-not-read",
  "guests-not-included",
  "no-usable-email",
] as const satisfies readonly SkipReason[];

/** One member a DirectorySource passed over while reading a group (it is not a user the engine can provision). */
export interface SkippedDirectoryMember {
  id: string;
  kind: SkippedMemberKind;
  displayName: string | null;
  reason: SkipReason;
}

/** Skipped members of one kind for one reason, counted, with the first few (by id) as examples. */
export interface SkippedMemberTally {
  reason: SkipReason;
  kind: SkippedMemberKind;
  count: number;
  examples: { id: string; displayName: string | null }[];
}

/** A tally for one mapping, worded for the plan's readers. A 10,000-device group is one entry, not 10,000. */
export interface SkippedMembers extends SkippedMemberTally {
  mappingId: string;
  entraGroupId: string;
  message: string;
}

/** rule 11 */
export interface SafetyCheck {
  disableCount: number;
  linkedCount: number;
  /** The most disables a run may apply without approval: max(minimum, floor(percent % of linkedCount)). */
  allowed: number;
  blocked: boolean;
}

export interface Plan {
  /** Copied from the input, so a recorded plan says whose it is. */
  tenantId?: string;
  /** `blocked`: more disables than the safety threshold allows; the executor applies nothing unless approved (rule 11). */
  status: "ready" | "blocked";
  actions: SyncAction[];
  warnings: PlanWarning[];
  /** Links whose technician is gone from the tree (deleted by an admin) or that duplicate another link: forget them. */
  staleLinks: Link[];
  counts: Record<SyncActionKind, number>;
  safety: SafetyCheck;
  usersInScope: number;
  /** Members of mapped groups that get no technician (not users, guests, no usable email), per mapping. */
  skippedMembers: SkippedMembers[];
  /** Held actions of earlier runs that no longer apply (their input changed, or nothing is planned): forget them. */
  releasedHolds: string[];
}

/**
 * An estimate's view of one user under a proposed change of the mappings: the mapping that holds them first before
 * and after (null: in scope of none). Their technician, if any, stays in its Rescue group either way (rule 7).
 */
export interface ScopeChange {
  entraUserId: string;
  displayName: string;
  fromMappingId: string | null;
  toMappingId: string | null;
  /** They have a technician already. */
  linked: boolean;
}

/** Members read for each mapping (its Entra group, transitive or direct), keyed by mapping id. */
export type DirectorySnapshot = ReadonlyMap<string, readonly DirectoryUser[]>;

/** Members the source skipped while reading each mapping's group, tallied, keyed by mapping id. */
export type SkippedMemberSnapshot = ReadonlyMap<string, readonly SkippedMemberTally[]>;

export interface PlanInput {
  tenantId?: string;
  mappings: readonly GroupMapping[];
  directory: DirectorySnapshot;
  /** What the source passed over in each mapping's group (default: nothing). */
  skippedMembers?: SkippedMemberSnapshot;
  tree: readonly RescueNode[];
  links: readonly Link[];
  settings?: TenantSyncSettings;
  /** Refusals of earlier runs to hold while their input is unchanged. */
  heldActions?: readonly HeldAction[];
}
