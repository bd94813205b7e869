// The Rescue organisation's technician groups as a flat list with parent ids, so the portal draws the tree.
import type { RescueNode } from "@techsync/sync-core";

export interface RescueTechnicianGroup {
  id: number;
  /** The nearest technician group above, or null at the top. */
  parentId: number | null;
  name: string;
  /** Names from the top technician group down to this one. */
  path: string[];
}

export function technicianGroupsOf(tree: readonly RescueNode[]): RescueTechnicianGroup[] {
  const byId = new Map(tree.map((node) => [node.id, node]));
  const groups: RescueTechnicianGroup[] = [];
  for (const node of tree) {
    if (node.kind !== "technicianGroup") continue;
    const path = [node.name];
    let parentId: number | null = null;
    const seen = new Set([node.id]);
    for (let up = node.parentId === null ? undefined : byId.get(node.parentId); up && !seen.has(up.id); ) {
      seen.add(up.id);
      if (up.kind === "technicianGroup") {
        parentId ??= up.id;
        path.unshift(up.name);
      }
      up = up.parentId === null ? undefined : byId.get(up.parentId);
    }
    groups.push({ id: node.id, parentId, name: node.name, path });
  }
  return groups;
}
