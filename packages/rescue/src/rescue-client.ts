import type {
  Clock,
  RescueDirectory,
  RescueNode,
  RescueNodeKind,
  TechnicianCreateRequest,
  TechnicianCreateResult,
  TechnicianFields,
  TechnicianStatus,
} from "@techsync/sync-core";
import { RetryFailure, retryCall, sameFieldValue, TECHNICIAN_FIELDS } from "@techsync/sync-core";
import pLimit from "p-limit";
import {
  ASP_NET_FORM_LIMITS,
  type BulkCreateKnowledge,
  type CreatePathStats,
  describeCreatePath,
  type FormLimits,
  planFormBatches,
  UNKNOWN_BULK_CREATE,
} from "./bulk-create";
import { loginVerdictOf, type RescueConnectionTest, runConnectionTest } from "./connection-test";
import { checkDefaultPassword } from "./default-password";
import {
  htmlReplyError,
  httpError,
  loginDeniedError,
  RescueError,
  rescueErrorForCode,
  transportError,
  unreadableReplyError,
} from "./rescue-error";
import { nodeKindOf, rescueNodeOf, technicianStatusOf } from "./rescue-node";
import { RescueSession } from "./rescue-session";
import {
  type BulkUserRow,
  encodeBulkUsers,
  exchangePlainText,
  type FormValue,
  type PlainTextReply,
  readBulkUserResults,
} from "./wire/plain-text";
import {
  forEachKeyValueBlock,
  GET_USER_V3_LAYOUT,
  type KnownValues,
  readAccountFields,
  readKeyedFields,
} from "./wire/reply-layouts";

export const DEFAULT_RESCUE_BASE_URL = "https://secure.logmeinrescue.com";
/**
 * Technicians per createTechnicians call (the engine's chunk, and how often outcomes are recorded). Bulk calls are
 * cut smaller inside the client, to stay under the form limits.
 */
export const DEFAULT_CREATE_BATCH = 500;
/**
 * Calls in flight per tenant. The confirmed create path costs two calls per technician (createUser + setUser_v2):
 * 10,000 technicians at 25 ms per call is 20,000 × 25 ms / 16 ≈ 31 s.
 */
export const DEFAULT_CONCURRENCY = 16;

export interface RescueClientOptions {
  /** API base, default https://secure.logmeinrescue.com (per tenant: e.g. the enterprise host or an emulator). */
  baseUrl?: string;
  /** The Master Account Holder's (or a Master Administrator's) email: whose API token this is. */
  email: string;
  /**
   * The Admin Center's Global Settings › "Generate API token" value, sent as `authcode` on every call. Not the AdSync
   * service token.
   */
  apiToken?: string | undefined;
  /**
   * Optional: only for a `login` session when there is no token or Rescue refuses it, and only while the
   * organisation allows the login endpoint.
   */
  password?: string | undefined;
  /** What earlier runs learned about createUsers for this tenant (default unknown: try it once). */
  bulkCreate?: BulkCreateKnowledge;
  /** Form limits each bulk POST stays under (default stock ASP.NET: 1,000 keys, 4 MB). */
  formLimits?: FormLimits;
  /** Per HTTP call. Default 30 s. */
  timeoutMs?: number;
  /**
   * Tries per call for retryable failures (transport, timeout, HTTP 429/5xx, ERROR), through sync-core's retry
   * policy. Default 4, for the client used on its own; inside a run the engine retries, so give 1 (single attempts).
   */
  maxAttempts?: number;
  /** First backoff delay, doubled per try with jitter. Default 500 ms; capped by maxRetryDelayMs (default 20 s). */
  retryDelayMs?: number;
  maxRetryDelayMs?: number;
  /**
   * Tries of a learned createUsers (default maxAttempts). Its retry finds by email what a lost reply created before
   * re-sending, in the same call; a failure handed up instead sends the rest of the call one by one.
   */
  bulkCreateMaxAttempts?: number;
  /**
   * Called for each try that failed transiently (whether this client or the engine retries it), for the run's log.
   */
  onTransientFailure?: (failure: RescueError) => void;
  /** Calls in flight at once for this client (one client per tenant). Default DEFAULT_CONCURRENCY (16). */
  concurrency?: number;
  /** Technicians per createTechnicians call (the engine's chunk). Default 500. */
  createBatchSize?: number;
  /** Character classes the tenant's Rescue password policy asks for (Good = 3, the weakest). Default 3. */
  passwordCharacterClasses?: number;
  clock?: Clock;
  fetch?: typeof fetch;
  /** Login pacing, default Rescue's 10 logins per 3 minutes. */
  loginLimit?: { max: number; windowMs: number };
  /** Renew a login session idle this long. Default 19 minutes (Rescue drops it at 20). */
  sessionIdleRenewMs?: number;
}

/** getAccount: the caller, i.e. whose API token this is. */
export interface RescueAccount {
  accountId: number;
  organization: string;
  /** 0 when the caller is not an administrator. */
  adminId: number;
  /** 0 when the caller has no (enabled) technician seat. */
  techId: number;
  email: string;
}

/** getUser_v3. */
export interface RescueUser {
  nodeId: number;
  name: string;
  nick: string;
  email: string;
  ssoId: string;
  description: string;
  kind: RescueNodeKind;
  /** Raw Rescue status: Disabled, or a presence such as Online / Offline. */
  rawStatus: string;
  status: TechnicianStatus;
  mobileAddon: boolean;
  rpatAddon: boolean;
  accountHolder: boolean;
}

