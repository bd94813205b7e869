import type { DirectoryUser, GroupMapping, RescueNode, TechnicianFields } from "../domain";
import type { DirectorySnapshot } from "../plan";

/** An enabled Entra user with every default-mapped attribute filled from its id. */
export function directoryUser(id: string, overrides: Partial<DirectoryUser> = {}): DirectoryUser {
  return {
    id,
    displayName: `User ${id}`,
    givenName: `Given${id}`,
    surname: "Doe",
    mail: `${id}@example.com`,
    userPrincipalName: `${id}@corp.example.com`,
    accountEnabled: true,
    ...overrides,
  };
}

/** The technician fields the default attribute mapping derives from directoryUser(id). */
export function defaultFields(user: DirectoryUser): TechnicianFields {
  return {
    name: user.displayName ?? "",
    nick: user.givenName ?? "",
    email: user.mail ?? user.userPrincipalName,
    ssoId: user.userPrincipalName,
  };
}

export function rescueTree(technicianGroupIds: readonly number[], extra: readonly RescueNode[] = []): RescueNode[] {
  return [
    { id: 1, parentId: null, kind: "root", name: "Root", status: "enabled" },
    { id: 2, parentId: 1, kind: "masterAdministrators", name: "Master Administrators", status: "enabled" },
    { id: 3, parentId: 1, kind: "administrators", name: "Administrators", status: "enabled" },
    { id: 4, parentId: 1, kind: "technicians", name: "Technicians", status: "enabled" },
    ...technicianGroupIds.map(
      (id): RescueNode => ({ id, parentId: 4, kind: "technicianGroup", name: `Group ${id}`, status: "enabled" }),
    ),
    ...extra,
  ];
}

/** A technician as getHierarchy_v2 shows it: name and email, no nick or SSO id. */
export function technicianNode(
  id: number,
  parentId: number,
  fields: Pick<TechnicianFields, "name" | "email">,
  overrides: Partial<RescueNode> = {},
): RescueNode {
  return { id, parentId, kind: "technician", status: "enabled", ...fields, ...overrides };
}

export function administratorNode(id: number, email: string): RescueNode {
  return { id, parentId: 3, kind: "administrator", name: `Admin ${id}`, email, status: "enabled" };
}

export function groupMapping(
  id: string,
  entraGroupId: string,
  rescueGroupId: number,
  overrides: Partial<GroupMapping> = {},
): GroupMapping {
  return { id, entraGroupId, rescueGroupId, priority: 10, transitive: true, ...overrides };
}

export function directorySnapshot(members: Record<string, readonly DirectoryUser[]>): DirectorySnapshot {
  return new Map(Object.entries(members));
}
