import type { DirectorySource } from "./ports";

/** Most groups looked up while naming one path: a deep or wide nesting is named partly rather than read whole. */
const MAX_LOOKUPS = 100;

/**
 * The nested groups between a user and a group that holds it transitively, the user's own group first (empty for a
 * direct member), by walking memberOf upwards breadth first: the shortest path. Null when the source cannot say (no
 * memberOf, or not found within the bound). Only words for a person: no decision depends on it.
 */
export async function membershipPath(
  directory: Pick<DirectorySource, "groupsHolding">,
  userId: string,
  groupId: string,
): Promise<string[] | null> {
  const holding = directory.groupsHolding?.bind(directory);
  if (!holding) return null;
  const cameFrom = new Map<string, { parent: string | null; name: string }>();
  let frontier: { id: string; name: string }[] = [{ id: userId, name: "" }];
  let lookups = 0;
  while (frontier.length > 0 && lookups < MAX_LOOKUPS) {
    const next: { id: string; name: string }[] = [];
    for (const node of frontier) {
      if (lookups >= MAX_LOOKUPS) break;
      lookups += 1;
      for (const group of await holding(node.id, node.id === userId ? "user" : "group")) {
        if (cameFrom.has(group.id) || group.id === userId) continue;
        cameFrom.set(group.id, { parent: node.id === userId ? null : node.id, name: group.displayName });
        if (group.id === groupId) {
          const path: string[] = [];
          for (let at = cameFrom.get(groupId)?.parent ?? null; at !== null; at = cameFrom.get(at)?.parent ?? null) {
            path.unshift(cameFrom.get(at)?.name ?? at);
          }
          return path;
        }
        next.push({ id: group.id, name: group.displayName });
      }
    }
    frontier = next;
  }
  return null;
}
