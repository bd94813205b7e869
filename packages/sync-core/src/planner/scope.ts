// Phase 1 of the planner: who is in scope of which mapping (rule 1), and which mapping creates them (rule 8).
import type { DirectoryUser, GroupMapping } from "../domain";
import type {
  DirectorySnapshot,
  PlanWarning,
  SkippedDirectoryMember,
  SkippedMemberSnapshot,
  SkippedMembers,
} from "../plan";
import { conditionsOf, matchConditions } from "./match-filter";
import { SkippedMemberTallies, skippedMembersOf } from "./tally-skipped-members";

const compareStrings = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export interface ScopeEntry {
  user: DirectoryUser;
  /** The first mapping (by priority) whose scope holds the user. */
  firstMapping: GroupMapping;
  /** rule 8: the lowest-priority-number mapping whose Rescue group exists; new technicians go there. */
  createIn: GroupMapping | undefined;
  /** Every mapping whose scope holds the user, in priority order (the per-pair summary counts what each loses). */
  mappings: GroupMapping[];
}

/** A member of a mapped group that no mapping took in, and why (the cause of a disable, if it is linked). */
export interface ExcludedMember {
  mapping: GroupMapping;
  why: "filter" | "guest";
}

/** Per mapping: users read and users in scope. */
export interface MappingTally {
  members: number;
  inScope: number;
}

export interface ScopeInput {
  mappings: readonly GroupMapping[];
  directory: DirectorySnapshot;
  skippedMembers?: SkippedMemberSnapshot | undefined;
  includeGuests: boolean;
  /** Whether a Rescue node is a technician group (a mapping whose group is missing creates nobody). */
  isTechnicianGroup: (nodeId: number) => boolean;
}

export interface Scope {
  /** The mappings, lowest priority number first, ties by id (rule 8). */
  mappings: GroupMapping[];
  /** Every user in scope of at least one mapping, by Entra user id. */
  entries: Map<string, ScopeEntry>;
  /** Members passed over, per mapping id: the source's skips and guests when the tenant has not opted in (rule 1). */
  skipped: Map<string, SkippedMemberTallies>;
  /** Members of mapped groups left out by every mapping holding them (filters, guests), by Entra user id. */
  excluded: Map<string, ExcludedMember[]>;
  /** Users read and in scope per mapping id. */
  tallies: Map<string, MappingTally>;
  warnings: PlanWarning[];
}

/** How a mapping's Entra group is named in a sentence. */
export function groupLabel(mapping: GroupMapping): string {
  return mapping.entraGroupName ? `"${mapping.entraGroupName}"` : `Entra group ${mapping.entraGroupId}`;
}

/** How a skipped user is named in the plan: a guest by the address people know them by. */
function skippedUserLabel(user: DirectoryUser): string {
  return user.mail || user.displayName || user.userPrincipalName;
}

function talliesIn(skipped: Map<string, SkippedMemberTallies>, mappingId: string): SkippedMemberTallies {
  let tallies = skipped.get(mappingId);
  if (!tallies) {
    tallies = new SkippedMemberTallies();
    skipped.set(mappingId, tallies);
  }
  return tallies;
}

/**
 * rule 1: a member of a mapping's group who passes its filter is in scope (guests only when the tenant opted in);
 * rule 8: mappings are read lowest priority number first, so a user's `createIn` is the first one whose group exists.
 * Throws when a mapping's members were not read: they would read as "everyone left" and disable them all (rule 6).
 */
