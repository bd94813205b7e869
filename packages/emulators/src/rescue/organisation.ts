// The emulated Rescue organisation: node tree, users, licences, sessions and authcodes, with the rules of
// docs/rescue-api.md (auth, placement, users and licences, limits). Guesses where the docs are silent are
// marked UNCONFIRMED; they are the codes the client must tolerate, not facts about Rescue.
import { randomBytes } from "node:crypto";
import {
  type ParsedRescueOrganisationSeed,
  type ParsedTechnicianGroupSeed,
  parseTechnicianSeed,
  type RescueOrganisationSeed,
  ZRescueOrganisationSeed,
} from "./organisation-seed";

export type NodeType =
  | "Root"
  | "MasterAdministrators"
  | "Administrators"
  | "Technicians"
  | "AdministratorGroup"
  | "TechnicianGroup"
  | "MasterAdministrator"
  | "Administrator"
  | "Technician";

const USER_TYPES: ReadonlySet<NodeType> = new Set(["MasterAdministrator", "Administrator", "Technician"]);
const ADMIN_TYPES: ReadonlySet<NodeType> = new Set(["MasterAdministrator", "Administrator"]);

export interface EmulatedNode {
  id: number;
  parentId: number | null;
  type: NodeType;
  name: string;
  description: string;
  /** Users only ("" for groups and categories). */
  email: string;
  nick: string;
  ssoId: string;
  password: string;
  /** Users: Enabled/Disabled; groups: group status. */
  enabled: boolean;
  /** What an enabled user shows instead of "Enabled". */
  presence: "Offline" | "Online" | "Busy" | "Away";
  mobileAddon: boolean;
  rpatAddon: boolean;
  accountHolder: boolean;
  /** Set when someone else set the password and the policy forces a change at next logon (rule 2). */
  mustChangePassword: boolean;
}

/** Reply of one API method, before plain-text formatting. */
export type MethodResult =
  | { code: string }
  | { code: "OK"; id: number }
  | { code: "OK"; fields: [string, string | number | boolean][]; layout: "user" | "account" }
  | { code: "OK"; blocks: [string, string | number | boolean][][] };

/** Rescue's login limit: more than 10 logins in 3 minutes → LIMITREACHED. */
export const LOGIN_LIMIT = { max: 10, windowMs: 3 * 60_000 };
export const SESSION_IDLE_MS = 20 * 60_000;
/** createUsers: "around 1000" per call. */
export const CREATE_USERS_LIMIT = 1000;

interface Session {
  userId: number;
  lastSeenAt: number;
  calls: number;
}

type Params = Record<string, string>;

const EMAIL_FORMAT = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const MAX_NAME_LENGTH = 128;

export class RescueOrganisation {
  readonly nodes = new Map<number, EmulatedNode>();
  private readonly emailIndex = new Map<string, number[]>();
  private readonly authCodes = new Map<string, number>();
  private readonly sessions = new Map<string, Session>();
  private readonly loginTimes = new Map<string, number[]>();
  private seed!: ParsedRescueOrganisationSeed;
  private nextId = 1;
  rootId = 0;
  categoryIds = { masterAdministrators: 0, administrators: 0, technicians: 0 };
  masterAccountHolderId = 0;

  constructor(
    seed: RescueOrganisationSeed,
    private readonly now: () => number,
  ) {
    this.load(seed);
  }

