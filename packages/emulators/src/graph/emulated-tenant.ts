// One emulated Entra tenant: its app registrations (with consented permissions) and its directory.
// Every change bumps a sequence number so delta queries can answer "what changed since token N".
import { randomUUID } from "node:crypto";
import type { DirectoryChange } from "./graph-subscriptions";

export const GRAPH_PERMISSIONS = [
  "User.Read.All",
  "Group.Read.All",
  "Directory.Read.All",
  "GroupMember.Read.All",
  "Device.Read.All",
  "OrgContact.Read.All",
  "Application.Read.All",
] as const;

/** Entra's userType: "Member" for the tenant's own people, "Guest" for B2B invitees (UPN `…#EXT#@…`). */
export type EmulatedUserType = "Member" | "Guest";

export interface EmulatedUser {
  id: string;
  displayName: string;
  givenName: string | null;
  surname: string | null;
  mail: string | null;
  userPrincipalName: string;
  accountEnabled: boolean;
  userType: EmulatedUserType;
  /** Additional addresses; for a guest, typically the address it was invited with. */
  otherMails: string[];
  department: string | null;
  jobTitle: string | null;
  companyName: string | null;
  officeLocation: string | null;
  employeeId: string | null;
  /** Set while soft-deleted (restorable for 30 days in Entra). */
  deletedDateTime: string | null;
  /** Permanently deleted: kept as a tombstone so users delta can say `deleted`. */
  purged: boolean;
  /** Sequence number of the last change. */
  version: number;
}

/** Members of a group that are neither users nor groups, with the properties of their Graph type. */
export type EmulatedDirectoryObject =
  | {
      kind: "orgContact";
      id: string;
      displayName: string;
      mail: string | null;
      givenName: string | null;
      surname: string | null;
      companyName: string | null;
      department: string | null;
      jobTitle: string | null;
      mailNickname: string | null;
    }
  | {
      kind: "device";
      id: string;
      displayName: string;
      accountEnabled: boolean;
      deviceId: string;
      operatingSystem: string | null;
      operatingSystemVersion: string | null;
      trustType: string | null;
    }
  | {
      kind: "servicePrincipal";
      id: string;
      displayName: string;
      accountEnabled: boolean;
      appId: string;
      servicePrincipalType: string;
    };
export type EmulatedDirectoryObjectKind = EmulatedDirectoryObject["kind"];
export type EmulatedDirectoryObjectInput = {
  [K in EmulatedDirectoryObjectKind]: Partial<Extract<EmulatedDirectoryObject, { kind: K }>> &
    Pick<Extract<EmulatedDirectoryObject, { kind: K }>, "kind" | "displayName">;
}[EmulatedDirectoryObjectKind];

export type MemberType = "user" | "group" | EmulatedDirectoryObjectKind;

export interface EmulatedGroup {
  id: string;
  displayName: string;
  description: string | null;
  mail: string | null;
  mailEnabled: boolean;
  securityEnabled: boolean;
  groupTypes: string[];
  /** Direct members: user, group, contact, device or service principal ids, in insertion order. */
  members: Set<string>;
  version: number;
}

export interface EmulatedSecret {
  /** The secret's id (a GUID), which admins paste by mistake instead of the value. */
  id: string;
  value: string;
  expiresAt: string;
  /** The description typed when the secret was added (Graph's passwordCredentials displayName). */
  displayName?: string;
  /** When the secret was added (Graph's startDateTime); defaults to a fixed date in the past. */
  startDateTime?: string;
}

export interface EmulatedApp {
  clientId: string;
  displayName: string;
  secrets: EmulatedSecret[];
  /** Application permissions an admin consented to in this tenant. */
  roles: string[];
}

export interface MembershipChange {
  seq: number;
  groupId: string;
  memberId: string;
  memberType: MemberType;
  removed: boolean;
}

export type EmulatedUserInput = Partial<Omit<EmulatedUser, "version" | "purged" | "deletedDateTime">> &
  Pick<EmulatedUser, "displayName" | "userPrincipalName">;
export type EmulatedGroupInput = Partial<Omit<EmulatedGroup, "version" | "members">> &
  Pick<EmulatedGroup, "displayName"> & { members?: string[] };

export interface TenantSeed {
  tenantId: string;
  /** Verified domain, accepted in place of the tenant id in token URLs. */
  domain: string;
  apps: EmulatedApp[];
  users: EmulatedUserInput[];
  groups: EmulatedGroupInput[];
  /** Contacts, devices and service principals (default none); groups name them as members by id. */
  directoryObjects?: EmulatedDirectoryObjectInput[];
}

/** A group's members by type, each in insertion order; `others` are contacts, devices and service principals. */
export interface GroupMemberIds {
  users: string[];
  groups: string[];
  others: string[];
}