const realClock: Clock = {
  now: () => new Date(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** One createTechnicians call's licence state: the first refusal, and the gate every setUser_v2 of a create passes. */
interface LicenceGate {
  refused?: RescueError;
  gate: pLimit.Limit;
}

/** What a person should do when Rescue most likely refused a technician licence (no code for it is documented). */
const LICENCE_HINT =
  "Rescue gave no reason. A common cause is that no technician licence is free: disable technicians who no longer need one, or add licences, then run again.";

/** Codes that mean the whole connection is unusable: no point trying other requests or other methods. */
const CONNECTION_CODES = new Set(["INVALID", "INVALID_SECRETAUTHCODE", "USER_DELETED_OR_DISABLED", "LIMITREACHED"]);

type Params = Record<string, FormValue>;

interface CallOptions {
  /** Before a retry: a create re-checks whether its lost reply had been applied (rule 12). */
  beforeRetry?: () => Promise<void>;
  /** Whether to retry this failure here (default: its `retryable`). */
  retryable?: (failure: RescueError) => boolean;
  /** Overrides the client's tries for this call (1: the first failure decides). */
  maxAttempts?: number;
}

/**
 * The LogMeIn Rescue API client, one per tenant. It is sync-core's RescueDirectory: it reads the tree, creates,
 * updates, enables and disables technicians, and has deliberately no delete and no move (rules 6 and 7).
 */
export class RescueClient implements RescueDirectory {
  readonly maxCreateBatch: number;
  private readonly baseUrl: string;
  private readonly timeoutMs: number;
  private readonly maxAttempts: number;
  private readonly clock: Clock;
  private readonly limit: pLimit.Limit;
  private readonly session: RescueSession;
  private readonly formLimits: FormLimits;
  private readonly calls = new Map<string, number>();
  /** Blank users left by a createUser whose setUser_v2 was refused: reused for the next create under that parent. */
  private readonly blankUsers = new Map<number, number[]>();
  private readonly claimedBlanks = new Set<number>();
  /** Parents under which a createUser failed transiently: it may have made a blank user before its reply was lost. */
  private readonly uncertainBlankParents = new Set<number>();
  /** What this tenant's Rescue does with createUsers, as learned so far (reported back for the next run). */
  private bulk: BulkCreateKnowledge;
  private readonly stats: CreatePathStats;
  /** Users by email as of the last tree read: who exists needs no extra lookup before a create. */
  private knownEmails: Map<string, { id: number; kind: RescueNodeKind }> | undefined;
  /** Emails this client already tried to create: trying again re-checks Rescue first (rule 12). */
  private readonly attemptedEmails = new Set<string>();
  /** The organisation refused the `login` endpoint once: never again for this client's life. */
  private loginDenied: RescueError | undefined;

  constructor(private readonly options: RescueClientOptions) {
    this.baseUrl = options.baseUrl ?? DEFAULT_RESCUE_BASE_URL;
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.maxAttempts = Math.max(1, options.maxAttempts ?? 4);
    this.maxCreateBatch = Math.max(1, options.createBatchSize ?? DEFAULT_CREATE_BATCH);
    this.clock = options.clock ?? realClock;
    this.limit = pLimit(Math.max(1, options.concurrency ?? DEFAULT_CONCURRENCY));
    this.formLimits = options.formLimits ?? ASP_NET_FORM_LIMITS;
    this.bulk = options.bulkCreate ?? UNKNOWN_BULK_CREATE;
    this.stats = {
      startedWith: this.bulk,
      createdInBulk: 0,
      bulkCalls: 0,
      createdOneByOne: 0,
      adoptedAfterRefusal: 0,
      refusal: null,
    };
    this.session = new RescueSession({
      apiToken: options.apiToken || undefined,
      canLogin: Boolean(options.password),
      clock: this.clock,
      ...(options.loginLimit ? { loginLimit: options.loginLimit } : {}),
      ...(options.sessionIdleRenewMs !== undefined ? { idleRenewMs: options.sessionIdleRenewMs } : {}),
      login: () => this.login(),
      loginBlocked: () => this.loginDenied,
    });
  }

  /** How calls authenticate now: the API token as authcode, or a login session after the token was refused. */
  get authMode(): "authcode" | "session" {
    return this.session.authMode;
  }

  /** What this client knows about createUsers now: persist it per tenant and hand it to the next client. */
  get bulkCreate(): BulkCreateKnowledge {
    return this.bulk;
  }

  get bulkCreateCapability(): BulkCreateKnowledge["capability"] {
    return this.bulk.capability;
  }

  /** Whether this client learned something about createUsers that the tenant's record does not have yet. */
  get bulkCreateChanged(): boolean {
    return this.bulk !== this.stats.startedWith;
  }

  /** Counts of what the create path did, for the run report. */
  createPathStats(): Readonly<CreatePathStats> {
    return this.stats;
  }

  /** One sentence for the run log: which create path was used, and why. Undefined when nothing was created. */
  describeCreatePath(): string | undefined {
    return describeCreatePath(this.stats, this.bulk);
  }

  callCount(): number {
    let total = 0;
    for (const n of this.calls.values()) total += n;
    return total;
  }

  /** HTTP calls per API method (logins included), for the run report. */
  callCounts(): Record<string, number> {
    return Object.fromEntries(this.calls);
  }

  async renewSession(): Promise<void> {
    await this.session.renew();
  }

  /** The caller's account (getAccount). */
  async getAccount(): Promise<RescueAccount> {
    const reply = await this.call("getAccount", {});
    if (!readAccountFields(reply.text)) {
      throw unreadableReplyError("getAccount", "it does not start with AccountID, Organization, AdminID, TechID");
    }
    return accountOf(reply);
  }

  /**
   * "Test connection": checks each credential on its own and says which one failed (see connection-test.ts).
   * Never requestAuthCode (a new authcode would replace the customer's token), and `login` only when a password
   * is configured.
   */
  async testConnection(): Promise<RescueConnectionTest> {
    return runConnectionTest({
      email: this.options.email,
      hasApiToken: Boolean(this.options.apiToken),
      hasPassword: Boolean(this.options.password),
      getAccountWithToken: async () => {
        const exchange = await this.send("getAccount", { authcode: this.options.apiToken }, undefined);
        return { httpStatus: exchange.httpStatus, code: exchange.reply?.code, account: accountOf(exchange.reply) };
      },
      getCallerType: async (account) => {
        const by = account.adminId > 0 ? { node: account.adminId } : { email: account.email };
        const exchange = await this.send("getUser_v3", { ...by, authcode: this.options.apiToken }, undefined);
        if (exchange.reply?.code !== "OK") return undefined;
        const read = readKeyedFields(exchange.reply.text, GET_USER_V3_LAYOUT);
        return read.ok ? nodeKindOf(read.fields.type) : undefined;
      },
      tryLogin: async () => {
        const exchange = await this.send("login", { email: this.options.email, pwd: this.options.password }, undefined);
        return { httpStatus: exchange.httpStatus, code: exchange.reply?.code };
      },
    });
  }

  /**
   * The whole tree (getHierarchy_v2); with `keep`, only the nodes it accepts are kept, and the emails this client
   * knows (its create path's "already there?") are theirs alone: a caller that narrows must keep every node holding
   * an email it may create.
   */
  async getTree(options: { keep?: (node: RescueNode) => boolean } = {}): Promise<RescueNode[]> {
    // filteroffline=false: offline technicians are technicians too.
    const reply = await this.call("getHierarchy_v2", { isnode: "false", filteroffline: "false" });
    const nodes: RescueNode[] = [];
    const emails = new Map<string, { id: number; kind: RescueNodeKind }>();
    const keep = options.keep;
    // Block by block: the reply's 100,000 records are never all held, only the nodes kept.
    forEachKeyValueBlock(reply.text, (block) => {
      const node = rescueNodeOf(block);
      if (!node) return;
      // A blank technician is remembered below whether or not the caller keeps it.
      if (keep && !keep(node) && (node.name || node.email)) return;
      nodes.push(node);
      if (node.email) emails.set(node.email.toLowerCase(), { id: node.id, kind: node.kind });
      // rule 12: a blank technician (no name, no email) is what a createUser leaves when its setUser_v2 never came
      // (a worker killed between the two): the next create under that group fills it instead of making another.
      else if (node.kind === "technician" && !node.name && node.parentId !== null && !this.claimedBlanks.has(node.id)) {
        const spares = this.blankUsers.get(node.parentId) ?? [];
        if (!spares.includes(node.id)) this.keepBlank(node.parentId, node.id);
      }
    });
    this.knownEmails = emails;
    return nodes;
  }

  /** getUser_v3 by node id or email; null when Rescue has no such user. */
  async getUser(by: { nodeId: number } | { email: string }): Promise<RescueUser | null> {
    let reply: PlainTextReply;
    try {
      reply = await this.call("getUser_v3", "nodeId" in by ? { node: by.nodeId } : { email: by.email });
    } catch (error) {
      // INVALIDPARAM_NODE is documented for a missing node. For an unknown email the plain-text code is unconfirmed
      // (the SOAP page names getUser_InvalidParam_Email): INVALIDPARAM_EMAIL is read as "no such user" only there.
      if (
        error instanceof RescueError &&
        (("nodeId" in by && error.code === "INVALIDPARAM_NODE") ||
          ("email" in by && error.code === "INVALIDPARAM_EMAIL"))
      ) {
        return null;
      }
      throw error;
    }
    return this.readUserReply(reply);
  }

  /**
   * A getUser_v3 reply, read by its documented key order. When a free-text value makes it ambiguous, the node's
   * getHierarchy_v2 block (Name, Email, Description one per line) pins those values; if that does not settle it,
   * the read fails and nothing is written on a guess.
   */
  private async readUserReply(reply: PlainTextReply): Promise<RescueUser> {
    const first = readKeyedFields(reply.text, GET_USER_V3_LAYOUT);
    if (first.ok) return userOf(first.fields);
    const nodeId = /^\s*NODEID:[ \t]*(\d+)[ \n]/.exec(reply.text)?.[1];
    if (first.reason !== "ambiguous" || nodeId === undefined) throw unreadableReplyError("getUser_v3", first.detail);
    const hierarchy = await this.call("getHierarchy_v2", { isnode: "true", node: nodeId, filteroffline: "false" });
    const block = hierarchy.blocks.find((b) => b.nodeid?.trim() === nodeId);
    if (!block) throw unreadableReplyError("getUser_v3", first.detail);
    const known: KnownValues = {
      nodeid: nodeId,
      ...(block.name !== undefined ? { name: block.name } : {}),
      ...(block.email !== undefined ? { email: block.email.trim() } : {}),
      ...(block.description !== undefined ? { description: block.description } : {}),
    };
    const second = readKeyedFields(reply.text, GET_USER_V3_LAYOUT, known);
    if (!second.ok) throw unreadableReplyError("getUser_v3", second.detail);
    return userOf(second.fields);
  }

  /**
   * rule 13: a technician's key data as Rescue stores it (getUser_v3), for the engine where getHierarchy_v2 shows no
   * nick or SSO id. One call per technician, under the client's concurrency limit; null when there is no such user.
   */
  async getTechnicianFields(nodeId: number): Promise<TechnicianFields | null> {
    const user = await this.getUser({ nodeId });
    if (user?.kind !== "technician") return null;
    return { name: user.name, nick: user.nick, email: user.email, ssoId: user.ssoId };
  }

  /**
   * Creates technicians. The confirmed path, createUser + setUser_v2 per technician, is the default; createUsers
   * is tried only while it is not known to be refused, in POST batches under the form limits. The first refusal
   * reconciles by email (what it created is adopted, never created twice), is remembered, and the rest is created
   * on the confirmed path in the same call: a refused bulk call never fails a technician by itself.
   */
  async createTechnicians(requests: readonly TechnicianCreateRequest[]): Promise<TechnicianCreateResult[]> {
    const results: TechnicianCreateResult[] = [];
    let pending: TechnicianCreateRequest[] = [];
    for (const request of requests) {
      const refused = checkDefaultPassword(request.password, this.options.passwordCharacterClasses);
      if (refused) results.push({ ref: request.ref, ok: false, error: refused });
      else pending.push(request);
    }
    if (pending.length > 0 && this.bulk.capability !== "unavailable") {
      const bulk = await this.createInBulk(pending);
      results.push(...bulk.results);
      pending = bulk.oneByOne;
    }
    // A final licence refusal stops the creates of this call that have not sent their setUser_v2 yet: each needs a
    // licence. Their setUser_v2 calls pass a gate of `concurrency` places, so one that waits sees an earlier refusal.
    const licence: LicenceGate = { gate: pLimit(Math.max(1, this.options.concurrency ?? DEFAULT_CONCURRENCY)) };
    const oneByOne = await Promise.all(pending.map((request) => this.createOne(request, licence)));
    for (const result of oneByOne) if (result.ok) this.stats.createdOneByOne += 1;
    results.push(...oneByOne);
    return results;
  }

  /**
   * rule 4: write name, nick, email and SSO id; every other field is re-sent as read (rule 16: never blanked).
   * With `keepSsoIdIfSet` (the tenant keeps Rescue as the source of SSO ids), a non-empty SSO id in Rescue stays.
   * Returns the key data as written, or as it already was when nothing differed (then nothing is sent: rule 13).
   */
  async updateTechnician(
    nodeId: number,
    fields: TechnicianFields,
    options: { keepSsoIdIfSet?: boolean } = {},
  ): Promise<TechnicianFields> {
    const user = await this.requireUser(nodeId);
    const written: TechnicianFields = {
      name: fields.name,
      nick: fields.nick,
      email: fields.email,
      ssoId: options.keepSsoIdIfSet && user.ssoId !== "" ? user.ssoId : fields.ssoId,
    };
    const current = { name: user.name, nick: user.nick, email: user.email, ssoId: user.ssoId };
    // rule 13: the planner's normalisation, so a value that differs only in blanks or an email's case is not sent
    if (TECHNICIAN_FIELDS.every((field) => sameFieldValue(field, written[field], current[field]))) return current;
    await this.call("setUser_v2", {
      ...setUserParams(user),
      name: written.name,
      nick: written.nick,
      email: written.email,
      ssoid: written.ssoId,
    });
    return written;
  }

  async setTechnicianStatus(nodeId: number, status: TechnicianStatus): Promise<void> {
    const user = await this.requireUser(nodeId);
    if (user.status === status) return;
    const params = {
      ...setUserParams(user),
      status: status === "enabled" ? "Enabled" : "Disabled",
      // rule 6: disabling frees the technician's mobile licence.
      ...(status === "disabled" ? { mobileaddon: false } : {}),
    };
    if (status === "disabled") {
      await this.call("setUser_v2", params);
      return;
    }
    try {
      await this.call("setUser_v2", params, { retryable: (failure) => failure.code !== "ERROR" && failure.retryable });
    } catch (error) {
      // No code is documented for "no free licence": Rescue likely answers ERROR or an undocumented token. Surface
      // it verbatim, and re-read: if the technician is enabled after all, the write landed.
      if (!(error instanceof RescueError) || (error.code !== "ERROR" && !error.holdUntilInputChanges)) throw error;
      const after = await this.getUser({ nodeId });
      if (after?.status === "enabled") return;
      throw new RescueError(`${error.message}, and the technician is still disabled`, {
        code: error.code,
        method: "setUser_v2",
        hint: LICENCE_HINT,
        // A bare ERROR is documented as transient: the engine retries the enable with backoff (this client does not
        // repeat it by itself), and only a refusal that outlasts the retries stops the run's other enables.
        retryable: error.code === "ERROR",
        holdUntilInputChanges: error.holdUntilInputChanges,
        // An enable refused with no reason, the technician still disabled: most likely no licence is free.
        licenceRefusal: true,
        cause: error,
      });
    }
  }

  /**
   * A create's setUser_v2 (status Enabled) refused with no reason (ERROR) or a code nobody documented, the user still
   * not enabled: Rescue documents no "no free licence" code, and this is what a licence shortage most likely looks
   * like. A bare ERROR stays retryable (Rescue documents it as transient): the engine retries it, and only a refusal
   * that outlasts its retries stops the run's other creates and enables.
   */
  private async licenceRefusalOf(error: unknown, nodeId: number): Promise<RescueError | undefined> {
    if (!(error instanceof RescueError) || (error.code !== "ERROR" && !error.holdUntilInputChanges)) return undefined;
    const after = await this.getUser({ nodeId }).catch(() => null);
    if (after?.status === "enabled") return undefined;
    return new RescueError(`${error.message}, and the new technician could not be enabled`, {
      code: error.code,
      method: "setUser_v2",
      hint: LICENCE_HINT,
      retryable: error.retryable,
      holdUntilInputChanges: error.holdUntilInputChanges,
      licenceRefusal: true,
      cause: error,
    });
  }

  private async requireUser(nodeId: number): Promise<RescueUser> {
    const user = await this.getUser({ nodeId });
    if (!user) throw rescueErrorForCode("INVALIDPARAM_NODE", "getUser_v3");
    return user;
  }

  /** The learned bulk path. Returns what it settled, and what is left for createUser + setUser_v2. */
  private async createInBulk(
    requests: TechnicianCreateRequest[],
  ): Promise<{ results: TechnicianCreateResult[]; oneByOne: TechnicianCreateRequest[] }> {
    const results: TechnicianCreateResult[] = [];
    const oneByOne: TechnicianCreateRequest[] = [];
    // authcode goes with every call and counts as a form key.
    const batches = planFormBatches(
      requests,
      (request, i) => encodeBulkUsers([bulkRowOf(`ts${i}`, request)], i),
      { authcode: this.options.apiToken ?? "" },
      this.formLimits,
    );
    let refusedThisCall = false;
    const runBatch = async (batch: TechnicianCreateRequest[], number: number) => {
      if (refusedThisCall || this.bulk.capability === "unavailable") {
        oneByOne.push(...batch);
        return;
      }
      for (const request of batch) this.attemptedEmails.add(request.fields.email.toLowerCase());
      const outcome = await this.sendBulkBatch(batch);
      results.push(...outcome.results);
      oneByOne.push(...outcome.oneByOne);
      if (outcome.refusal) {
        refusedThisCall = true;
        this.stats.refusal ??= { batch: number, reason: outcome.refusal.reason };
        if (outcome.refusal.remember) {
          this.bulk = {
            capability: "unavailable",
            reason: `createUsers answered ${outcome.refusal.reason}`,
            checkedAt: this.clock.now(),
          };
        }
      } else if (outcome.createdInBulk > 0 && this.bulk.capability === "unknown") {
        this.bulk = {
          capability: "available",
          reason: `createUsers created ${outcome.createdInBulk} technicians`,
          checkedAt: this.clock.now(),
        };
      }
    };
    let next = 0;
    // While it is unknown, one batch at a time: a refusal costs one call, and nothing is sent after it.
    while (next < batches.length && this.bulk.capability === "unknown" && !refusedThisCall) {
      await runBatch(batches[next]!, next + 1);
      next += 1;
    }
    await Promise.all(batches.slice(next).map((batch, i) => runBatch(batch, next + i + 1)));
    return { results, oneByOne };
  }

  /** One createUsers POST, then what it did, read from its per-user results and, where they are silent, the tree. */
  private async sendBulkBatch(batch: TechnicianCreateRequest[]): Promise<{
    results: TechnicianCreateResult[];
    oneByOne: TechnicianCreateRequest[];
    createdInBulk: number;
    refusal?: { reason: string; remember: boolean };
  }> {
    const byUniqueId = new Map(batch.map((request, i) => [`ts${i}`, request]));
    const done = new Map<string, TechnicianCreateResult>();
    const adopted = new Set<string>();
    const findByEmail = async () => {
      const pending = [...byUniqueId].filter(([id]) => !done.has(id));
      if (pending.length === 0) return;
      await this.getTree();
      for (const [id, request] of pending) {
        const found = this.knownEmails?.get(request.fields.email.toLowerCase());
        if (found?.kind === "technician") {
          done.set(id, { ref: request.ref, ok: true, nodeId: found.id });
          adopted.add(id);
        }
      }
    };
    const unknown = this.bulk.capability === "unknown";
    let reply: PlainTextReply | undefined;
    let refusal: { reason: string; remember: boolean; inFlight?: boolean } | undefined;
    this.stats.bulkCalls += 1;
    try {
      reply = await this.call(
        "createUsers",
        () => {
          const rows: BulkUserRow[] = [];
          for (const [uniqueid, request] of byUniqueId) {
            if (!done.has(uniqueid)) rows.push(bulkRowOf(uniqueid, request));
          }
          return rows.length > 0 ? encodeBulkUsers(rows) : undefined;
        },
        // rule 12: a retried createUsers must not duplicate the users a lost reply had created. While createUsers
        // is unknown there is no retry: its first failure decides.
        {
          beforeRetry: findByEmail,
          maxAttempts: unknown ? 1 : (this.options.bulkCreateMaxAttempts ?? this.maxAttempts),
        },
      );
    } catch (error) {
      if (!(error instanceof RescueError) || CONNECTION_CODES.has(error.code)) throw error;
      const transient = error.code === "TIMEOUT" || error.code === "TRANSPORT";
      // Refused: an error code, HTTP 4xx/5xx, or a reply that is not Rescue's plain text. A refusal of a
      // capability that had worked is remembered only when it is not a transient kind (ERROR, 429, 5xx).
      refusal = {
        reason: refusalReason(error),
        remember: !transient && (unknown || !error.retryable),
        inFlight: transient,
      };
    }
    const oneByOne: TechnicianCreateRequest[] = [];
    for (const result of reply ? readBulkUserResults(reply) : []) {
      const request = byUniqueId.get(result.uniqueId);
      if (!request || done.has(result.uniqueId)) continue;
      if (result.code === "OK" && result.nodeId !== undefined) {
        done.set(result.uniqueId, { ref: request.ref, ok: true, nodeId: result.nodeId });
      } else if (result.code !== "OK") {
        const error = rescueErrorForCode(result.code, "createUsers");
        // A transient per-user refusal (e.g. ERROR) goes the confirmed way; a refusal of the user itself is final.
        if (!error.retryable) done.set(result.uniqueId, { ref: request.ref, ok: false, error });
      }
    }
    // Whatever the reply says nothing definite about is looked up by email in the tree (rule 12).
    if (done.size < byUniqueId.size) await findByEmail();
    const results: TechnicianCreateResult[] = [];
    let createdInBulk = 0;
    for (const [id, request] of byUniqueId) {
      const result = done.get(id);
      if (!result) oneByOne.push(request);
      else {
        results.push(result);
        if (result.ok && adopted.has(id) && refusal) this.stats.adoptedAfterRefusal += 1;
        else if (result.ok) createdInBulk += 1;
      }
    }
    this.stats.createdInBulk += createdInBulk;
    // The tree was read after the call settled, so what it did not show was not created: no lookup needed before
    // the confirmed path, unless the call timed out or was cut (it may still land).
    if (!refusal?.inFlight)
      for (const request of oneByOne) this.attemptedEmails.delete(request.fields.email.toLowerCase());
    if (!refusal && unknown && createdInBulk === 0 && oneByOne.length > 0) {
      refusal = { reason: "OK but created none of the batch", remember: true };
    }
    return { results, oneByOne, createdInBulk, ...(refusal ? { refusal } : {}) };
  }

  /** The confirmed path: createUser + setUser_v2. */
  private async createOne(request: TechnicianCreateRequest, licence: LicenceGate): Promise<TechnicianCreateResult> {
    const notSent = (): TechnicianCreateResult => ({
      ref: request.ref,
      ok: false,
      error: new RescueError("Not sent: Rescue refused a technician licence to another create of the same call", {
        code: "LICENCE_REFUSED",
        method: "setUser_v2",
        hint: LICENCE_HINT,
        licenceRefusal: true,
      }),
    });
    try {
      const email = request.fields.email.toLowerCase();
      const known = this.knownEmails?.get(email);
      const seenBefore = this.attemptedEmails.has(email);
      this.attemptedEmails.add(email);
      if (known) {
        if (known.kind === "technician") return { ref: request.ref, ok: true, nodeId: known.id };
        return {
          ref: request.ref,
          ok: false,
          error: rescueErrorForCode("INVALIDPARAM_EMAIL_ALREADY_IN_USE", "getHierarchy_v2"),
        };
      }
      // rule 12: without a tree read, or when this client tried before (a lost reply may have created it), look
      // the email up first; the lookup also refuses an administrator's email before a blank user is made.
      if (!this.knownEmails || seenBefore) {
        const existing = await this.getUser({ email: request.fields.email });
        if (existing) {
          if (existing.kind === "technician") return { ref: request.ref, ok: true, nodeId: existing.nodeId };
          return {
            ref: request.ref,
            ok: false,
            error: rescueErrorForCode("INVALIDPARAM_EMAIL_ALREADY_IN_USE", "getUser_v3"),
          };
        }
      }
      if (licence.refused) return notSent();
      const nodeId = await this.createBlankUser(request.parentId);
      const sent = await licence.gate(async () => {
        if (licence.refused) return false;
        await this.fillBlankUser(request, nodeId, licence);
        return true;
      });
      if (!sent) {
        // The blank user stays for the next create under this group (this call's, or a later run's tree read).
        this.keepBlank(request.parentId, nodeId);
        return notSent();
      }
      return { ref: request.ref, ok: true, nodeId };
    } catch (error) {
      if (error instanceof RescueError && !CONNECTION_CODES.has(error.code))
        return { ref: request.ref, ok: false, error };
      throw error;
    }
  }

  /** createUser's blank user gets the technician's data, the default password and status Enabled (rule 2). */
  private async fillBlankUser(request: TechnicianCreateRequest, nodeId: number, licence: LicenceGate): Promise<void> {
    try {
      await this.call("setUser_v2", {
        node: nodeId,
        name: request.fields.name,
        nick: request.fields.nick,
        email: request.fields.email,
        ssoid: request.fields.ssoId,
        // rule 2: the tenant's default password; Rescue's policy "admin password change forces a change at next
        // logon" makes the technician change it (no API flag for that is documented).
        pwd: request.password,
        confpwd: request.password,
        status: "Enabled",
        mobileaddon: false,
        rpataddon: false,
      });
    } catch (error) {
      this.keepBlank(request.parentId, nodeId);
      const refused = await this.licenceRefusalOf(error, nodeId);
      // Only a refusal that is final stops the other creates of the call: a bare ERROR may be transient, and stopping
      // a whole call on one would leave most of it for the engine's next round (which it retries anyway).
      if (refused && !refused.retryable) licence.refused ??= refused;
      throw refused ?? error;
    }
  }

  private async createBlankUser(parentId: number): Promise<number> {
    const spare = this.blankUsers.get(parentId)?.shift();
    if (spare !== undefined) return spare;
    let claimed: number | undefined;
    // rule 12: a lost createUser reply leaves a blank user; claim it rather than make another.
    const claimBlank = async () => {
      const blanks = (await this.getTree()).filter(
        (n) => n.kind === "technician" && n.parentId === parentId && !n.name && !n.email,
      );
      claimed = blanks.find((n) => !this.claimedBlanks.has(n.id))?.id;
      if (claimed !== undefined) this.claimedBlanks.add(claimed);
    };
    // A createUser of an earlier call failed transiently under this parent (the engine retries creates when this
    // client makes single attempts): it may have made a blank user, so look before making another.
    if (this.uncertainBlankParents.delete(parentId)) {
      await claimBlank();
      if (claimed !== undefined) return claimed;
    }
    let reply: PlainTextReply | undefined;
    try {
      reply = await this.call("createUser", () => (claimed === undefined ? { parent: parentId } : undefined), {
        beforeRetry: claimBlank,
      });
    } catch (error) {
      if (error instanceof RescueError && error.retryable) this.uncertainBlankParents.add(parentId);
      throw error;
    }
    if (claimed !== undefined) return claimed;
    const nodeId = Number(reply?.value ?? reply?.fields.nodeid);
    if (!Number.isInteger(nodeId) || nodeId <= 0) {
      throw new RescueError("createUser answered OK without a node id", { code: "NO_NODE_ID", method: "createUser" });
    }
    this.claimedBlanks.add(nodeId);
    return nodeId;
  }

  private keepBlank(parentId: number, nodeId: number): void {
    const spares = this.blankUsers.get(parentId) ?? [];
    spares.push(nodeId);
    this.blankUsers.set(parentId, spares);
  }

  /**
   * A `login` session, only as a fallback. An answer that is not one of login's documented codes (an unknown code,
   * HTTP 403/404, an HTML page) is read as "the organisation denies the login endpoint" and remembered: no
   * further login is tried by this client.
   */
  private async login(): Promise<string> {
    if (this.loginDenied) throw this.loginDenied;
    const exchange = await this.send("login", { email: this.options.email, pwd: this.options.password }, undefined);
    const verdict = loginVerdictOf(exchange.httpStatus, exchange.reply?.code);
    if (verdict === "denied") {
      this.loginDenied = loginDeniedError(
        exchange.reply?.code || `HTTP ${exchange.httpStatus}`,
        Boolean(this.options.apiToken),
      );
      throw this.loginDenied;
    }
    if (!exchange.reply) throw httpError("login", exchange.httpStatus, exchange.retryAfterMs);
    if (exchange.reply.code !== "OK") throw rescueErrorForCode(exchange.reply.code, "login");
    if (!exchange.sessionCookie) {
      throw new RescueError("Rescue login answered OK without a session cookie", {
        code: "NO_SESSION_COOKIE",
        method: "login",
        hint: "Check that the API base URL points at Rescue itself, not a proxy that strips cookies.",
      });
    }
    return exchange.sessionCookie;
  }

  /** One HTTP exchange under the concurrency limit and a timeout; counted. */
  private send(method: string, params: Params, cookie: string | undefined) {
    return this.limit(async () => {
      this.calls.set(method, (this.calls.get(method) ?? 0) + 1);
      try {
        return await exchangePlainText({
          baseUrl: this.baseUrl,
          method,
          params,
          sessionCookie: cookie,
          signal: AbortSignal.timeout(this.timeoutMs),
          ...(this.options.fetch ? { fetch: this.options.fetch } : {}),
        });
      } catch (error) {
        throw transportError(method, error, this.timeoutMs);
      }
    });
  }

  /**
   * One API call with authentication, retries and backoff. `params` may be a function, re-evaluated per try, that
   * returns undefined when nothing is left to send (then the call returns undefined).
   */
  private call(method: string, params: Params, options?: CallOptions): Promise<PlainTextReply>;
  private call(
    method: string,
    params: () => Params | undefined,
    options: CallOptions,
  ): Promise<PlainTextReply | undefined>;
  private async call(
    method: string,
    params: Params | (() => Params | undefined),
    options: CallOptions = {},
  ): Promise<PlainTextReply | undefined> {
    // Shared by the tries of this call: the transparent renewal happens once per call.
    const renewal = { done: false };
    try {
      const { value } = await retryCall(() => this.attemptOnce(method, params, renewal), {
        policy: {
          maxAttempts: Math.max(1, options.maxAttempts ?? this.maxAttempts),
          baseDelayMs: this.options.retryDelayMs ?? 500,
          maxDelayMs: this.options.maxRetryDelayMs ?? 20_000,
        },
        sleep: (ms) => this.clock.sleep(ms),
        decide: (error) => {
          if (!(error instanceof RescueError)) return { kind: "stop" };
          const retry = options.retryable ? options.retryable(error) : error.retryable;
          if (retry) this.options.onTransientFailure?.(error);
          return retry ? { kind: "retry", retryAfterMs: error.retryAfterMs } : { kind: "stop" };
        },
        beforeRetry: options.beforeRetry,
      });
      return value;
    } catch (error) {
      throw error instanceof RetryFailure ? error.error : error;
    }
  }

  /**
   * One try of a call: no backoff here (that is the retry policy's), only what a single exchange needs to be
   * answered at all: the authcode → login fallback and one transparent session renewal per call.
   */
  private async attemptOnce(
    method: string,
    params: Params | (() => Params | undefined),
    renewal: { done: boolean },
  ): Promise<PlainTextReply | undefined> {
    for (;;) {
      const body = typeof params === "function" ? params() : params;
      if (!body) return undefined;
      try {
        const credentials = await this.session.credentials();
        const exchange = await this.send(method, { ...body, authcode: credentials.authcode }, credentials.cookie);
        const code = exchange.reply?.code;
        if (exchange.reply?.html || (!exchange.reply && /^\s*</.test(exchange.rawBody))) {
          throw htmlReplyError(method, exchange.httpStatus);
        }
        if (!exchange.reply || code === undefined) throw httpError(method, exchange.httpStatus, exchange.retryAfterMs);
        if (code === "OK") return exchange.reply;
        if (
          (code === "INVALID_SECRETAUTHCODE" || (code === "NOTLOGGEDIN" && credentials.authcode)) &&
          this.session.fallBackToLogin()
        ) {
          // The token refused (NOTLOGGEDIN too: which code a refused service token gets is unconfirmed).
          continue;
        }
        if (code === "NOTLOGGEDIN" && credentials.cookie && !renewal.done) {
          // Transparent renewal, once per call; a second NOTLOGGEDIN surfaces as sessionExpired.
          this.session.expire(credentials.cookie);
          renewal.done = true;
          continue;
        }
        throw rescueErrorForCode(code, method);
      } catch (error) {
        throw error instanceof RescueError ? error : transportError(method, error, this.timeoutMs);
      }
    }
  }
}

/** getAccount's fields, read in their documented layout (an unreadable reply gives zeros, never a guess). */
function accountOf(reply: PlainTextReply | undefined): RescueAccount {
  const f = (reply ? readAccountFields(reply.text) : null) ?? {};
  return {
    accountId: Number(f.accountid ?? 0),
    organization: f.organization ?? "",
    adminId: Number(f.adminid ?? 0),
    techId: Number(f.techid ?? 0),
    email: f.email ?? "",
  };
}

/** A refused createUsers in a few words for the run log: "HTTP 500", "ERROR", "an unreadable reply". */
function refusalReason(error: RescueError): string {
  if (error.code.startsWith("HTTP_")) return `HTTP ${error.code.slice(5)}`;
  if (error.code === "NOT_A_RESCUE_REPLY") return "a reply that is not Rescue's plain text";
  if (error.code === "TIMEOUT") return "no answer in time";
  if (error.code === "TRANSPORT") return "a connection failure";
  return error.code;
}

const USER_TYPES = new Set(["technician", "administrator", "masteradministrator"]);
const BOOLEANS = new Set(["true", "false"]);

/** getUser_v3's fields; the fixed-vocabulary ones must hold their documented values, or nothing is guessed. */
function userOf(f: Record<string, string>): RescueUser {
  const type = f.type ?? "";
  const flags = [f.hasmobileaddon, f.hasrpataddon, f.isaccountholder];
  if (!USER_TYPES.has(type.toLowerCase()) || flags.some((flag) => !BOOLEANS.has((flag ?? "").toLowerCase()))) {
    throw unreadableReplyError("getUser_v3", `unexpected TYPE or add-on values (${type})`);
  }
  // Documented: Disabled, or a presence (Offline, Online, Busy, Away); anything but Disabled is enabled.
  const rawStatus = f.status ?? "";
  return {
    nodeId: Number(f.nodeid ?? 0),
    name: f.name ?? "",
    nick: f.nick ?? "",
    email: f.email ?? "",
    ssoId: f.ssoid ?? "",
    description: f.description ?? "",
    kind: nodeKindOf(type),
    rawStatus,
    status: technicianStatusOf(rawStatus),
    mobileAddon: isTrue(f.hasmobileaddon),
    rpatAddon: isTrue(f.hasrpataddon),
    accountHolder: isTrue(f.isaccountholder),
  };
}

function isTrue(value: string | undefined): boolean {
  return (value ?? "").trim().toLowerCase() === "true";
}

/** Everything setUser_v2 requires, as read; callers override what they change. */
function setUserParams(user: RescueUser): Params {
  return {
    node: user.nodeId,
    name: user.name,
    nick: user.nick,
    email: user.email,
    ssoid: user.ssoId,
    // rule 16: whether Rescue clears an omitted field is unconfirmed, so every field is re-sent as read.
    description: user.description,
    status: user.status === "disabled" ? "Disabled" : "Enabled",
    mobileaddon: user.mobileAddon,
    rpataddon: user.rpatAddon,
  };
}

function bulkRowOf(uniqueid: string, request: TechnicianCreateRequest): BulkUserRow {
  return {
    uniqueid,
    parentid: request.parentId,
    name: request.fields.name,
    nick: request.fields.nick,
    email: request.fields.email,
    ssoid: request.fields.ssoId,
    pwd: request.password,
    confpwd: request.password,
    status: "Enabled",
  };
}

/** The Rescue client for one tenant's Rescue connection. */
export function createRescueClient(options: RescueClientOptions): RescueClient {
  return new RescueClient(options);
}
