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

export function countOf(counts: RunCounts | null | undefined, kind: keyof RunCounts): number {
  const value = counts?.[kind];
  return typeof value === "number" ? value : 0;
}

export function formatWhen(iso: string | null | undefined): string {
  if (!iso) return "—";
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? "—" : date.toLocaleString("en-GB", { dateStyle: "medium", timeStyle: "short" });
}