export class EmulatedTenant {
  readonly tenantId: string;
  readonly domain: string;
  readonly apps = new Map<string, EmulatedApp>();
  readonly users = new Map<string, EmulatedUser>();
  readonly groups = new Map<string, EmulatedGroup>();
  readonly directoryObjects = new Map<string, EmulatedDirectoryObject>();
  readonly membershipLog: MembershipChange[] = [];
  private seq = 0;
  /** Bumped by any change to membership or user liveness, so cached transitive lists know they are stale. */
  private revision = 0;
  private transitiveCache = new Map<string, { revision: number } & GroupMemberIds>();
  /** Told of every change after seeding: the emulator turns them into change notifications. */
  onChange?: (change: DirectoryChange) => void;

  constructor(seed: TenantSeed) {
    this.tenantId = seed.tenantId;
    this.domain = seed.domain;
    for (const app of seed.apps) this.apps.set(app.clientId, { ...app, roles: [...app.roles] });
    for (const user of seed.users) this.addUser(user);
    for (const object of seed.directoryObjects ?? []) this.addDirectoryObject(object);
    for (const group of seed.groups) this.addGroup(group);
    // Members may name groups seeded later, so link them once every object exists.
    for (const group of seed.groups) {
      const target = group.id ? this.groups.get(group.id) : undefined;
      for (const memberId of group.members ?? []) if (target) this.addMember(target.id, memberId);
    }
  }

  get currentSeq(): number {
    return this.seq;
  }

  private nextSeq(): number {
    this.seq += 1;
    this.revision += 1;
    return this.seq;
  }

  addUser(input: EmulatedUserInput): EmulatedUser {
    const user: EmulatedUser = {
      id: input.id ?? randomUUID(),
      displayName: input.displayName,
      givenName: input.givenName ?? null,
      surname: input.surname ?? null,
      mail: input.mail === undefined ? null : input.mail,
      userPrincipalName: input.userPrincipalName,
      accountEnabled: input.accountEnabled ?? true,
      userType: input.userType ?? "Member",
      otherMails: [...(input.otherMails ?? [])],
      department: input.department ?? null,
      jobTitle: input.jobTitle ?? null,
      companyName: input.companyName ?? null,
      officeLocation: input.officeLocation ?? null,
      employeeId: input.employeeId ?? null,
      deletedDateTime: null,
      purged: false,
      version: this.nextSeq(),
    };
    this.users.set(user.id, user);
    this.onChange?.({ kind: "user", id: user.id, changeType: "updated" });
    return user;
  }

  addDirectoryObject(input: EmulatedDirectoryObjectInput): EmulatedDirectoryObject {
    const id = input.id ?? randomUUID();
    let object: EmulatedDirectoryObject;
    switch (input.kind) {
      case "orgContact":
        object = {
          kind: "orgContact",
          id,
          displayName: input.displayName,
          mail: input.mail ?? null,
          givenName: input.givenName ?? null,
          surname: input.surname ?? null,
          companyName: input.companyName ?? null,
          department: input.department ?? null,
          jobTitle: input.jobTitle ?? null,
          mailNickname: input.mailNickname ?? null,
        };
        break;
      case "device":
        object = {
          kind: "device",
          id,
          displayName: input.displayName,
          accountEnabled: input.accountEnabled ?? true,
          deviceId: input.deviceId ?? randomUUID(),
          operatingSystem: input.operatingSystem ?? "Windows",
          operatingSystemVersion: input.operatingSystemVersion ?? null,
          trustType: input.trustType ?? "AzureAd",
        };
        break;
      case "servicePrincipal":
        object = {
          kind: "servicePrincipal",
          id,
          displayName: input.displayName,
          accountEnabled: input.accountEnabled ?? true,
          appId: input.appId ?? randomUUID(),
          servicePrincipalType: input.servicePrincipalType ?? "Application",
        };
        break;
    }
    this.nextSeq();
    this.directoryObjects.set(object.id, object);
    return object;
  }

  addGroup(input: EmulatedGroupInput): EmulatedGroup {
    const group: EmulatedGroup = {
      id: input.id ?? randomUUID(),
      displayName: input.displayName,
      description: input.description ?? null,
      mail: input.mail ?? null,
      mailEnabled: input.mailEnabled ?? false,
      securityEnabled: input.securityEnabled ?? true,
      groupTypes: input.groupTypes ?? [],
      members: new Set(),
      version: this.nextSeq(),
    };
    this.groups.set(group.id, group);
    this.onChange?.({ kind: "group", id: group.id, changeType: "updated" });
    return group;
  }

  /** A user that Graph would return (not soft-deleted, not purged). */
  liveUser(id: string): EmulatedUser | undefined {
    const user = this.users.get(id);
    return user && !user.deletedDateTime && !user.purged ? user : undefined;
  }

  memberType(id: string): MemberType | undefined {
    if (this.users.has(id)) return "user";
    if (this.groups.has(id)) return "group";
    return this.directoryObjects.get(id)?.kind;
  }

