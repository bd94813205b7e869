// Ports: what the engine needs from the outside world. Adapters implement them:
// packages/entra (DirectorySource), packages/rescue (RescueDirectory), apps/worker + packages/db (RunRecorder).
import type { DirectoryGroup, DirectoryUser, Link, RescueNode, TechnicianFields, TechnicianStatus } from "./domain";
import type { Plan, SkippedDirectoryMember, SyncActionKind } from "./plan";

/**
 * The error every adapter throws (or subclasses). Retryability is a property of the error:
 * the executor retries `retryable` ones with backoff, honouring `retryAfterMs`,
 * renews the session once on `sessionExpired`, and records the rest as a failed action.
 */
export class SyncPortError extends Error {
  /** Machine-readable code, e.g. a Rescue return code or a Graph error code. */
  readonly code: string;
  readonly retryable: boolean;
  /** Server asked us to wait (Retry-After) before trying again. */
  readonly retryAfterMs: number | undefined;
  /** The Rescue session expired (NOTLOGGEDIN): renew once and repeat the call. */
  readonly sessionExpired: boolean;
  /** What a person should do about it, in plain words. */
  readonly hint: string | undefined;
  /**
   * The target refused the action in a way a retry cannot fix and nobody documented (e.g. an unknown Rescue return
   * code): later runs hold the same action until its input changes, instead of failing it again on every run.
   */
  readonly holdUntilInputChanges: boolean;
  /**
   * The target refused a create or an enable in a way that most likely means no technician licence is free (Rescue
   * documents no code for it; the adapter decides). The executor stops the run's other creates and enables.
   */
  readonly licenceRefusal: boolean;

  constructor(
    message: string,
    options: {
      code: string;
      retryable?: boolean;
      retryAfterMs?: number;
      sessionExpired?: boolean;
      hint?: string;
      holdUntilInputChanges?: boolean;
      licenceRefusal?: boolean;
      cause?: unknown;
    },
  ) {
    super(message, { cause: options.cause });
    this.name = "SyncPortError";
    this.code = options.code;
    this.retryable = options.retryable ?? false;
    this.retryAfterMs = options.retryAfterMs;
    this.sessionExpired = options.sessionExpired ?? false;
    this.hint = options.hint;
    this.holdUntilInputChanges = options.holdUntilInputChanges ?? false;
    this.licenceRefusal = options.licenceRefusal ?? false;
  }
}

export interface GroupSearchPage {
  groups: DirectoryGroup[];
  /** Opaque token for the next page; absent on the last page. */
  nextPageToken?: string;
  /** How many groups match in the whole directory, when the directory says (Graph's $count). */
  totalCount?: number;
}

export interface GroupMembersOptions {
  transitive: boolean;
  onSkipped?: (members: readonly SkippedDirectoryMember[]) => void;
}

/** Microsoft Entra ID, read-only. */
export interface DirectorySource {
  searchGroups(query: string, options?: { pageToken?: string; pageSize?: number }): Promise<GroupSearchPage>;
  getGroup(groupId: string): Promise<DirectoryGroup | null>;
  /** Direct members of each group (every member type), for the group picker; null where the directory did not say. */
  countGroupMembers?(groupIds: readonly string[]): Promise<Map<string, number | null>>;
  /**
   * A group's user members, page by page (never the whole directory in one array). Transitive = nested groups too.
   * Members that are not users (contacts, devices, service principals, nested groups not read) are passed to
   * `onSkipped`, page by page, so the plan can say why they got no technician.
   */
  groupMembers(groupId: string, options: GroupMembersOptions): AsyncIterable<DirectoryUser[]>;
  /**
   * The groups that hold a user or a group directly (Graph memberOf, groups only), to name the nested groups between
   * a user and a mapped group when one user is provisioned on demand. Optional: without it the path is not named.
   */
  groupsHolding?(objectId: string, kind: "user" | "group"): Promise<DirectoryGroup[]>;
  /** Calls made so far, for the run report. */
  callCount(): number;
}

export interface TechnicianCreateRequest {
  /** Caller's reference for the result (the Entra user id). */
  ref: string;
  parentId: number;
  fields: TechnicianFields;
  /** The tenant's default password; the technician must change it at first login (rule 2). */
  password: string;
}

export type TechnicianCreateResult =
  | { ref: string; ok: true; nodeId: number }
  | { ref: string; ok: false; error: SyncPortError };

/**
 * The tenant's stored links, read in part (packages/runs over packages/db): an incremental run needs only those of
 * its changed users and of the technicians its plan may touch, not all 100,000.
 */