  /** Replace everything with a (validated) seed; sessions and authcodes go too. */
  load(input: RescueOrganisationSeed): void {
    const seed = ZRescueOrganisationSeed.parse(input);
    this.seed = seed;
    this.nodes.clear();
    this.emailIndex.clear();
    this.authCodes.clear();
    this.sessions.clear();
    this.loginTimes.clear();
    this.nextId = seed.firstNodeId;
    this.rootId = this.addNode({ parentId: null, type: "Root", name: seed.account.organization });
    this.categoryIds = {
      masterAdministrators: this.addNode({
        parentId: this.rootId,
        type: "MasterAdministrators",
        name: "Master Administrators",
      }),
      administrators: this.addNode({ parentId: this.rootId, type: "Administrators", name: "Administrators" }),
      technicians: this.addNode({ parentId: this.rootId, type: "Technicians", name: "Technicians" }),
    };
    const mah = seed.masterAccountHolder;
    this.masterAccountHolderId = this.addNode({
      parentId: this.categoryIds.masterAdministrators,
      type: "MasterAdministrator",
      name: mah.name,
      email: mah.email,
      password: mah.password,
      accountHolder: true,
    });
    if (mah.apiToken) this.authCodes.set(mah.apiToken, this.masterAccountHolderId);
    if (seed.serviceTokenIsAuthCode && mah.serviceToken) {
      this.authCodes.set(mah.serviceToken, this.masterAccountHolderId);
    }
    const adminGroups = new Map<string, number>();
    for (const admin of seed.administrators) {
      let parentId = admin.master ? this.categoryIds.masterAdministrators : this.categoryIds.administrators;
      if (!admin.master && admin.group) {
        parentId =
          adminGroups.get(admin.group) ??
          this.addNode({ parentId: this.categoryIds.administrators, type: "AdministratorGroup", name: admin.group });
        adminGroups.set(admin.group, parentId);
      }
      const id = this.addNode({
        parentId,
        type: admin.master ? "MasterAdministrator" : "Administrator",
        name: admin.name,
        email: admin.email,
        password: admin.password,
        enabled: admin.status === "Enabled",
      });
      if (admin.authCode) this.authCodes.set(admin.authCode, id);
    }
    const addGroup = (group: ParsedTechnicianGroupSeed, parentId: number) => {
      const id = this.addNode({
        parentId,
        type: "TechnicianGroup",
        name: group.name,
        description: group.description ?? "",
      });
      for (const raw of group.technicians ?? []) {
        const t = parseTechnicianSeed(raw);
        this.addNode({
          parentId: id,
          type: "Technician",
          name: t.name,
          nick: t.nick,
          email: t.email,
          ssoId: t.ssoId,
          description: t.description,
          password: t.password,
          enabled: t.status === "Enabled",
          mobileAddon: t.mobileAddon && t.status === "Enabled",
          rpatAddon: t.rpatAddon,
        });
      }
      for (const child of group.groups ?? []) addGroup(child, id);
    };
    for (const group of seed.technicianGroups) addGroup(group, this.categoryIds.technicians);
  }

  get account() {
    return this.seed.account;
  }

  /** The organisation's Global Settings restrictions on the login and requestAuthCode endpoints. */
  get apiSettings() {
    return this.seed.apiSettings;
  }

  /** A JSON view of everything, for the admin interface and tests. */
  snapshot() {
    return {
      account: this.seed.account,
      licences: {
        technicians: { total: this.seed.account.technicianLicences, used: this.enabledTechnicians() },
        mobile: { total: this.seed.account.mobileLicences, used: this.mobileAddons() },
      },
      nodes: [...this.nodes.values()].map(({ password, ...node }) => ({ ...node, hasPassword: password !== "" })),
      sessions: this.sessions.size,
    };
  }

  technicians(): EmulatedNode[] {
    return [...this.nodes.values()].filter((n) => n.type === "Technician");
  }

  findByEmail(email: string): EmulatedNode[] {
    return (this.emailIndex.get(email.toLowerCase()) ?? []).map((id) => this.nodes.get(id)!);
  }

  // ── authentication (§2) ──────────────────────────────────────────────────────────────────────────────────

  login(params: Params): { code: string; sessionId?: string } {
    const email = (params.email ?? "").toLowerCase();
    const now = this.now();
    const times = (this.loginTimes.get(email) ?? []).filter((t) => now - t < LOGIN_LIMIT.windowMs);
    times.push(now);
    this.loginTimes.set(email, times);
    if (times.length > LOGIN_LIMIT.max) return { code: "LIMITREACHED" };
    const user = this.adminByCredentials(params.email, params.pwd);
    if (!user) return { code: "INVALID" };
    if (!user.enabled) return { code: "USER_DELETED_OR_DISABLED" };
    const sessionId = randomBytes(12).toString("hex");
    this.sessions.set(sessionId, { userId: user.id, lastSeenAt: now, calls: 0 });
    return { code: "OK", sessionId };
  }