  addMember(groupId: string, memberId: string): boolean {
    const group = this.groups.get(groupId);
    const memberType = this.memberType(memberId);
    if (!group || !memberType || group.members.has(memberId)) return false;
    group.members.add(memberId);
    this.membershipLog.push({ seq: this.nextSeq(), groupId, memberId, memberType, removed: false });
    this.onChange?.({
      kind: "group",
      id: groupId,
      changeType: "updated",
      membersDelta: [{ id: memberId, removed: false }],
    });
    return true;
  }

  removeMember(groupId: string, memberId: string): boolean {
    const group = this.groups.get(groupId);
    const memberType = this.memberType(memberId);
    if (!group || !memberType || !group.members.delete(memberId)) return false;
    this.membershipLog.push({ seq: this.nextSeq(), groupId, memberId, memberType, removed: true });
    this.onChange?.({
      kind: "group",
      id: groupId,
      changeType: "updated",
      membersDelta: [{ id: memberId, removed: true }],
    });
    return true;
  }

  updateUser(id: string, changes: Partial<Omit<EmulatedUser, "id" | "version" | "purged">>): EmulatedUser | undefined {
    const user = this.users.get(id);
    if (!user || user.purged) return undefined;
    Object.assign(user, changes, { version: this.nextSeq() });
    // Graph says `updated` for a soft delete too; `deleted` only for a permanent one.
    this.onChange?.({ kind: "user", id, changeType: "updated" });
    return user;
  }

  updateGroup(id: string, changes: Partial<Pick<EmulatedGroup, "displayName" | "description" | "mail">>) {
    const group = this.groups.get(id);
    if (!group) return undefined;
    Object.assign(group, changes, { version: this.nextSeq() });
    this.onChange?.({ kind: "group", id, changeType: "updated" });
    return group;
  }

  /** Soft delete: the user leaves member lists but keeps its memberships for a restore (as reported of Entra). */
  softDeleteUser(id: string): EmulatedUser | undefined {
    return this.updateUser(id, { deletedDateTime: new Date().toISOString() });
  }

  restoreUser(id: string): EmulatedUser | undefined {
    const user = this.users.get(id);
    if (!user?.deletedDateTime || user.purged) return undefined;
    return this.updateUser(id, { deletedDateTime: null });
  }

  purgeUser(id: string): EmulatedUser | undefined {
    const user = this.users.get(id);
    if (!user || user.purged) return undefined;
    for (const group of this.groups.values()) if (group.members.has(id)) this.removeMember(group.id, id);
    user.purged = true;
    user.version = this.nextSeq();
    this.onChange?.({ kind: "user", id, changeType: "deleted" });
    return user;
  }

  /** Adds a client secret to an app registration, as "New client secret" in the Entra admin center does. */
  addAppSecret(clientId: string, secret: EmulatedSecret): EmulatedApp | undefined {
    const app = this.apps.get(clientId);
    if (!app) return undefined;
    app.secrets.push({ ...secret });
    return app;
  }

  setAppRoles(clientId: string, roles: string[]): EmulatedApp | undefined {
    const app = this.apps.get(clientId);
    if (!app) return undefined;
    app.roles = [...new Set(roles)];
    return app;
  }

  /** Direct members that Graph would list: live users, groups, contacts, devices and service principals. */
  directMembers(groupId: string): GroupMemberIds {
    const group = this.groups.get(groupId);
    const users: string[] = [];
    const groups: string[] = [];
    const others: string[] = [];
    for (const id of group?.members ?? []) {
      if (this.groups.has(id)) groups.push(id);
      else if (this.directoryObjects.has(id)) others.push(id);
      else if (this.liveUser(id)) users.push(id);
    }
    return { users, groups, others };
  }

  /**
   * The groups a user or group is a member of: directly, or also through nested groups (memberOf /
   * transitiveMemberOf). A visited set makes cycles harmless.
   */
  memberOf(memberId: string, transitive: boolean): string[] {
    const found = new Set<string>();
    const queue = [memberId];
    for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
      for (const group of this.groups.values()) {
        if (!group.members.has(next) || found.has(group.id)) continue;
        found.add(group.id);
        if (transitive) queue.push(group.id);
      }
    }
    found.delete(memberId);
    return [...found];
  }

  /** Flattened membership through nested groups; a visited set makes cycles harmless; each user once. */
  transitiveMembers(groupId: string): GroupMemberIds {
    const cached = this.transitiveCache.get(groupId);
    if (cached && cached.revision === this.revision) return cached;
    const users = new Set<string>();
    const groups = new Set<string>();
    const others = new Set<string>();
    const visited = new Set<string>([groupId]);
    const queue = [groupId];
    for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
      const direct = this.directMembers(next);
      for (const id of direct.users) users.add(id);
      for (const id of direct.others) others.add(id);
      for (const id of direct.groups) {
        if (id !== groupId) groups.add(id);
        if (!visited.has(id)) {
          visited.add(id);
          queue.push(id);
        }
      }
    }
    const result = { revision: this.revision, users: [...users], groups: [...groups], others: [...others] };
    this.transitiveCache.set(groupId, result);
    return result;
  }
}
