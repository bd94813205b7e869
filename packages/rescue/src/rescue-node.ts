import type { RescueNode, RescueNodeKind, TechnicianStatus } from "@techsync/sync-core";

const KINDS: Record<string, RescueNodeKind> = {
  root: "root",
  masteradministrators: "masterAdministrators",
  administrators: "administrators",
  technicians: "technicians",
  administratorgroup: "administratorGroup",
  techniciangroup: "technicianGroup",
  pseudogroup: "pseudoGroup",
  masteradministrator: "masterAdministrator",
  administrator: "administrator",
  technician: "technician",
  administratorlink: "administratorLink",
  administratorgrouplink: "administratorGroupLink",
  channel: "channel",
};

/** getHierarchy_v2 `Type` (any case; the SOAP enum's `MasterAdministrator(s)` too) → the domain's node kind. */
export function nodeKindOf(type: string | undefined): RescueNodeKind {
  return KINDS[(type ?? "").replace(/[\s_]/g, "").toLowerCase()] ?? "unknown";
}

/** Rescue shows presence (Online, Offline, Busy, Away) for enabled users and never "Enabled"; only Disabled is off. */
export function technicianStatusOf(status: string | undefined): TechnicianStatus {
  return (status ?? "").trim().toLowerCase() === "disabled" ? "disabled" : "enabled";
}

function nodeIdOf(raw: string | undefined): number | null {
  const id = Number(raw);
  return raw !== undefined && raw.trim() !== "" && Number.isInteger(id) && id > 0 ? id : null;
}

/** One getHierarchy_v2 block (`NodeID`, `ParentID`, `Name`, `Email`, `Description`, `Status`, `Type`). */
export function rescueNodeOf(block: Record<string, string>): RescueNode | undefined {
  const id = nodeIdOf(block.nodeid);
  if (id === null) return undefined;
  const email = block.email?.trim();
  return {
    id,
    parentId: nodeIdOf(block.parentid),
    kind: nodeKindOf(block.type),
    name: block.name ?? "",
    email: email ? email : null,
    status: technicianStatusOf(block.status),
  };
}