  logout(sessionId: string | undefined): { code: string } {
    if (!sessionId || !this.sessions.delete(sessionId)) return { code: "NOTLOGGEDIN" };
    return { code: "OK" };
  }

  /** Issues a new authcode for the user; the old one stops working (it "stays valid until a new one is issued"). */
  requestAuthCode(params: Params): { code: string; authCode?: string } {
    const user = this.adminByCredentials(params.email, params.pwd);
    if (!user) return { code: "INVALID" };
    if (!user.enabled) return { code: "USER_DELETED_OR_DISABLED" };
    for (const [code, id] of this.authCodes) if (id === user.id) this.authCodes.delete(code);
    const authCode = randomBytes(40).toString("hex").slice(0, 79);
    this.authCodes.set(authCode, user.id);
    return { code: "OK", authCode };
  }

  /** The caller of a management method: by `authcode` when given, else by session cookie. */
  authenticate(
    params: Params,
    sessionId: string | undefined,
    dropSessionsAfterCalls: number | null,
  ): { caller: EmulatedNode } | { code: string } {
    let userId: number | undefined;
    if (params.authcode) {
      userId = this.authCodes.get(params.authcode);
      if (userId === undefined) return { code: "INVALID_SECRETAUTHCODE" };
    } else {
      const session = sessionId ? this.sessions.get(sessionId) : undefined;
      if (!session || !sessionId) return { code: "NOTLOGGEDIN" };
      const now = this.now();
      session.calls += 1;
      const dropped = dropSessionsAfterCalls !== null && session.calls > dropSessionsAfterCalls;
      if (now - session.lastSeenAt >= SESSION_IDLE_MS || dropped) {
        this.sessions.delete(sessionId);
        return { code: "NOTLOGGEDIN" };
      }
      session.lastSeenAt = now;
      userId = session.userId;
    }
    const caller = this.nodes.get(userId);
    if (!caller?.enabled) return { code: "USER_DELETED_OR_DISABLED" };
    return { caller };
  }

  /** Whether this organisation issued the authcode (an emulator hosting several finds the caller's this way). */
  knowsAuthCode(authCode: string): boolean {
    return this.authCodes.has(authCode);
  }

  hasSession(sessionId: string): boolean {
    return this.sessions.has(sessionId);
  }

  /** Whether an administrator here signs in with this email (login and requestAuthCode name no organisation). */
  hasAdministrator(email: string | undefined): boolean {
    return !!email && this.findByEmail(email).some((n) => ADMIN_TYPES.has(n.type));
  }

  private adminByCredentials(email: string | undefined, pwd: string | undefined): EmulatedNode | undefined {
    if (!email || !pwd) return undefined;
    return this.findByEmail(email).find((n) => ADMIN_TYPES.has(n.type) && n.password === pwd);
  }

  // ── reads ────────────────────────────────────────────────────────────────────────────────────────────────

  getAccount(caller: EmulatedNode): MethodResult {
    const tech = this.findByEmail(caller.email).find((n) => n.type === "Technician" && n.enabled);
    return {
      code: "OK",
      layout: "account",
      fields: [
        ["AccountID", this.seed.account.id],
        ["Organization", this.seed.account.organization],
        ["AdminID", ADMIN_TYPES.has(caller.type) ? caller.id : 0],
        ["TechID", tech?.id ?? 0],
        ["Email", caller.email],
      ],
    };
  }

