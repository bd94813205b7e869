import { DEFAULT_FIELD_LIMITS, normalizeEmail, type RescueNode, type TechnicianFields } from "../domain";
import {
  type Clock,
  type RescueDirectory,
  SyncPortError,
  type TechnicianCreateRequest,
  type TechnicianCreateResult,
} from "../ports";
import { seededRandom } from "./seeded-random";

/** A technician as Rescue really stores it (nick and SSO id included, which getHierarchy_v2 does not return). */
export type StoredNode = RescueNode;

export interface InMemoryRescueOptions {
  /** The starting tree (root, categories, groups, administrators, technicians). */
  nodes?: readonly RescueNode[];
  /** Bulk-create limit (Rescue: about 1000). */
  maxCreateBatch?: number;
  /** Latency per call, slept on `clock` (default: none). */
  latencyMs?: number;
  clock?: Pick<Clock, "sleep">;
  /** Share of calls that fail with a transient, retryable ERROR (0..1). */
  failureRate?: number;
  /** Retry-After reported with the injected transient failures. */
  failureRetryAfterMs?: number;
  /** The session expires after this many calls; renewSession starts a new one. */
  sessionExpiresAfterCalls?: number;
  /** getHierarchy_v2 has no nick or SSO id; set to return them anyway (as an adapter filling them from getUser). */
  treeIncludesNickAndSsoId?: boolean;
  /**
   * Technician licences: enabled technicians beyond this are refused (create or enable) with a bare ERROR marked as a
   * likely licence refusal, as the Rescue client classifies it. Default: unlimited.
   */
  technicianLicences?: number;
  seed?: number;
  firstNodeId?: number;
}

const ADMIN_KINDS = new Set<RescueNode["kind"]>(["administrator", "masterAdministrator"]);

/**
 * A fake of Rescue that re-implements the rules the engine depends on: unique emails across
 * technicians and administrators (INVALIDPARAM_EMAIL_ALREADY_IN_USE), technicians only in technician groups
 * (INVALIDPARAM_PARENT), well-formed email and bounded name, no delete and no move. Latency, transient failures
 * and session expiry can be injected; every call is counted.
 */
export class InMemoryRescueDirectory implements RescueDirectory {
  readonly maxCreateBatch: number;
  private readonly nodes = new Map<number, StoredNode>();
  /** Normalised email → the technician or administrator holding it. */
  private readonly emailOwners = new Map<string, number>();
  private nextId: number;
  private calls = 0;
  private writes = 0;
  private fieldReads = 0;
  private callsInSession = 0;
  private readonly random: () => number;
  private readonly failNextCalls: SyncPortError[] = [];
  private readonly refusals = new Map<number, SyncPortError>();
  latencyMs: number;
  failureRate: number;

  constructor(private readonly options: InMemoryRescueOptions = {}) {
    this.maxCreateBatch = options.maxCreateBatch ?? 1000;
    this.latencyMs = options.latencyMs ?? 0;
    this.failureRate = options.failureRate ?? 0;
    this.random = seededRandom(options.seed ?? 1);
    let maxId = 0;
    for (const node of options.nodes ?? []) {
      this.put({ ...node });
      maxId = Math.max(maxId, node.id);
    }
    this.nextId = Math.max(options.firstNodeId ?? 1000, maxId + 1);
  }

  /** A tree with the root categories and the given technician groups (ids as given). */
  static withTechnicianGroups(
    groupIds: readonly number[],
    extra: readonly RescueNode[] = [],
    options: InMemoryRescueOptions = {},
  ) {
    const base: RescueNode[] = [
      { id: 1, parentId: null, kind: "root", name: "Root", status: "enabled" },
      { id: 2, parentId: 1, kind: "masterAdministrators", name: "Master Administrators", status: "enabled" },
      { id: 3, parentId: 1, kind: "administrators", name: "Administrators", status: "enabled" },
      { id: 4, parentId: 1, kind: "technicians", name: "Technicians", status: "enabled" },
      ...groupIds.map(
        (id): RescueNode => ({ id, parentId: 4, kind: "technicianGroup", name: `Group ${id}`, status: "enabled" }),
      ),
    ];
    return new InMemoryRescueDirectory({ ...options, nodes: [...base, ...extra, ...(options.nodes ?? [])] });
  }

  // --- the port

  async getTree(): Promise<RescueNode[]> {
    await this.enter(false);
    return [...this.nodes.values()].map((node) =>
      this.options.treeIncludesNickAndSsoId || node.kind !== "technician"
        ? { ...node }
        : { ...node, nick: undefined, ssoId: undefined },
    );
  }