export function scopeUsers(input: ScopeInput): Scope {
  const mappings = [...input.mappings].sort((a, b) => a.priority - b.priority || compareStrings(a.id, b.id));
  const entries = new Map<string, ScopeEntry>();
  const skipped = new Map<string, SkippedMemberTallies>();
  const excluded = new Map<string, ExcludedMember[]>();
  const tallies = new Map<string, MappingTally>();
  const warnings: PlanWarning[] = [];
  const exclude = (userId: string, member: ExcludedMember) => {
    const list = excluded.get(userId);
    if (list) list.push(member);
    else excluded.set(userId, [member]);
  };
  for (const mapping of mappings) {
    const members = input.directory.get(mapping.id);
    if (!members) {
      throw new Error(`planRun: the directory snapshot has no members for mapping ${mapping.id}`);
    }
    const groupExists = input.isTechnicianGroup(mapping.rescueGroupId);
    if (!groupExists) {
      // A real run fails exactly the creates that target it (the executor), and goes on with everything else.
      warnings.push({
        code: "rescue-group-missing",
        mappingId: mapping.id,
        message: `Rescue group ${mapping.rescueGroupId}, mapped from ${groupLabel(mapping)}, is not a technician group in Rescue any more (deleted or changed after it was mapped): nobody can be created there`,
      });
    }
    const sourceSkipped = input.skippedMembers?.get(mapping.id);
    if (sourceSkipped && sourceSkipped.length > 0) talliesIn(skipped, mapping.id).merge(sourceSkipped);
    if (members.length === 0 && !sourceSkipped?.length) {
      warnings.push({
        code: "empty-entra-group",
        mappingId: mapping.id,
        message: `${groupLabel(mapping)} has no members: this pair brings nobody`,
      });
    }
    const tally: MappingTally = { members: members.length, inScope: 0 };
    tallies.set(mapping.id, tally);
    const conditions = conditionsOf(mapping);
    // Indexed: for…of allocates an iterator result per member until the optimiser catches up.
    for (let i = 0; i < members.length; i += 1) {
      const user = members[i]!;
      if (!matchConditions(user, conditions)) {
        exclude(user.id, { mapping, why: "filter" });
        continue;
      }
      if (user.userType === "guest" && !input.includeGuests) {
        talliesIn(skipped, mapping.id).add({
          id: user.id,
          kind: "guest",
          displayName: skippedUserLabel(user),
          reason: "guests-not-included",
        });
        exclude(user.id, { mapping, why: "guest" });
        continue;
      }
      tally.inScope += 1;
      const entry = entries.get(user.id);
      if (!entry) {
        entries.set(user.id, {
          user,
          firstMapping: mapping,
          createIn: groupExists ? mapping : undefined,
          mappings: [mapping],
        });
      } else {
        // The same user read twice for one mapping (a nested group) counts once.
        if (entry.mappings[entry.mappings.length - 1] !== mapping) entry.mappings.push(mapping);
        else tally.inScope -= 1;
        if (!entry.createIn && groupExists) entry.createIn = mapping;
      }
    }
  }
  for (const id of entries.keys()) excluded.delete(id);
  return { mappings, entries, skipped, excluded, tallies, warnings };
}

/** A member found unusable after scoping (no usable email), to be tallied under the mapping that first held it. */
export interface LateSkip {
  mappingId: string;
  member: Pick<SkippedDirectoryMember, "id" | "kind" | "displayName" | "reason">;
}

/**
 * rule 1: the plan's skipped members, per mapping in priority order: the scope's tallies plus the members a later
 * phase found unusable. Builds fresh tallies; the scope's are left as they are.
 */
export function skippedMembersOfRun(
  scope: Pick<Scope, "mappings" | "skipped">,
  lateSkips: readonly LateSkip[],
): SkippedMembers[] {
  const tallies = new Map<string, SkippedMemberTallies>();
  for (const [mappingId, early] of scope.skipped) {
    const copy = new SkippedMemberTallies();
    copy.merge(early.toArray());
    tallies.set(mappingId, copy);
  }
  for (const { mappingId, member } of lateSkips) talliesIn(tallies, mappingId).add(member);
  const result: SkippedMembers[] = [];
  for (const mapping of scope.mappings) {
    const mine = tallies.get(mapping.id);
    if (mine) result.push(...skippedMembersOf(mapping, mine));
  }
  return result;
}
