// The API lists Rescue technician groups flat, with parent ids; the picker draws them as a tree.
import type { RescueGroup } from "../api/api-types";

export interface RescueGroupNode {
  group: RescueGroup;
  children: RescueGroupNode[];
}

/** Roots are groups whose parent is not a listed technician group; siblings sorted by name. */
export function buildRescueGroupTree(groups: readonly RescueGroup[]): RescueGroupNode[] {
  const nodes = new Map(groups.map((group) => [group.id, { group, children: [] as RescueGroupNode[] }]));
  const roots: RescueGroupNode[] = [];
  for (const node of nodes.values()) {
    const parent = node.group.parentId ? nodes.get(node.group.parentId) : undefined;
    if (parent && parent !== node) parent.children.push(node);
    else roots.push(node);
  }
  const byName = (a: RescueGroupNode, b: RescueGroupNode) => a.group.name.localeCompare(b.group.name);
  const sort = (list: RescueGroupNode[]) => {
    list.sort(byName);
    for (const node of list) sort(node.children);
  };
  sort(roots);
  return roots;
}

/** "Field Engineers › North" */
export function rescueGroupLabel(group: Pick<RescueGroup, "name" | "path">): string {
  return group.path.length ? group.path.join(" › ") : group.name;
}