  getHierarchy(params: Params): MethodResult {
    const hideOffline = isTrue(params.filteroffline);
    let nodes = [...this.nodes.values()];
    if (isTrue(params.isnode)) {
      const node = this.nodes.get(Number(params.node));
      if (!node) return { code: "INVALIDPARAM_NODE" };
      nodes = [node];
    }
    const blocks = nodes
      .filter((n) => !(hideOffline && n.type === "Technician" && (!n.enabled || n.presence === "Offline")))
      .map((n): [string, string | number | boolean][] => [
        ["NodeID", n.id],
        ["ParentID", n.parentId ?? 0],
        ["Name", n.name],
        ["Email", n.email],
        ["Description", n.description],
        ["Status", statusOf(n)],
        ["Type", n.type],
      ]);
    return { code: "OK", blocks };
  }

  /** getUser / getUser_v3: by `node`, or (v3) by `email`; exactly one of them. */
  getUser(params: Params, v3: boolean): MethodResult {
    const byEmail = v3 ? params.email : undefined;
    if (byEmail && params.node) return { code: "INVALID_EMAILANDNODEIDBOTHSPECIFIED" };
    let user: EmulatedNode | undefined;
    if (byEmail) {
      user = this.findByEmail(byEmail).find((n) => USER_TYPES.has(n.type));
      // UNCONFIRMED: the plain-text code for an unknown email (SOAP: getUser_InvalidParam_Email).
      if (!user) return { code: "INVALIDPARAM_EMAIL" };
    } else {
      user = this.nodes.get(Number(params.node));
      if (!user || !USER_TYPES.has(user.type)) return { code: "INVALIDPARAM_NODE" };
    }
    // The documented key order; v3 adds HASRPATADDON after HASMOBILEADDON (the official sample).
    const fields: [string, string | number | boolean][] = [
      ["NODEID", user.id],
      ["NAME", user.name],
      ["NICK", user.nick],
      ["EMAIL", user.email],
      ["SSOID", user.ssoId],
      ["DESCRIPTION", user.description],
      ["TYPE", user.type],
      ["HASMOBILEADDON", user.mobileAddon],
      ...(v3 ? ([["HASRPATADDON", user.rpatAddon]] as [string, boolean][]) : []),
      ["ISACCOUNTHOLDER", user.accountHolder],
      ["STATUS", statusOf(user)],
    ];
    return { code: "OK", layout: "user", fields };
  }

  // ── writes ───────────────────────────────────────────────────────────────────────────────────────────────

  /** createUser: a blank user under `parent`; its kind follows from the parent. */
  createUser(params: Params): MethodResult {
    const parent = this.nodes.get(Number(params.parent));
    if (!parent) return { code: "INVALIDPARAM_PARENT" };
    const type: NodeType | undefined =
      parent.type === "TechnicianGroup"
        ? "Technician"
        : parent.type === "AdministratorGroup" || parent.type === "Administrators"
          ? "Administrator"
          : parent.type === "MasterAdministrators"
            ? "MasterAdministrator"
            : undefined;
    if (!type) return { code: "INVALIDPARAM_PARENT" };
    // UNCONFIRMED: the initial state of a blank user. Disabled, so it takes no licence until setUser enables it.
    return { code: "OK", id: this.addNode({ parentId: parent.id, type, name: "", enabled: false }) };
  }

