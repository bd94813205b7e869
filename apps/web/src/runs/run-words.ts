// How runs and actions are named on screen.
import {
  type ActionKind,
  type ActionStatus,
  CANCELLABLE_RUN_STATUSES,
  RETRYABLE_RUN_STATUSES,
  type RunCounts,
  type RunStatus,
} from "../api/api-types";

const planned: Record<ActionKind, string> = {
  create: "Will be created",
  adopt: "Will be linked (already in Rescue)",
  update: "Will be updated",
  enable: "Will be enabled",
  disable: "Will be disabled",
};
const applied: Record<ActionKind, string> = {
  create: "Created",
  adopt: "Linked (already in Rescue)",
  update: "Updated",
  enable: "Enabled",
  disable: "Disabled",
};

/** Every action kind, in the order the portal shows them (the labels' order; the type makes the list complete). */
export const actionKinds = Object.keys(applied) as ActionKind[];

/** An action that was not carried out (not approved, dismissed, the run stopped before it): what it would have done. */
const notDone: Record<ActionKind, string> = {
  create: "Create",
  adopt: "Link (already in Rescue)",
  update: "Update",
  enable: "Enable",
  disable: "Disable",
};

/**
 * What an action does, in the tense of where it stands: "Will be disabled" in a preview or a run awaiting approval,
 * "Disabled" once applied, "Disable" when it was not (or not yet) carried out. Without a status: a run's kind filter.
 */
export function actionKindLabel(kind: ActionKind, dryRun: boolean, status?: ActionStatus): string {
  if (dryRun) return planned[kind] ?? kind;
  if (status === undefined || status === "succeeded") return applied[kind] ?? kind;
  return notDone[kind] ?? kind;
}

/**
 * An action's outcome as a person reads it: never "planned" for a run that will not apply it any more. A blocked
 * run's actions await approval; a live run's are still to come; a finished run's planned or skipped ones were not
 * applied (not approved, dismissed, or the run stopped before them).
 */
export function actionStatusLabel(status: ActionStatus, runStatus: RunStatus): string {
  switch (status) {
    case "succeeded":
      return "Applied";
    case "failed":
      return "Failed";
    case "skipped":
      return "Not applied";
    default:
      if (runStatus === "blocked") return "Awaiting approval";
      return runIsLive(runStatus) ? "Not applied yet" : "Not applied";
  }
}

const statusWords: Record<RunStatus, string> = {
  queued: "Waiting to start",
  running: "Running",
  succeeded: "Succeeded",
  partial: "Finished with some failures",
  failed: "Failed",
  blocked: "Blocked by the safety threshold",
  cancelled: "Cancelled",
  interrupted: "Interrupted (the next run picks up where it stopped)",
};

export function runStatusLabel(status: RunStatus): string {
  return statusWords[status] ?? status;
}

/** Queued or running: a person may cancel it. */
export function runIsLive(status: RunStatus): boolean {
  return (CANCELLABLE_RUN_STATUSES as readonly RunStatus[]).includes(status);
}

/** Ended failed, interrupted, cancelled or partial: a person may run it again. */
export function runCanRunAgain(status: RunStatus): boolean {
  return (RETRYABLE_RUN_STATUSES as readonly RunStatus[]).includes(status);
}

/**
 * How many actions of a kind a run planned (dry, blocked or still running runs) or applied (real runs), or how
 * many failed across kinds. Counts come from the API in one shape, per kind and status.
 */
export function runCount(
  run: { counts: RunCounts | null | undefined; dryRun: boolean; status: RunStatus },
  kind: ActionKind | "failed",
): number {
  const counts = run.counts;
  if (!counts) return 0;
  if (kind === "failed") return actionKinds.reduce((total, k) => total + counts[k].failed, 0);
  const cell = counts[kind];
  const proposed = run.dryRun || run.status === "blocked" || runIsLive(run.status);
  return proposed ? cell.planned + cell.succeeded + cell.failed + cell.skipped : cell.succeeded;
}

export function formatWhen(iso: string | null | undefined): string {
  if (!iso) return "—";
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? "—" : date.toLocaleString("en-GB", { dateStyle: "medium", timeStyle: "short" });
}

/** A time, or "none yet" where nothing has happened. */
export function whenOrNone(iso: string | null | undefined): string {
  return iso ? formatWhen(iso) : "none yet";
}

/** How changes in Entra ID reach TechSync (the dashboard's freshness). */
export function changeFeedLabel(feed: "notifications" | "polling" | "off"): string {
  if (feed === "notifications") return "Change notifications";
  if (feed === "polling") return "Checked every 2 minutes";
  return "Not watched (not syncing)";
}

const phaseWords: Record<string, string> = {
  queued: "Waiting",
  "read-directory": "Reading the Entra ID groups",
  "read-rescue": "Reading the Rescue organisation",
  plan: "Planning",
  apply: "Applying changes",
  done: "Done",
  interrupted: "Interrupted, waiting to resume",
};

/** The worker's phase (sync-core RunPhase, plus "done" / "interrupted") in words. */
export function runPhaseLabel(phase: string | null | undefined): string {
  if (!phase) return "";
  return phaseWords[phase] ?? phase.charAt(0).toUpperCase() + phase.slice(1);
}
