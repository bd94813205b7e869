// What a proposed change of the pairs would do, in words, from its estimate run (a preview planned with the change,
// never saved): who would be disabled, whose pair would change, who would be created or enabled.
import type { SyncAction, SyncRun } from "../api/api-types";
import type { actionKinds } from "../runs/run-words";

export interface ChangeEstimate {
  /** estimated: from a finished preview; not_needed: no run was needed; unavailable: none could be made now. */
  outcome: "estimated" | "not_needed" | "unavailable";
  summary: string;
  /** Technicians that would be disabled ("Name (email)"), the first ones, and how many in all. */
  disables: string[];
  disableCount: number;
  /** Users whose pair would change to another: their technician stays in its Rescue group (rule 7). */
  moves: { name: string; to: string }[];
  moveCount: number;
  /** The estimate run, for a link to it. */
  runId?: string;
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** How an estimate run's plan reads: `change` is what the person is doing ("Removing Helpdesk → Tier 1"). */
export function describeEstimate(
  change: string,
  run: Pick<SyncRun, "id" | "counts" | "report">,
  disables: readonly Pick<SyncAction, "displayName" | "email" | "entraUserId">[],
  mappingNames: Record<string, string>,
): ChangeEstimate {
  const counts = run.counts;
  const planned = (kind: (typeof actionKinds)[number]) => (counts ? counts[kind].planned : 0);
  const disableCount = Math.max(planned("disable"), disables.length);
  const scopeChanges = run.report?.scopeChanges ?? [];
  const moved = scopeChanges.filter((c) => c.fromMappingId !== null && c.toMappingId !== null && c.linked);
  const moves = moved.map((c) => ({
    name: c.displayName,
    to: mappingNames[c.toMappingId ?? ""] ?? "a new pair",
  }));
  const byPair = new Map<string, number>();
  for (const move of moves) byPair.set(move.to, (byPair.get(move.to) ?? 0) + 1);
  const parts: string[] = [];
  if (disableCount > 0) parts.push(`disable ${plural(disableCount, "technician", "technicians")}`);
  for (const [pair, n] of byPair) parts.push(`move ${plural(n, "user", "users")} to the pair “${pair}”`);
  const creates = planned("create") + planned("adopt");
  if (creates > 0) parts.push(`add ${plural(creates, "technician", "technicians")}`);
  if (planned("enable") > 0) parts.push(`enable ${plural(planned("enable"), "technician", "technicians")}`);
  let summary =
    parts.length === 0
      ? `${change} would change nothing for anyone.`
      : `${change} would ${parts.slice(0, -1).join(", ")}${parts.length > 1 ? " and " : ""}${parts.at(-1)}.`;
  if (moves.length > 0) summary += " Moved users' technicians stay in their Rescue group (rule 7).";
  return {
    outcome: "estimated",
    summary,
    disables: disables.map((a) => {
      const name = a.displayName ?? `Entra user ${a.entraUserId ?? "?"}`;
      return a.email ? `${name} (${a.email})` : name;
    }),
    disableCount,
    moves,
    moveCount: moves.length,
    runId: run.id,
  };
}

/** An estimate that could not be made, or was not needed: the reason, nothing listed. */
export function estimateWithout(outcome: "not_needed" | "unavailable", summary: string): ChangeEstimate {
  return { outcome, summary, disables: [], disableCount: 0, moves: [], moveCount: 0 };
}