  async getTechnicianFields(nodeId: number): Promise<TechnicianFields | null> {
    await this.enter(false);
    this.fieldReads += 1;
    const node = this.nodes.get(nodeId);
    if (node?.kind !== "technician") return null;
    return { name: node.name, nick: node.nick ?? "", email: node.email ?? "", ssoId: node.ssoId ?? "" };
  }

  async createTechnicians(requests: readonly TechnicianCreateRequest[]): Promise<TechnicianCreateResult[]> {
    await this.enter(true);
    if (requests.length > this.maxCreateBatch) {
      throw new SyncPortError(`createUsers takes at most ${this.maxCreateBatch} users`, {
        code: "INVALIDPARAM_USERDATA",
      });
    }
    return requests.map((request): TechnicianCreateResult => {
      const parent = this.nodes.get(request.parentId);
      if (parent?.kind !== "technicianGroup") {
        return {
          ref: request.ref,
          ok: false,
          error: refusal("INVALIDPARAM_PARENT", "technicians go only in technician groups"),
        };
      }
      const invalid = this.validate(request.fields, undefined);
      if (invalid) return { ref: request.ref, ok: false, error: invalid };
      if (!request.password || request.password.length < 8) {
        return { ref: request.ref, ok: false, error: refusal("INVALIDPARAM_PASSWORD", "password too short") };
      }
      if (!this.licenceFree()) return { ref: request.ref, ok: false, error: licenceRefusal() };
      const id = this.nextId++;
      this.put({
        id,
        parentId: request.parentId,
        kind: "technician",
        status: "enabled",
        ...request.fields,
      });
      return { ref: request.ref, ok: true, nodeId: id };
    });
  }

  async updateTechnician(
    nodeId: number,
    fields: TechnicianFields,
    options: { keepSsoIdIfSet?: boolean } = {},
  ): Promise<TechnicianFields> {
    await this.enter(true);
    const node = this.technician(nodeId);
    // rule 16: as the real adapter does, an SSO id the technician has stays when asked to keep it.
    const written = { ...fields, ...(options.keepSsoIdIfSet && node.ssoId ? { ssoId: node.ssoId } : {}) };
    const invalid = this.validate(written, nodeId);
    if (invalid) throw invalid;
    this.unindex(node);
    Object.assign(node, written);
    this.index(node);
    return written;
  }

  async setTechnicianStatus(nodeId: number, status: "enabled" | "disabled"): Promise<void> {
    await this.enter(true);
    const node = this.technician(nodeId);
    if (status === "enabled" && node.status !== "enabled" && !this.licenceFree()) throw licenceRefusal();
    node.status = status;
  }

  async renewSession(): Promise<void> {
    this.calls += 1;
    if (this.latencyMs > 0) await this.sleep(this.latencyMs);
    this.callsInSession = 0;
  }

  callCount(): number {
    return this.calls;
  }

  // --- for tests

  /** Calls that changed (or tried to change) something: creates, updates, status changes. */
  writeCount(): number {
    return this.writes;
  }

  /** getTechnicianFields calls (rule 13: only technicians whose key data is unknown are read). */
  fieldReadCount(): number {
    return this.fieldReads;
  }

  /** The full state, nick and SSO id included. */
  allNodes(): StoredNode[] {
    return [...this.nodes.values()].map((node) => ({ ...node }));
  }

  technicians(): StoredNode[] {
    return this.allNodes().filter((node) => node.kind === "technician");
  }

  node(id: number): StoredNode | undefined {
    const node = this.nodes.get(id);
    return node ? { ...node } : undefined;
  }

  /** As an admin in the Admin Center would (not through the port): add, move or delete a node. */
  adminAddNode(node: RescueNode): void {
    this.put({ ...node });
    this.nextId = Math.max(this.nextId, node.id + 1);
  }
  adminMoveNode(id: number, parentId: number): void {
    const node = this.nodes.get(id);
    if (node) node.parentId = parentId;
  }
  adminDeleteNode(id: number): void {
    const node = this.nodes.get(id);
    if (node) this.unindex(node);
    this.nodes.delete(id);
  }

  /** The next calls fail with these errors, in order. */
  failNext(...errors: SyncPortError[]): void {
    this.failNextCalls.push(...errors);
  }

