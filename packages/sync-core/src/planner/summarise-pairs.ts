// What each mapping (pair) brings, for a person judging a plan: users in scope, what is done for them, the users
// a higher-priority pair takes, and a pair that catches nobody.
import type { PairSummary, SyncAction } from "../plan";
import { describePair, pairRef, rescueGroupRef } from "./describe-cause";
import type { RescueIndex } from "./match";
import type { Scope } from "./scope";

/**
 * One summary per mapping, in priority order. Users count under the pair that owns them (rule 8: `createIn`, else
 * the first pair holding them); every action of a user in scope counts under that pair. Disables of users out of
 * every scope belong to no pair and are not counted here (the plan's counts have them).
 */
export function summarisePairs(
  scope: Pick<Scope, "mappings" | "entries" | "tallies">,
  actions: readonly SyncAction[],
  index: Pick<RescueIndex, "nodes">,
): PairSummary[] {
  const summaries = new Map<string, PairSummary>();
  const lost = new Map<string, Map<string, number>>();
  for (const mapping of scope.mappings) {
    const tally = scope.tallies.get(mapping.id);
    summaries.set(mapping.id, {
      ...pairRef(mapping),
      rescueGroup: rescueGroupRef(index.nodes, mapping.rescueGroupId)!,
      members: tally?.members ?? 0,
      inScope: tally?.inScope ?? 0,
      owned: 0,
      create: 0,
      adopt: 0,
      update: 0,
      enable: 0,
      disable: 0,
      lostTo: [],
    });
    lost.set(mapping.id, new Map());
  }
  // forEach and an indexed loop: iterators would allocate a result per user until the optimiser catches up.
  scope.entries.forEach((entry) => {
    const owner = entry.createIn ?? entry.firstMapping;
    summaries.get(owner.id)!.owned += 1;
    for (let i = 0; i < entry.mappings.length; i += 1) {
      const mapping = entry.mappings[i]!;
      if (mapping.id === owner.id) continue;
      const takers = lost.get(mapping.id)!;
      takers.set(owner.id, (takers.get(owner.id) ?? 0) + 1);
    }
  });
  for (const action of actions) {
    const entry = scope.entries.get(action.entraUserId);
    if (!entry) continue;
    summaries.get((entry.createIn ?? entry.firstMapping).id)![action.kind] += 1;
  }
  const byId = new Map(scope.mappings.map((mapping) => [mapping.id, mapping]));
  for (const mapping of scope.mappings) {
    const summary = summaries.get(mapping.id)!;
    const takers = [...lost.get(mapping.id)!].map(([id, count]) => ({ mapping: byId.get(id)!, count }));
    takers.sort((a, b) => a.mapping.priority - b.mapping.priority || (a.mapping.id < b.mapping.id ? -1 : 1));
    summary.lostTo = takers.map(({ mapping: taker, count }) => ({
      mappingId: taker.id,
      priority: taker.priority,
      count,
    }));
    if (summary.owned === 0 && summary.inScope > 0) {
      summary.catchesNobody = {
        takenBy: takers.map(({ mapping: taker }) => taker.id),
        message: `Catches nobody: all its users are taken by ${takers.map(({ mapping: taker }) => describePair(taker)).join(" and ")}`,
      };
    }
  }
  return [...summaries.values()];
}