  /** createUsers (Master Administrators only): all-or-nothing per row, one result block per row. */
  createUsers(caller: EmulatedNode, params: Params): MethodResult {
    // UNCONFIRMED: the code for a caller who is not a Master Administrator.
    if (caller.type !== "MasterAdministrator") return { code: "NOTLOGGEDINASMASTERADMIN" };
    const rows = readUserRows(params);
    if (rows.length === 0 || rows.length > CREATE_USERS_LIMIT) return { code: "INVALIDPARAM_USERDATA" };
    let enabled = this.enabledTechnicians();
    const batchEmails = new Set<string>();
    const blocks: [string, string | number | boolean][][] = [];
    for (const row of rows) {
      const uniqueId = row.uniqueid ?? "";
      const parent = this.nodes.get(Number(row.parentid));
      const email = row.email ?? "";
      const status = parseStatus(row.status ?? "Enabled");
      let code = "OK";
      if (parent?.type !== "TechnicianGroup") code = "INVALIDPARAM_PARENT";
      else if (!row.name || row.name.length > MAX_NAME_LENGTH) code = "INVALIDPARAM_NAME";
      else if (!EMAIL_FORMAT.test(email)) code = "INVALIDPARAM_EMAIL";
      else if (batchEmails.has(email.toLowerCase()) || this.emailTaken(email, undefined))
        code = "INVALIDPARAM_EMAIL_ALREADY_IN_USE";
      else if (status === undefined) code = "INVALIDPARAM_STATUS";
      else code = this.passwordProblem(row.pwd ?? "", row.confpwd ?? "") ?? "OK";
      if (code === "OK" && status && enabled >= this.seed.account.technicianLicences) code = LICENCE_LIMIT;
      if (code !== "OK" || !parent) {
        blocks.push([
          ["UniqueID", uniqueId],
          ["NodeID", 0],
          ["Result", code],
        ]);
        continue;
      }
      batchEmails.add(email.toLowerCase());
      if (status) enabled += 1;
      const id = this.addNode({
        parentId: parent.id,
        type: "Technician",
        name: row.name ?? "",
        nick: row.nick ?? "",
        email,
        ssoId: row.ssoid ?? "",
        password: row.pwd ?? "",
        enabled: status === true,
        mustChangePassword: this.seed.passwordPolicy.adminSetForcesChange,
      });
      blocks.push([
        ["UniqueID", uniqueId],
        ["NodeID", id],
        ["Result", "OK"],
      ]);
    }
    return { code: "OK", blocks };
  }

  /**
   * setUser / setUser_v2: every required field re-sent; `mobileaddon` (v2) or `addons` (v1). An OMITTED optional
   * field (nick, ssoid, description) is BLANKED: whether Rescue clears or keeps it is unconfirmed, so the emulator
   * takes the stricter reading and a client that forgets to re-send a field loses it here first.
   */
  setUser(caller: EmulatedNode, params: Params, v2: boolean): MethodResult {
    const user = this.nodes.get(Number(params.node));
    if (!user || !USER_TYPES.has(user.type)) return { code: "INVALIDPARAM_NODE" };
    const name = params.name ?? "";
    if (name === "" || name.length > MAX_NAME_LENGTH) return { code: "INVALIDPARAM_NAME" };
    const email = params.email ?? "";
    if (!EMAIL_FORMAT.test(email)) return { code: "INVALIDPARAM_EMAIL" };
    if (this.emailTaken(email, user)) return { code: "INVALIDPARAM_EMAIL_ALREADY_IN_USE" };
    const enable = parseStatus(params.status ?? "");
    if (enable === undefined) return { code: "INVALIDPARAM_STATUS" };
    const mobile = parseBool(v2 ? params.mobileaddon : params.addons);
    if (mobile === undefined) return { code: "INVALIDPARAM_MOBILEADDON" };
    const rpat = v2 ? parseBool(params.rpataddon) : user.rpatAddon;
    if (rpat === undefined) return { code: "INVALIDPARAM_RPATADDON" };
    const pwd = params.pwd ?? "";
    if (pwd !== "") {
      const problem = this.passwordProblem(pwd, params.confpwd ?? "");
      if (problem) return { code: problem };
      if (caller.id === user.id && user.type === "MasterAdministrator" && params.oldpwd !== user.password) {
        return { code: "INVALIDPARAM_MISSING_CURRENT_PASSWORD" };
      }
    }
    if (user.type === "Technician") {
      // Named licensing: enabling needs a free seat; the mobile add-on needs a free mobile licence.
      if (enable && !user.enabled && this.enabledTechnicians() >= this.seed.account.technicianLicences) {
        return { code: LICENCE_LIMIT };
      }
      if (enable && mobile && !user.mobileAddon && this.mobileAddons() >= this.seed.account.mobileLicences) {
        return { code: MOBILE_LICENCE_LIMIT };
      }
    }
    this.reindexEmail(user, email);
    user.name = name;
    user.nick = params.nick ?? "";
    user.ssoId = params.ssoid ?? "";
    user.description = params.description ?? "";
    user.enabled = enable;
    // Disabling frees the seat and the mobile add-on.
    user.mobileAddon = enable && mobile;
    user.rpatAddon = rpat;
    if (pwd !== "") {
      user.password = pwd;
      user.mustChangePassword = caller.id !== user.id && this.seed.passwordPolicy.adminSetForcesChange;
    }
    return { code: "OK" };
  }

