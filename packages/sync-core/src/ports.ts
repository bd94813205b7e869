// Ports: what the engine needs from the outside world. Adapters implement them:
// packages/entra (DirectorySource), packages/rescue (RescueDirectory), apps/worker + packages/db (RunRecorder).
import type { DirectoryGroup, DirectoryUser, RescueNode, TechnicianFields, TechnicianStatus } from "./domain";

/**
 * The error every adapter throws (or subclasses). Retryability is a property of the error
 * (STYLE.md 6): the executor retries `retryable` ones with backoff, honouring `retryAfterMs`,
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

  constructor(
    message: string,
    options: {
      code: string;
      retryable?: boolean;
      retryAfterMs?: number;
      sessionExpired?: boolean;
      hint?: string;
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
  }
}

export interface GroupSearchPage {
  groups: DirectoryGroup[];
  /** Opaque token for the next page; absent on the last page. */
  nextPageToken?: string;
}

/** Microsoft Entra ID, read-only. */
export interface DirectorySource {
  searchGroups(query: string, options?: { pageToken?: string; pageSize?: number }): Promise<GroupSearchPage>;
  getGroup(groupId: string): Promise<DirectoryGroup | null>;
  /** A group's user members, page by page (never the whole directory in one array). Transitive = nested groups too. */
  groupMembers(groupId: string, options: { transitive: boolean }): AsyncIterable<DirectoryUser[]>;
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

/** LogMeIn Rescue. There is deliberately no delete (rule 6) and no move (rule 7). */
export interface RescueDirectory {
  /** Most technicians one createTechnicians call accepts (the API's bulk limit). */
  readonly maxCreateBatch: number;
  /** The whole organisation tree. */
  getTree(): Promise<RescueNode[]>;
  /** Bulk create; one result per request, in any order, matched by `ref`. Throws only when the whole call failed. */
  createTechnicians(requests: readonly TechnicianCreateRequest[]): Promise<TechnicianCreateResult[]>;
  /** Set name, nick, email and SSO id of one technician; nothing else changes. */
  updateTechnician(nodeId: number, fields: TechnicianFields): Promise<void>;
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
