// How runs and actions are named on screen.
import type { ActionKind, RunCounts, RunStatus } from "../api/api-types";

export const actionKinds: ActionKind[] = ["create", "adopt", "update", "enable", "disable"];

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

export function actionKindLabel(kind: ActionKind, dryRun: boolean): string {
  return (dryRun ? planned : applied)[kind] ?? kind;
}

const statusWords: Record<RunStatus, string> = {
  queued: "Waiting to start",
  running: "Running",
  succeeded: "Succeeded",
  partial: "Finished with some failures",
  failed: "Failed",
  blocked: "Blocked by the safety threshold",
  cancelled: "Cancelled",
};

export function runStatusLabel(status: RunStatus): string {
  return statusWords[status] ?? status;
}

export function runIsLive(status: RunStatus): boolean {
  return status === "queued" || status === "running";
}

type CountCell = number | Partial<Record<"planned" | "succeeded" | "failed" | "skipped" | "cancelled", number>>;

const sum = (values: (number | undefined)[]) => values.reduce<number>((total, v) => total + (v ?? 0), 0);

/**
 * How many actions of a kind a run planned (dry or blocked runs) or applied (real runs), or how many
 * failed. The worker records counts per kind and status ({ create: { planned, succeeded, failed, skipped } }),
 * and while planning { planned: { create: n } }; flat numbers ({ create: n }) are read too.
 */
export function runCount(
  run: { counts: RunCounts | null | undefined; dryRun?: boolean; status?: RunStatus },
  kind: ActionKind | "failed",
): number {
  const counts = (run.counts ?? {}) as Record<string, unknown>;
  const cell = (k: ActionKind) => counts[k] as CountCell | undefined;
  if (kind === "failed") {
    if (typeof counts.failed === "number") return counts.failed;
    return sum(
      actionKinds.map((k) => {
        const c = cell(k);
        return typeof c === "object" ? c.failed : 0;
      }),
    );
  }
  const value = cell(kind);
  if (typeof value === "number") return value;
  if (value && typeof value === "object") {
    const proposed = run.dryRun || run.status === "blocked";
    return proposed ? sum([value.planned, value.succeeded, value.failed, value.skipped]) : (value.succeeded ?? 0);
  }
  const planned = counts.planned as Record<string, unknown> | undefined;
  const plannedValue = planned?.[kind];
  return typeof plannedValue === "number" ? plannedValue : 0;
}

export function formatWhen(iso: string | null | undefined): string {
  if (!iso) return "—";
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? "—" : date.toLocaleString("en-GB", { dateStyle: "medium", timeStyle: "short" });
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