  moveNode(params: Params): MethodResult {
    const node = this.nodes.get(Number(params.node));
    if (!node || node.type === "Root" || node.parentId === this.rootId) return { code: "INVALIDPARAM_NODE" };
    const target = this.nodes.get(Number(params.targetnode));
    if (!target) return { code: "INVALIDPARAM_TARGETNODE" };
    if (!canHold(target.type, node.type) || this.isWithin(target.id, node.id)) return { code: "INVALID_MOVE" };
    node.parentId = target.id;
    return { code: "OK" };
  }

  deleteNode(caller: EmulatedNode, params: Params): MethodResult {
    const node = this.nodes.get(Number(params.node));
    if (!node || node.type === "Root" || node.parentId === this.rootId) return { code: "INVALIDPARAM_NODE" };
    if (node.id === caller.id || node.accountHolder) return { code: "INVALID_DELETE" };
    // UNCONFIRMED: deleting a non-empty group; refused here.
    if ([...this.nodes.values()].some((n) => n.parentId === node.id)) return { code: "INVALID_DELETE" };
    this.reindexEmail(node, "");
    this.nodes.delete(node.id);
    for (const [code, id] of this.authCodes) if (id === node.id) this.authCodes.delete(code);
    return { code: "OK" };
  }

  // ── "by hand", as an administrator in the Admin Center would ─────────────────────────────────────────────

  moveByHand(nodeId: number, targetId: number): string {
    return (this.moveNode({ node: String(nodeId), targetnode: String(targetId) }) as { code: string }).code;
  }

  setEnabledByHand(nodeId: number, enabled: boolean): string {
    const user = this.nodes.get(nodeId);
    if (!user || !USER_TYPES.has(user.type)) return "INVALIDPARAM_NODE";
    if (enabled && !user.enabled && user.type === "Technician") {
      if (this.enabledTechnicians() >= this.seed.account.technicianLicences) return LICENCE_LIMIT;
    }
    user.enabled = enabled;
    if (!enabled) user.mobileAddon = false;
    return "OK";
  }

  // ── rules ────────────────────────────────────────────────────────────────────────────────────────────────

  /** Unique emails, any case; a technician may not reuse an administrator's or MA's email (§4). */
  private emailTaken(email: string, self: EmulatedNode | undefined): boolean {
    return this.findByEmail(email).some((n) => n.id !== self?.id);
  }

