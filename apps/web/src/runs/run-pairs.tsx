// What each pair (mapping) of a run brings, in priority order, so a person can judge a preview: who lands in which
// Rescue group, what is done for them, the users a higher-priority pair takes, and a pair that catches nobody.
import type { SyncRun } from "../api/api-types";

type Pair = NonNullable<NonNullable<SyncRun["report"]>["pairs"]>[number];

function rescueGroupLabel(group: Pair["rescueGroup"]): string {
  return group.name === null ? `Group ${group.id} (no longer in Rescue)` : group.name;
}

/** "26 to priority 10": the users of this pair's scope that higher-priority pairs own. */
export function lostToLabel(pair: Pick<Pair, "lostTo">, names: Record<string, string> = {}): string {
  if (pair.lostTo.length === 0) return "—";
  return pair.lostTo.map((l) => `${l.count} to ${names[l.mappingId] ?? `priority ${l.priority}`}`).join(", ");
}

export function RunPairs({ run }: { run: Pick<SyncRun, "report" | "dryRun"> }) {
  const pairs = run.report?.pairs ?? [];
  if (pairs.length === 0) return null;
  const names = Object.fromEntries(
    pairs.map((p) => [p.mappingId, `"${p.entraGroupName ?? p.entraGroupId}" (priority ${p.priority})`]),
  );
  return (
    <section aria-labelledby="pairs-heading">
      <h2 id="pairs-heading">What each pair brings</h2>
      <p className="hint">
        Pairs in priority order. A user in several pairs belongs to the first one whose Rescue group exists.
      </p>
      <div className="table-wrap">
        <table className="responsive" data-testid="run-pairs">
          <caption className="sr-only">Per-pair summary</caption>
          <thead>
            <tr>
              <th scope="col">Priority</th>
              <th scope="col">Entra group → Rescue group</th>
              <th scope="col">In scope</th>
              <th scope="col">{run.dryRun ? "Will be created" : "Created"}</th>
              <th scope="col">Linked</th>
              <th scope="col">Updated</th>
              <th scope="col">Enabled</th>
              <th scope="col">Disabled</th>
              <th scope="col">Taken by a higher pair</th>
            </tr>
          </thead>
          <tbody>
            {pairs.map((pair) => (
              <tr key={pair.mappingId} data-mapping-id={pair.mappingId}>
                <td data-label="Priority">{pair.priority}</td>
                <td data-label="Entra group → Rescue group">
                  {pair.entraGroupName ?? pair.entraGroupId} → {rescueGroupLabel(pair.rescueGroup)}
                  {pair.catchesNobody ? <p className="error-text">{pair.catchesNobody.message}</p> : null}
                </td>
                <td data-label="In scope">
                  {pair.inScope} <span className="hint">of {pair.members}</span>
                </td>
                <td data-label={run.dryRun ? "Will be created" : "Created"}>{pair.create}</td>
                <td data-label="Linked">{pair.adopt}</td>
                <td data-label="Updated">{pair.update}</td>
                <td data-label="Enabled">{pair.enable}</td>
                <td data-label="Disabled">{pair.disable}</td>
                <td data-label="Taken by a higher pair">{lostToLabel(pair, names)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