  /** Writes to this node are refused with the error (a rule of Rescue the fake does not model). */
  refuseWritesTo(nodeId: number, error: SyncPortError): void {
    this.refusals.set(nodeId, error);
  }

  /** A copy with the same state and settings (for comparing two runs from one starting point). */
  clone(overrides: InMemoryRescueOptions = {}): InMemoryRescueDirectory {
    return new InMemoryRescueDirectory({
      ...this.options,
      ...overrides,
      nodes: this.allNodes(),
      firstNodeId: this.nextId,
    });
  }

  // --- Rescue's rules

  private async enter(write: boolean): Promise<void> {
    this.calls += 1;
    if (write) this.writes += 1;
    if (this.latencyMs > 0) await this.sleep(this.latencyMs);
    const injected = this.failNextCalls.shift();
    if (injected) throw injected;
    if (this.options.sessionExpiresAfterCalls !== undefined) {
      this.callsInSession += 1;
      if (this.callsInSession > this.options.sessionExpiresAfterCalls) {
        throw new SyncPortError("session expired", { code: "NOTLOGGEDIN", sessionExpired: true });
      }
    }
    if (this.failureRate > 0 && this.random() < this.failureRate) {
      throw new SyncPortError("transient failure", {
        code: "ERROR",
        retryable: true,
        ...(this.options.failureRetryAfterMs !== undefined ? { retryAfterMs: this.options.failureRetryAfterMs } : {}),
      });
    }
  }

  private licenceFree(): boolean {
    const limit = this.options.technicianLicences;
    if (limit === undefined) return true;
    let enabled = 0;
    for (const node of this.nodes.values()) if (node.kind === "technician" && node.status === "enabled") enabled += 1;
    return enabled < limit;
  }

  private sleep(ms: number): Promise<void> {
    return this.options.clock ? this.options.clock.sleep(ms) : new Promise((resolve) => setTimeout(resolve, ms));
  }

  private technician(nodeId: number): StoredNode {
    const node = this.nodes.get(nodeId);
    if (node?.kind !== "technician") throw refusal("INVALIDPARAM_NODE", `node ${nodeId} is not a technician`);
    const refused = this.refusals.get(nodeId);
    if (refused) throw refused;
    return node;
  }

  private validate(fields: TechnicianFields, self: number | undefined): SyncPortError | undefined {
    if (!fields.name || fields.name.length > DEFAULT_FIELD_LIMITS.name) {
      return refusal("INVALIDPARAM_NAME", "name empty or too long");
    }
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(fields.email) || fields.email.length > DEFAULT_FIELD_LIMITS.email) {
      return refusal("INVALIDPARAM_EMAIL", "malformed email");
    }
    const owner = this.emailOwners.get(normalizeEmail(fields.email));
    if (owner !== undefined && owner !== self) {
      const kind = this.nodes.get(owner)?.kind;
      return refusal(
        "INVALIDPARAM_EMAIL_ALREADY_IN_USE",
        kind && ADMIN_KINDS.has(kind) ? "the email belongs to an administrator" : "the email is already in use",
      );
    }
    return undefined;
  }

  private put(node: StoredNode): void {
    this.nodes.set(node.id, node);
    this.index(node);
  }

  private index(node: StoredNode): void {
    if (node.email && (node.kind === "technician" || ADMIN_KINDS.has(node.kind))) {
      this.emailOwners.set(normalizeEmail(node.email), node.id);
    }
  }

  private unindex(node: StoredNode): void {
    if (node.email && this.emailOwners.get(normalizeEmail(node.email)) === node.id) {
      this.emailOwners.delete(normalizeEmail(node.email));
    }
  }
}

function licenceRefusal(): SyncPortError {
  // As the Rescue client reads it: ERROR is documented as transient, so it stays retryable; the engine stops the
  // run's other creates and enables only when the refusal outlasts the retries.
  return new SyncPortError("Rescue gave no reason (ERROR), and the technician is not enabled", {
    code: "ERROR",
    retryable: true,
    licenceRefusal: true,
    hint: "A common cause is that no technician licence is free.",
  });
}

function refusal(code: string, message: string): SyncPortError {
  return new SyncPortError(message, { code, retryable: false });
}

// Drift between the fake and the port fails typecheck.
const _check: Pick<
  RescueDirectory,
  | "maxCreateBatch"
  | "getTree"
  | "getTechnicianFields"
  | "createTechnicians"
  | "updateTechnician"
  | "setTechnicianStatus"
  | "renewSession"
  | "callCount"
> = new InMemoryRescueDirectory();
void _check;
