// Graph user and group objects → the engine's DirectoryUser / DirectoryGroup.
import type { DirectoryGroup, DirectoryUser } from "@techsync/sync-core";

/**
 * Exactly the fields DirectoryUser needs. accountEnabled (and the filter attributes department,
 * companyName, employeeId) are only returned when selected.
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
}

export interface GraphGroupObject {
  id: string;
  displayName?: string | null;
  description?: string | null;
  mail?: string | null;
}

export function isGraphUser(item: { "@odata.type"?: string }): boolean {
  // The cast returns users only; the type annotation may be absent there, so only a different type excludes.
  return item["@odata.type"] === undefined || item["@odata.type"] === "#microsoft.graph.user";
}

export function toDirectoryUser(user: GraphUserObject): DirectoryUser {
  return {
    id: user.id,
    displayName: user.displayName ?? null,
    givenName: user.givenName ?? null,
    surname: user.surname ?? null,
    mail: user.mail ?? null,
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
