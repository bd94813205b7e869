// What a proposed change of the mappings does to who belongs to which one: for each user in scope before, the
// mapping that held them first (their priority, rule 8) before and after. A user whose first mapping changes to
// another stays in their Rescue group (rule 7: never moved back); one who leaves every scope is disabled (rule 6),
// which the proposed plan already shows. Pure, for an estimate run.
import type { GroupMapping } from "../domain";
import type { DirectorySnapshot, ScopeChange } from "../plan";
import { scopeUsers } from "./scope";

export interface CompareScopesInput {
  before: readonly GroupMapping[];
  after: readonly GroupMapping[];
  /** Members per mapping id, for the mappings of both sides. */
  directory: DirectorySnapshot;
  includeGuests: boolean;
  isTechnicianGroup: (nodeId: number) => boolean;
  /** Users with a technician already (a link). */
  linked: (entraUserId: string) => boolean;
}

/** Users whose first mapping differs after the change, by Entra user id. */
export function compareScopes(input: CompareScopesInput): ScopeChange[] {
  const common = {
    directory: input.directory,
    includeGuests: input.includeGuests,
    isTechnicianGroup: input.isTechnicianGroup,
  };
  const before = scopeUsers({ ...common, mappings: input.before });
  const after = scopeUsers({ ...common, mappings: input.after });
  const changes: ScopeChange[] = [];
  for (const [id, entry] of before.entries) {
    const next = after.entries.get(id);
    if (next?.firstMapping.id === entry.firstMapping.id) continue;
    changes.push({
      entraUserId: id,
      displayName: entry.user.displayName || entry.user.mail || entry.user.userPrincipalName,
      fromMappingId: entry.firstMapping.id,
      toMappingId: next?.firstMapping.id ?? null,
      linked: input.linked(id),
    });
  }
  for (const [id, entry] of after.entries) {
    if (before.entries.has(id)) continue;
    changes.push({
      entraUserId: id,
      displayName: entry.user.displayName || entry.user.mail || entry.user.userPrincipalName,
      fromMappingId: null,
      toMappingId: entry.firstMapping.id,
      linked: input.linked(id),
    });
  }
  return changes.sort((a, b) => (a.entraUserId < b.entraUserId ? -1 : a.entraUserId > b.entraUserId ? 1 : 0));
}
