// An estimate run (a dry run with a proposal) plans with the proposed change of the pairs applied to the saved ones;
// nothing here writes: the saved pairs stay as they are until the person confirms the change.
import { type MappingProposal, ZMappingProposal } from "@techsync/api-contract";
import type { GroupMapping } from "@techsync/sync-core";

/** The id a proposed new pair plans under (it has no row yet). */
export const PROPOSED_MAPPING_ID = "proposed";

/** The stored proposal, or null when the run has none; a proposal that no longer parses is refused. */
export function proposalOf(stored: unknown): MappingProposal | null {
  if (stored === null || stored === undefined) return null;
  return ZMappingProposal.parse(stored);
}

/**
 * The pairs as they would be after the proposal, lowest priority number first. Throws when the proposal names a
 * pair that no longer exists (someone removed it meanwhile): the estimate would be of nothing.
 */
export function applyProposal(mappings: readonly GroupMapping[], proposal: MappingProposal): GroupMapping[] {
  if (proposal.change === "add") {
    const added: GroupMapping = {
      id: PROPOSED_MAPPING_ID,
      entraGroupId: proposal.entraGroupId,
      entraGroupName: proposal.entraGroupName,
      rescueGroupId: proposal.rescueGroupId,
      priority: proposal.priority,
      transitive: proposal.transitive,
      filter: proposal.filter,
      ...(proposal.conditions ? { conditions: proposal.conditions } : {}),
    };
    return byPriority([...mappings, added]);
  }
  if (proposal.change === "reorder") {
    const rank = new Map(proposal.order.map((id, index) => [id, index + 1]));
    if (mappings.some((m) => !rank.has(m.id)) || rank.size !== mappings.length) {
      throw new Error("The pairs changed since this order was made (one was added or removed).");
    }
    return byPriority(mappings.map((m) => ({ ...m, priority: rank.get(m.id)! })));
  }
  if (!mappings.some((m) => m.id === proposal.mappingId)) {
    throw new Error("The pair this estimate is about no longer exists.");
  }
  if (proposal.change === "remove") return mappings.filter((m) => m.id !== proposal.mappingId);
  return byPriority(
    mappings.map((m) =>
      m.id === proposal.mappingId
        ? {
            ...m,
            ...(proposal.priority !== undefined ? { priority: proposal.priority } : {}),
            // A new filter or new conditions replace whatever filtered before (both forms).
            ...(proposal.filter !== undefined ? { filter: proposal.filter, conditions: null } : {}),
            ...(proposal.conditions !== undefined ? { filter: null, conditions: proposal.conditions } : {}),
            ...(proposal.transitive !== undefined ? { transitive: proposal.transitive } : {}),
            ...(proposal.rescueGroupId !== undefined ? { rescueGroupId: proposal.rescueGroupId } : {}),
          }
        : m,
    ),
  );
}

function byPriority(mappings: GroupMapping[]): GroupMapping[] {
  return mappings.sort((a, b) => a.priority - b.priority || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
