// The plan is data: what a run would do, computed by planRun, applied by executePlan.
import type {
  DirectoryUser,
  GroupMapping,
  Link,
  MappingConditions,
  MappingFilter,
  RescueNode,
  TechnicianFields,
  TenantSyncSettings,
} from "./domain";

export type SyncActionKind = "create" | "adopt" | "update" | "enable" | "disable";
export const SYNC_ACTION_KINDS = [
  "adopt",
  "create",
  "update",
  "enable",
  "disable",
] as const satisfies readonly SyncActionKind[];

/** A Rescue technician group as the plan names it: where a technician lands, or is. */
export interface RescueGroupRef {
  id: number;
  /** The group's name in the tree; null when the group is not in the tree (deleted after it was mapped). */
  name: string | null;
}

/** The Entra group of a mapping (pair), as the plan names it. */
export interface PairRef {
  mappingId: string;
  priority: number;
  entraGroupId: string;
  entraGroupName: string | null;
}

/**
 * Why an action is planned, as data (the sentence in `cause.sentence`, and `reason` for older readers):
 * - in-scope: create, the user is in scope of `pair` (and has no technician);
 * - same-email: adopt, an unlinked technician has the user's email;
 * - key-data-changed: update, `changes` say which fields from what to what;
 * - enabled-in-entra: enable, the user is enabled and in scope in Entra, the technician is disabled in Rescue;
 * - disabled-in-entra: disable, the account is disabled in Entra;
 * - excluded-by-filter: disable, the user is still in a mapped group but every such pair's filter leaves it out;
 * - guest-not-included: disable, the user is a guest still in a mapped group and guests are not provisioned;
 * - left-mapped-groups: disable, the user is in no mapped group any more. The directory read cannot tell a user
 *   removed from the groups from one deleted in Entra (a deleted user is simply no member), so the sentence says so.
 */
export type ActionCauseCode =
  | "in-scope"
  | "same-email"
  | "key-data-changed"
  | "enabled-in-entra"
  | "disabled-in-entra"
  | "excluded-by-filter"
  | "guest-not-included"
  | "left-mapped-groups";

export interface ActionCause {
  code: ActionCauseCode;
  /** One sentence a person reads in the preview and the run's action table. */
  sentence: string;
  /** The pair that brought the user (create, adopt, update, enable, disabled-in-entra). */
  pair?: PairRef;
  /** excluded-by-filter: the pairs whose groups hold the user, with the filter that leaves it out. */
  filteredBy?: (PairRef & { filter: MappingFilter; conditions?: MappingConditions })[];
  /** left-mapped-groups: every mapped Entra group (the user is in none of them now). */
  groups?: PairRef[];
}

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
  /** Why, as data and as a sentence (set by planRun on every action; optional for hand-built ones). */
  cause?: ActionCause;
  /**
   * The Rescue group the technician lands in (create) or is in (every other action). A create whose group is not in
   * the tree has `name: null`: a real run fails it without calling Rescue.
   */
  rescueGroup?: RescueGroupRef;
}

/** rule 2: a new technician in the mapped group (rule 8: the lowest-priority-number mapping's group). */
export interface CreateAction extends SyncActionBase {
  kind: "create";
  mappingId: string;
  rescueGroupId: number;
  fields: TechnicianFields;
  /** The group is not a technician group in the tree (deleted after it was mapped): a real run fails this create. */
  groupMissing?: boolean;
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
  /**
   * null when the current value is unknown (getHierarchy_v2 has no nick or SSO id and the link remembers none).
   * runSync reads such technicians before planning (rule 13), so a run's plan has null only where that read found
   * nothing (the technician was deleted meanwhile); planRun on its own can still produce it.
   */
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
  | "rescue-group-missing"
  | "empty-entra-group"
  | "action-held"
  | "licence-shortfall";

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

/**
 * What one mapping (pair) brings, in priority order. Users count under the pair that owns them (rule 8: the first
 * pair, by priority, whose Rescue group exists, else the first holding them); `lost` are the users of this pair's
 * scope that a higher-priority pair owns.
 */
export interface PairSummary extends PairRef {
  rescueGroup: RescueGroupRef;
  /** Users (not contacts, devices, …) read from the Entra group. */
  members: number;
  /** Members that pass the pair's filter (and guest setting). */
  inScope: number;
  /** Users this pair owns. */
  owned: number;
  create: number;
  adopt: number;
  update: number;
  enable: number;
  disable: number;
  /** Users of this pair's scope owned by a higher-priority pair, per such pair. */
  lostTo: { mappingId: string; priority: number; count: number }[];
  /** Set when the pair owns nobody although its scope holds users: every one is taken by the pairs listed. */
  catchesNobody?: { takenBy: string[]; message: string };
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
  /** What each mapping brings, in priority order (optional: plans recorded before it existed). */
  pairs?: PairSummary[];
  /** Links whose key data was read from Rescue for this plan (rule 13): the executor remembers it. */
  refreshedLinks?: Link[];
  /**
   * Technician licences the plan needs (creates + enables). Rescue does not say how many are free; the executor
   * stops creates and enables at the first refusal that looks like a licence refusal.
   */
  licencesNeeded?: number;
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
  /**
   * rule 13: key data read from Rescue (getUser_v3) for technicians whose nick or SSO id the tree does not show and
   * no link remembers, by node id. Overrides what the tree lacks.
   */
  readFields?: ReadonlyMap<number, TechnicianFields>;
  /**
   * An incremental run: only these Entra users changed, and `directory` holds only them (those of them still in a
   * mapping's scope). The plan decides about them alone: every other linked technician is left as it is (their
   * absence from `directory` says nothing), their holds stay, and the safety threshold (rule 11) counts this plan.
   */
  onlyUsers?: ReadonlySet<string>;
  /**
   * How many technicians the tenant has linked in all, when `links` holds only those an incremental plan needs: the
   * safety threshold (rule 11) is a share of all of them. Default: the links given.
   */
  linkedTechnicians?: number;
}