  /** The password policy (§7); the plain-text spellings are UNCONFIRMED, derived from the SOAP enum. */
  private passwordProblem(pwd: string, confpwd: string): string | undefined {
    if (pwd.length < 8) return "INVALIDPARAM_PASSWORD_HAS_TO_BE_AT_LEAST_8_CHARACTERS_LONG";
    if (/\s/.test(pwd)) return "INVALIDPARAM_PASSWORD_CANNOT_CONTAIN_WHITESPACE_CHARACTERS";
    if (pwd !== confpwd) return "INVALIDPARAM_PASSWORD_MISMATCH";
    const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9\s]/].filter((re) => re.test(pwd)).length;
    if (classes < this.seed.passwordPolicy.minCharacterClasses) {
      return "INVALIDPARAM_PASSWORD_HAS_TO_CONTAIN_AT_LEAST_3_CHARACTER_CLASSES";
    }
    return undefined;
  }

  enabledTechnicians(): number {
    let n = 0;
    for (const node of this.nodes.values()) if (node.type === "Technician" && node.enabled) n += 1;
    return n;
  }

  mobileAddons(): number {
    let n = 0;
    for (const node of this.nodes.values()) if (node.type === "Technician" && node.mobileAddon) n += 1;
    return n;
  }

  private isWithin(nodeId: number, ancestorId: number): boolean {
    for (let n = this.nodes.get(nodeId); n; n = n.parentId === null ? undefined : this.nodes.get(n.parentId)) {
      if (n.id === ancestorId) return true;
    }
    return false;
  }

  private addNode(init: Partial<EmulatedNode> & Pick<EmulatedNode, "parentId" | "type" | "name">): number {
    const node: EmulatedNode = {
      id: this.nextId++,
      description: "",
      email: "",
      nick: "",
      ssoId: "",
      password: "",
      enabled: true,
      presence: "Offline",
      mobileAddon: false,
      rpatAddon: false,
      accountHolder: false,
      mustChangePassword: false,
      ...init,
    };
    this.nodes.set(node.id, node);
    this.reindexEmail({ ...node, email: "" }, node.email);
    return node.id;
  }

  private reindexEmail(node: EmulatedNode, email: string): void {
    const before = node.email.toLowerCase();
    if (before) {
      const ids = (this.emailIndex.get(before) ?? []).filter((id) => id !== node.id);
      if (ids.length > 0) this.emailIndex.set(before, ids);
      else this.emailIndex.delete(before);
    }
    node.email = email;
    const after = email.toLowerCase();
    if (after) this.emailIndex.set(after, [...(this.emailIndex.get(after) ?? []), node.id]);
  }
}

/**
 * UNCONFIRMED: Rescue documents no code for "no free licence". The emulator answers an undocumented token, so the
 * client's rule for codes it does not know (fail verbatim, re-read, hold until the input changes) is exercised.
 */
export const LICENCE_LIMIT = "LICENSELIMITREACHED";
export const MOBILE_LICENCE_LIMIT = "MOBILELICENSELIMITREACHED";

function statusOf(node: EmulatedNode): string {
  if (USER_TYPES.has(node.type)) return node.enabled ? node.presence : "Disabled";
  return node.enabled ? "Enabled" : "Disabled";
}

/** Placement rules (§3, §7). */
function canHold(parent: NodeType, child: NodeType): boolean {
  switch (child) {
    case "Technician":
      return parent === "TechnicianGroup";
    case "TechnicianGroup":
      return parent === "TechnicianGroup" || parent === "Technicians";
    case "Administrator":
      return parent === "AdministratorGroup" || parent === "Administrators";
    case "AdministratorGroup":
      return parent === "AdministratorGroup" || parent === "Administrators";
    case "MasterAdministrator":
      return parent === "MasterAdministrators";
    default:
      return false;
  }
}

function isTrue(value: string | undefined): boolean {
  return (value ?? "").toLowerCase() === "true";
}

function parseBool(value: string | undefined): boolean | undefined {
  const v = (value ?? "").toLowerCase();
  return v === "true" ? true : v === "false" ? false : undefined;
}

function parseStatus(value: string): boolean | undefined {
  const v = value.toLowerCase();
  return v === "enabled" ? true : v === "disabled" ? false : undefined;
}

/** `USERDATA[0].name` or `USERDATA[0][name]` (any case; the real encoding is UNCONFIRMED). */
function readUserRows(params: Params): Record<string, string>[] {
  const rows: Record<string, string>[] = [];
  for (const [key, value] of Object.entries(params)) {
    const match = /^userdata\[(\d+)\](?:\.([a-z]+)|\[([a-z]+)\])$/.exec(key);
    if (!match) continue;
    const index = Number(match[1]);
    if (index >= CREATE_USERS_LIMIT * 2) continue;
    rows[index] ??= {};
    rows[index][(match[2] ?? match[3])!] = value;
  }
  return rows.filter((row) => row !== undefined);
}
