// Graph user and group objects → the engine's DirectoryUser / DirectoryGroup.
import {
  type DirectoryGroup,
  type DirectoryUser,
  isExternalUserPrincipalName,
  type SkippedDirectoryMember,
  type SkippedMemberKind,
} from "@techsync/sync-core";

/**
 * Exactly the fields DirectoryUser needs. accountEnabled, userType, otherMails (and the filter attributes
 * department, companyName, employeeId) are only returned when selected. Read from a member list of mixed
 * types, each non-user keeps only the selected properties its type has (a device: displayName, accountEnabled).
 */
export const USER_SELECT = [
  "id",
  "displayName",
  "givenName",
  "surname",
  "mail",
  "userPrincipalName",
  "accountEnabled",
  "department",
  "jobTitle",
  "companyName",
  "officeLocation",
  "employeeId",
  "userType",
  "otherMails",
] as const;

export const GROUP_SELECT = ["id", "displayName", "description", "mail"] as const;

export interface GraphUserObject {
  "@odata.type"?: string;
  id: string;
  displayName?: string | null;
  givenName?: string | null;
  surname?: string | null;
  mail?: string | null;
  userPrincipalName?: string | null;
  accountEnabled?: boolean | null;
  department?: string | null;
  jobTitle?: string | null;
  companyName?: string | null;
  officeLocation?: string | null;
  employeeId?: string | null;
  /** "Member" or "Guest"; null on some old accounts. */
  userType?: string | null;
  otherMails?: string[] | null;
}

export interface GraphGroupObject {
  id: string;
  displayName?: string | null;
  description?: string | null;
  mail?: string | null;
}

/** A guest by its userType; where Graph gives none (old accounts), an #EXT# user principal name says guest. */
function isGuest(user: GraphUserObject): boolean {
  if (user.userType) return user.userType.toLowerCase() === "guest";
  return isExternalUserPrincipalName(user.userPrincipalName);
}

const ADDRESS_SHAPE = /^[^\s@#]+@[^\s@]+\.[^\s@]+$/;

/**
 * The user's email: `mail`. A guest (or an account signed in with an #EXT# name) without one is often still
 * reachable at the address it was invited with, kept in `otherMails`. A member's otherMails are recovery
 * addresses (often private), so they are never used. Nothing here ever derives an address from an #EXT# name.
 */
function emailOf(user: GraphUserObject, guest: boolean): string | null {
  if (user.mail) return user.mail;
  if (!guest && !isExternalUserPrincipalName(user.userPrincipalName)) return null;
  return user.otherMails?.find((address) => ADDRESS_SHAPE.test(address.trim()))?.trim() ?? null;
}

export function toDirectoryUser(user: GraphUserObject): DirectoryUser {
  const guest = isGuest(user);
  return {
    id: user.id,
    userType: guest ? "guest" : "member",
    displayName: user.displayName ?? null,
    givenName: user.givenName ?? null,
    surname: user.surname ?? null,
    mail: emailOf(user, guest),
    userPrincipalName: user.userPrincipalName ?? "",
    // Graph omits accountEnabled when the app cannot read it; treat unknown as enabled rather than disabling people.
    accountEnabled: user.accountEnabled !== false,
    department: user.department ?? null,
    jobTitle: user.jobTitle ?? null,
    companyName: user.companyName ?? null,
    officeLocation: user.officeLocation ?? null,
    employeeId: user.employeeId ?? null,
  };
}

export function toDirectoryGroup(group: GraphGroupObject): DirectoryGroup {
  return {
    id: group.id,
    displayName: group.displayName ?? "",
    description: group.description ?? null,
    mail: group.mail ?? null,
  };
}

/** Any member of a group as a member list returns it: a user, a group, a contact, a device, an app, … */
export interface GraphMemberObject extends GraphUserObject {
  "@odata.type"?: string;
}

const NON_USER_KINDS: Record<string, SkippedMemberKind> = {
  "#microsoft.graph.orgContact": "orgContact",
  "#microsoft.graph.device": "device",
  "#microsoft.graph.servicePrincipal": "servicePrincipal",
};

export type ClassifiedMember =
  | { kind: "user"; user: DirectoryUser }
  | { kind: "skipped"; member: SkippedDirectoryMember }
  /** A nested group in a transitive list: its members are in the list themselves. */
  | { kind: "ignored" };

/** What one entry of /members or /transitiveMembers is to the engine. */
export function classifyMember(item: GraphMemberObject, options: { transitive: boolean }): ClassifiedMember {
  const type = item["@odata.type"];
  // A user cast may leave the annotation out; a plain list always carries it.
  if (type === undefined || type === "#microsoft.graph.user") return { kind: "user", user: toDirectoryUser(item) };
  const displayName = item.displayName ?? null;
  if (type === "#microsoft.graph.group") {
    if (options.transitive) return { kind: "ignored" };
    return { kind: "skipped", member: { id: item.id, kind: "group", displayName, reason: "nested-group-not-read" } };
  }
  return {
    kind: "skipped",
    member: { id: item.id, kind: NON_USER_KINDS[type] ?? "other", displayName, reason: "not-a-user" },
  };
}