export interface LinkReader {
  ofUsers(entraUserIds: readonly string[]): Promise<Link[]>;
  ofTechnicians(rescueNodeIds: readonly number[]): Promise<Link[]>;
  /** How many links the tenant holds (the safety threshold's base, rule 11). */
  count(): Promise<number>;
}

export interface TreeReadOptions {
  keep?: (node: RescueNode) => boolean;
}

/** LogMeIn Rescue. There is deliberately no delete (rule 6) and no move (rule 7). */
export interface RescueDirectory {
  /** Most technicians one createTechnicians call accepts (the API's bulk limit). */
  readonly maxCreateBatch: number;
  /**
   * The whole organisation tree; with `keep`, only the nodes it accepts (the reply is still read whole, but an
   * incremental run of ten users need not hold 100,000 technicians). An adapter may return more than `keep` asks.
   */
  getTree(options?: TreeReadOptions): Promise<RescueNode[]>;
  /** Bulk create; one result per request, in any order, matched by `ref`. Throws only when the whole call failed. */
  createTechnicians(requests: readonly TechnicianCreateRequest[]): Promise<TechnicianCreateResult[]>;
  /**
   * Set name, nick, email and SSO id of one technician; nothing else changes (rule 16: every other field keeps its
   * value). With `keepSsoIdIfSet`, an SSO id the technician already has stays as it is (only an empty one is
   * filled). Returns the key data the technician has afterwards, when the adapter knows it.
   */
  /**
   * rule 13: the key data of one technician as Rescue stores it (getUser_v3: nick and SSO id included, which
   * getTree lacks); null when there is no such technician. The engine asks only for technicians whose values it
   * does not know and that would otherwise get an update.
   */
  getTechnicianFields(nodeId: number): Promise<TechnicianFields | null>;
  updateTechnician(
    nodeId: number,
    fields: TechnicianFields,
    options?: { keepSsoIdIfSet?: boolean },
  ): Promise<TechnicianFields | undefined>;
  setTechnicianStatus(nodeId: number, status: TechnicianStatus): Promise<void>;
  /** Log in again after a `sessionExpired` error (a no-op where an authcode is used). */
  renewSession(): Promise<void>;
  /** Calls made so far, for the run report. */
  callCount(): number;
}

export interface Clock {
  now(): Date;
  sleep(ms: number): Promise<void>;
}

/** `skipped`: not applied on purpose (e.g. after Rescue refused a licence), with the reason in `error`. */
export type ActionOutcomeStatus = "succeeded" | "failed" | "cancelled" | "skipped";

/** What became of one planned action. */
export interface ActionOutcome {
  actionId: string;
  kind: SyncActionKind;
  entraUserId: string;
  /** The technician acted on; for a create, the new node id (null when the create failed). */
  rescueNodeId: number | null;
  status: ActionOutcomeStatus;
  /** Port calls tried for this action (retries included); 0 for adopt and cancelled actions. */
  attempts: number;
  error?: { code: string; message: string; hint?: string; holdUntilInputChanges?: boolean };
  finishedAt: Date;
}

export type LogLevel = "debug" | "info" | "warn" | "error";
export type RunPhase = "read-directory" | "read-rescue" | "plan" | "apply";

export interface RunProgress {
  phase: RunPhase;
  done: number;
  total: number;
}

/**
 * Where a run leaves its trace (apps/worker + packages/db). Calls arrive in batches so a database-backed
 * recorder can write them in few statements. A rejection from recordPlan/recordOutcomes/recordLinks/removeLinks
 * stops the run (the engine cannot go on without a trace); log and progress must not throw.
 */
export interface RunRecorder {
  /** The plan as computed, before anything is applied (rule 10: a dry run records it too). */
  recordPlan(plan: Plan, context: { dryRun: boolean }): Promise<void>;
  recordOutcomes(outcomes: readonly ActionOutcome[]): Promise<void>;
  /**
   * Insert or replace links (keyed by entraUserId). Called as soon as a create succeeds (rule 12: a crash
   * after it must not lead to a duplicate), on adopt, and after an update with the key data written.
   */
  recordLinks(links: readonly Link[]): Promise<void>;
  /** Forget links whose technician no longer exists (an admin deleted it). */
  removeLinks(links: readonly Link[]): Promise<void>;
  log(level: LogLevel, message: string, context?: Record<string, unknown>): void;
  progress(progress: RunProgress): void;
}
