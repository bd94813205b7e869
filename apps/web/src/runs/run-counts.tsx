import type { SyncRun } from "../api/api-types";
import { actionKindLabel, actionKinds, runCount } from "./run-words";

/** Counts per action kind, plus failures. */
export function RunCountsList({ run }: { run: Pick<SyncRun, "counts" | "dryRun" | "status"> }) {
  const failed = runCount(run, "failed");
  return (
    <section className="stats" aria-label="Counts per action">
      {actionKinds.map((kind) => (
        <div key={kind} className="stat">
          <div className="value" data-count={kind}>
            {runCount(run, kind)}
          </div>
          <div>{actionKindLabel(kind, run.dryRun)}</div>
        </div>
      ))}
      {run.dryRun ? null : (
        <div className="stat">
          <div className="value" data-count="failed">
            {failed}
          </div>
          <div>Failed</div>
        </div>
      )}
    </section>
  );
}
