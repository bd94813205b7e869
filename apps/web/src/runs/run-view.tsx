// One run: live progress while it works, then its counts and its action table (or, for a blocked run, its review).
import type { ReactNode } from "react";
import type { GroupMapping, SyncAction, SyncRun } from "../api/api-types";
import { type ActionFilters, RunActionsTable } from "./run-actions-table";
import { type RunControlActions, RunControls } from "./run-controls";
import { RunCountsList } from "./run-counts";
import { RunPairs } from "./run-pairs";
import { RunProgress } from "./run-progress";
import { RunSkippedMembers } from "./run-skipped-members";
import { hasPlanWarnings, RunWarnings } from "./run-warnings";
import { runIsLive, runStatusLabel } from "./run-words";

export function RunView({
  tenantId,
  run,
  actions,
  filters,
  hidden,
  more,
  mappingNames,
  cancel,
  runAgain,
  review,
}: RunControlActions & {
  tenantId: string;
  run: SyncRun;
  actions: SyncAction[];
  filters: ActionFilters;
  hidden?: Record<string, string>;
  more?: boolean;
  mappingNames?: Record<string, string>;
  /** Shown instead of the action table: a blocked run's review (approve a choice, or dismiss). */
  review?: ReactNode;
}) {
  if (runIsLive(run.status)) {
    return <RunProgress key={run.status} tenantId={tenantId} initial={run} cancel={cancel} />;
  }
  // A blocked run applied nothing: it reads like a preview ("will be disabled") until someone approves it.
  const shown = run.status === "blocked" ? { ...run, dryRun: true } : run;
  return (
    <>
      <p>
        <span className={`badge ${run.status}`} data-run-status={run.status}>
          {runStatusLabel(run.status)}
        </span>
        {run.error ? <span className="error-text"> {run.error}</span> : null}
      </p>
      <RunControls run={{ status: run.status, cancelRequestedAt: run.cancelRequestedAt }} runAgain={runAgain} />
      <RunCountsList run={shown} />
      <RunWarnings run={shown} />
      <RunPairs run={shown} />
      <RunSkippedMembers run={run} />
      {review ?? (
        <RunActionsTable
          run={shown}
          hasWarnings={hasPlanWarnings(run)}
          actions={actions}
          filters={filters}
          hidden={hidden}
          more={more}
          mappingNames={mappingNames}
        />
      )}
    </>
  );
}

/** Mapping id → "Entra group → Rescue group", for the reasons column. */
export function mappingNamesOf(mappings: readonly GroupMapping[]): Record<string, string> {
  return Object.fromEntries(mappings.map((m) => [m.id, `${m.entraGroupName} → ${m.rescueGroupName}`]));
}
