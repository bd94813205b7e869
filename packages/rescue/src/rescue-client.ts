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
import { TECHNICIAN_FIELDS } from "@techsync/sync-core";
import pLimit from "p-limit";
import { checkDefaultPassword } from "./default-password";
import {
  htmlReplyError,
  httpError,
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
import { GET_USER_V3_LAYOUT, type KnownValues, readAccountFields, readKeyedFields } from "./wire/reply-layouts";

export const DEFAULT_RESCUE_BASE_URL = "https://secure.logmeinrescue.com";
/** createUsers takes "around 1000" users, fewer when optional fields are long (docs/rescue-api.md): stay well under. */
export const DEFAULT_CREATE_BATCH = 500;

export interface RescueClientOptions {
  /** API base, default https://secure.logmeinrescue.com (per tenant: e.g. the enterprise host or an emulator). */
  baseUrl?: string;
  /** The Master Account Holder's login. */
  email: string;
  password: string;
  /** The Admin Center's service token, sent as `authcode`; without one (or when refused) we use a login session. */
  serviceToken?: string;
  /** Per HTTP call. Default 30 s. */
  timeoutMs?: number;
  /** Tries per call for retryable failures (transport, timeout, HTTP 429/5xx, ERROR). Default 4. */
  maxAttempts?: number;
  /** First backoff delay, doubled per try with jitter. Default 500 ms; capped by maxRetryDelayMs (default 20 s). */
  retryDelayMs?: number;
  maxRetryDelayMs?: number;
  /** Calls in flight at once for this client (one client per tenant). Default 4. */
  concurrency?: number;
  /** Users per createUsers call, at most 1000. Default 500. */
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

/** getAccount, for "test connection". */
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

/** Codes that mean the whole connection is unusable: no point trying other requests or other methods. */
const CONNECTION_CODES = new Set(["INVALID", "INVALID_SECRETAUTHCODE", "USER_DELETED_OR_DISABLED", "LIMITREACHED"]);

type Params = Record<string, FormValue>;

interface CallOptions {
  /** Before a retry: a create re-checks whether its lost reply had been applied (rule 12). */
  beforeRetry?: () => Promise<void>;
  /** Whether to retry this failure here (default: its `retryable`). */
  retryable?: (failure: RescueError) => boolean;
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
  private readonly calls = new Map<string, number>();
  /** Blank users left by a createUser whose setUser_v2 was refused: reused for the next create under that parent. */
  private readonly blankUsers = new Map<number, number[]>();
  /** createUsers refused for this caller (not a Master Administrator): use createUser + setUser_v2. */
  private bulkRefused = false;

  constructor(private readonly options: RescueClientOptions) {
    this.baseUrl = options.baseUrl ?? DEFAULT_RESCUE_BASE_URL;
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.maxAttempts = Math.max(1, options.maxAttempts ?? 4);
    this.maxCreateBatch = Math.min(1000, Math.max(1, options.createBatchSize ?? DEFAULT_CREATE_BATCH));
    this.clock = options.clock ?? realClock;
    this.limit = pLimit(Math.max(1, options.concurrency ?? 4));
    this.session = new RescueSession({
      serviceToken: options.serviceToken,
      canLogin: options.password !== "",
      clock: this.clock,
      ...(options.loginLimit ? { loginLimit: options.loginLimit } : {}),
      ...(options.sessionIdleRenewMs !== undefined ? { idleRenewMs: options.sessionIdleRenewMs } : {}),
      login: () => this.login(),
    });
  }

  /** How calls authenticate now: the service token as authcode, or a login session after the token was refused. */
  get authMode(): "authcode" | "session" {
    return this.session.authMode;
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

  /** "Test connection": the caller's account. */
  async getAccount(): Promise<RescueAccount> {
    const reply = await this.call("getAccount", {});
    const f = readAccountFields(reply.text);
    if (!f) throw unreadableReplyError("getAccount", "it does not start with AccountID, Organization, AdminID, TechID");
    return {
      accountId: Number(f.accountid ?? 0),
      organization: f.organization ?? "",
      adminId: Number(f.adminid ?? 0),
      techId: Number(f.techid ?? 0),
      email: f.email ?? "",
    };
  }

  /**
   * "Test connection" for the portal: getAccount, plus warnings a person should see even though it worked.
   * Never requestAuthCode: a new authcode would replace the customer's token (docs/rescue-api.md).
   */
  async testConnection(): Promise<{ account: RescueAccount; authMode: "authcode" | "session"; warnings: string[] }> {
    const account = await this.getAccount();
    const warnings: string[] = [];
    if (this.options.serviceToken && this.authMode === "session") {
      warnings.push(
        "Rescue refused the service token, so TechSync logs in with the Master Account Holder's password instead (at most 10 logins in 3 minutes). Paste the current token from the Admin Center.",
      );
    }
    if (account.adminId === 0)
      warnings.push("This Rescue account is not an administrator: it cannot manage technicians.");
    return { account, authMode: this.authMode, warnings };
  }

  async getTree(): Promise<RescueNode[]> {
    // filteroffline=false: offline technicians are technicians too.
    const reply = await this.call("getHierarchy_v2", { isnode: "false", filteroffline: "false" });
    const nodes: RescueNode[] = [];
    for (const block of reply.blocks) {
      const node = rescueNodeOf(block);
      if (node) nodes.push(node);
    }
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

  async createTechnicians(requests: readonly TechnicianCreateRequest[]): Promise<TechnicianCreateResult[]> {
    const results: TechnicianCreateResult[] = [];
    const valid: TechnicianCreateRequest[] = [];
    for (const request of requests) {
      const refused = checkDefaultPassword(request.password, this.options.passwordCharacterClasses);
      if (refused) results.push({ ref: request.ref, ok: false, error: refused });
      else valid.push(request);
    }
    const chunks: TechnicianCreateRequest[][] = [];
    for (let i = 0; i < valid.length; i += this.maxCreateBatch) chunks.push(valid.slice(i, i + this.maxCreateBatch));
    const chunkResults = await Promise.all(chunks.map((chunk) => this.createChunk(chunk)));
    for (const chunk of chunkResults) results.push(...chunk);
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
    if (TECHNICIAN_FIELDS.every((field) => written[field] === current[field])) return current;
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
        hint: "Rescue gave no reason. A common cause is that no technician licence is free: disable technicians who no longer need one, or add licences, then run again.",
        holdUntilInputChanges: error.holdUntilInputChanges,
        cause: error,
      });
    }
  }

  private async requireUser(nodeId: number): Promise<RescueUser> {
    const user = await this.getUser({ nodeId });
    if (!user) throw rescueErrorForCode("INVALIDPARAM_NODE", "getUser_v3");
    return user;
  }

  private async createChunk(chunk: TechnicianCreateRequest[]): Promise<TechnicianCreateResult[]> {
    if (!this.bulkRefused) {
      try {
        return await this.createInBulk(chunk);
      } catch (error) {
        if (!(error instanceof RescueError) || error.retryable || CONNECTION_CODES.has(error.code)) throw error;
        // createUsers is for Master Administrators only; its refusal code is unconfirmed, so any refusal of the
        // whole array that is not about the connection sends us to createUser + setUser_v2.
        this.bulkRefused = true;
      }
    }
    return Promise.all(chunk.map((request) => this.createOne(request)));
  }

  private async createInBulk(chunk: TechnicianCreateRequest[]): Promise<TechnicianCreateResult[]> {
    const byUniqueId = new Map(chunk.map((request, i) => [`ts${i}`, request]));
    const done = new Map<string, TechnicianCreateResult>();
    const recordFoundByEmail = async () => {
      const pending = [...byUniqueId].filter(([id]) => !done.has(id));
      if (pending.length === 0) return;
      const technicians = await this.technicianIdsByEmail();
      for (const [id, request] of pending) {
        const nodeId = technicians.get(request.fields.email.toLowerCase());
        if (nodeId !== undefined) done.set(id, { ref: request.ref, ok: true, nodeId });
      }
    };
    let reply: PlainTextReply | undefined;
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
        // rule 12: a retried createUsers must not duplicate the users a lost reply had created.
        { beforeRetry: recordFoundByEmail },
      );
    } catch (error) {
      if (!(error instanceof RescueError) || !error.retryable) throw error;
      // Out of retries: report each request that did not make it, and keep the ones found by email.
      return chunk.map((request, i) => done.get(`ts${i}`) ?? { ref: request.ref, ok: false, error });
    }
    for (const result of reply ? readBulkUserResults(reply) : []) {
      const request = byUniqueId.get(result.uniqueId);
      if (!request || done.has(result.uniqueId)) continue;
      if (result.code === "OK" && result.nodeId !== undefined) {
        done.set(result.uniqueId, { ref: request.ref, ok: true, nodeId: result.nodeId });
      } else if (result.code !== "OK") {
        done.set(result.uniqueId, {
          ref: request.ref,
          ok: false,
          error: rescueErrorForCode(result.code, "createUsers"),
        });
      }
    }
    // The per-user results are unconfirmed: users the reply does not mention are looked up by email in the tree.
    if (done.size < byUniqueId.size) await recordFoundByEmail();
    return chunk.map(
      (request, i) =>
        done.get(`ts${i}`) ?? {
          ref: request.ref,
          ok: false,
          error: new RescueError("createUsers answered OK but the technician is not in the tree", {
            code: "NOT_CREATED",
            method: "createUsers",
            retryable: true,
            hint: "The next run tries again.",
          }),
        },
    );
  }

  /** createUser + setUser_v2, for callers that may not use createUsers. */
  private async createOne(request: TechnicianCreateRequest): Promise<TechnicianCreateResult> {
    try {
      // rule 12: a previous attempt whose reply was lost may have created it already; the lookup also refuses an
      // administrator's email before a blank user is made.
      const existing = await this.getUser({ email: request.fields.email });
      if (existing) {
        if (existing.kind === "technician") return { ref: request.ref, ok: true, nodeId: existing.nodeId };
        return {
          ref: request.ref,
          ok: false,
          error: rescueErrorForCode("INVALIDPARAM_EMAIL_ALREADY_IN_USE", "getUser_v3"),
        };
      }
      const nodeId = await this.createBlankUser(request.parentId);
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
        throw error;
      }
      return { ref: request.ref, ok: true, nodeId };
    } catch (error) {
      if (error instanceof RescueError && !CONNECTION_CODES.has(error.code))
        return { ref: request.ref, ok: false, error };
      throw error;
    }
  }

  private async createBlankUser(parentId: number): Promise<number> {
    const spare = this.blankUsers.get(parentId)?.shift();
    if (spare !== undefined) return spare;
    let claimed: number | undefined;
    const reply = await this.call("createUser", () => (claimed === undefined ? { parent: parentId } : undefined), {
      // rule 12: a lost createUser reply leaves a blank user; claim it rather than make another.
      beforeRetry: async () => {
        const blanks = (await this.getTree()).filter(
          (n) => n.kind === "technician" && n.parentId === parentId && !n.name && !n.email,
        );
        claimed = blanks.find((n) => !this.claimedBlanks.has(n.id))?.id;
        if (claimed !== undefined) this.claimedBlanks.add(claimed);
      },
    });
    if (claimed !== undefined) return claimed;
    const nodeId = Number(reply?.value ?? reply?.fields.nodeid);
    if (!Number.isInteger(nodeId) || nodeId <= 0) {
      throw new RescueError("createUser answered OK without a node id", { code: "NO_NODE_ID", method: "createUser" });
    }
    this.claimedBlanks.add(nodeId);
    return nodeId;
  }

  private readonly claimedBlanks = new Set<number>();

  private keepBlank(parentId: number, nodeId: number): void {
    const spares = this.blankUsers.get(parentId) ?? [];
    spares.push(nodeId);
    this.blankUsers.set(parentId, spares);
  }

  private async technicianIdsByEmail(): Promise<Map<string, number>> {
    const byEmail = new Map<string, number>();
    for (const node of await this.getTree()) {
      if (node.kind === "technician" && node.email) byEmail.set(node.email.toLowerCase(), node.id);
    }
    return byEmail;
  }

  private async login(): Promise<string> {
    const exchange = await this.send("login", { email: this.options.email, pwd: this.options.password }, undefined);
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
    let renewedSession = false;
    for (let attempt = 1; ; attempt++) {
      const body = typeof params === "function" ? params() : params;
      if (!body) return undefined;
      let failure: RescueError;
      try {
        const credentials = await this.session.credentials();
        const exchange = await this.send(method, { ...body, authcode: credentials.authcode }, credentials.cookie);
        const code = exchange.reply?.code;
        if (exchange.reply?.html || (!exchange.reply && /^\s*</.test(exchange.rawBody))) {
          failure = htmlReplyError(method, exchange.httpStatus);
        } else if (!exchange.reply || code === undefined) {
          failure = httpError(method, exchange.httpStatus, exchange.retryAfterMs);
        } else if (code === "OK") {
          return exchange.reply;
        } else if (
          (code === "INVALID_SECRETAUTHCODE" || (code === "NOTLOGGEDIN" && credentials.authcode)) &&
          this.session.fallBackToLogin()
        ) {
          // The token refused (NOTLOGGEDIN too: which code a refused service token gets is unconfirmed).
          attempt--;
          continue;
        } else if (code === "NOTLOGGEDIN" && credentials.cookie && !renewedSession) {
          // Transparent renewal, once per call; a second NOTLOGGEDIN surfaces as sessionExpired.
          this.session.expire(credentials.cookie);
          renewedSession = true;
          attempt--;
          continue;
        } else {
          failure = rescueErrorForCode(code, method);
        }
      } catch (error) {
        failure = error instanceof RescueError ? error : transportError(method, error, this.timeoutMs);
      }
      const retry = options.retryable ? options.retryable(failure) : failure.retryable;
      if (!retry || attempt >= this.maxAttempts) throw failure;
      await this.clock.sleep(this.backoffMs(attempt, failure.retryAfterMs));
      await options.beforeRetry?.();
    }
  }

  private backoffMs(attempt: number, retryAfterMs: number | undefined): number {
    const base = this.options.retryDelayMs ?? 500;
    const cap = this.options.maxRetryDelayMs ?? 20_000;
    const exponential = Math.min(cap, base * 2 ** (attempt - 1));
    const jittered = exponential / 2 + Math.random() * (exponential / 2);
    return Math.max(jittered, retryAfterMs ?? 0);
  }
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
