// Runs recorded before counts had one shape are read through this one function, so every answer has that shape.
import {
  ACTION_KINDS,
  type ActionCause,
  type ActionCounts,
  type ActionKind,
  emptyRunCounts,
  type RunCounts,
  type RunReport,
  type RunStatus,
  ZActionCause,
  ZRunCounts,
  ZRunReport,
} from "@techsync/api-contract";

const STATUS_FIELDS = ["planned", "succeeded", "failed", "skipped"] as const satisfies readonly (keyof ActionCounts)[];

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);
const countOf = (value: unknown) => (typeof value === "number" && Number.isInteger(value) && value > 0 ? value : 0);

/**
 * A stored `counts` value in the contract's shape. Three shapes were written over time:
 * - per kind and status, `{ create: { planned, succeeded, failed, skipped }, calls }` (the contract's);
 * - while planning, `{ planned: { create: n }, safety, usersInScope }`;
 * - flat, `{ create: n, failed: n }`: n is what a preview proposed or a real run applied, and the failures,
 *   not attributed to a kind, are put on the kind with the most actions so the run's total stays right.
 * Anything else (not an object) reads as no counts.
 */
export function storedRunCounts(raw: unknown, run: { dryRun: boolean; status: RunStatus }): RunCounts | null {
  if (!isRecord(raw)) return null;
  const already = ZRunCounts.safeParse(raw);
  if (already.success) return already.data;

  const counts = emptyRunCounts();
  const proposed = run.dryRun || run.status === "blocked" || run.status === "queued" || run.status === "running";
  const planned = isRecord(raw.planned) ? raw.planned : {};
  for (const kind of ACTION_KINDS) {
    const cell = counts[kind];
    cell.planned += countOf(planned[kind]);
    const value = raw[kind];
    if (typeof value === "number") {
      cell[proposed ? "planned" : "succeeded"] += countOf(value);
    } else if (isRecord(value)) {
      for (const field of STATUS_FIELDS) cell[field] += countOf(value[field]);
    }
  }
  const failedTotal = countOf(raw.failed);
  if (failedTotal > 0) counts[largestKind(counts)].failed += failedTotal;

  for (const field of ["usersInScope", "safety", "calls"] as const) {
    const parsed = ZRunCounts.shape[field].safeParse(raw[field]);
    if (parsed.success && parsed.data !== undefined) Object.assign(counts, { [field]: parsed.data });
  }
  return counts;
}

function largestKind(counts: RunCounts): ActionKind {
  const total = (kind: ActionKind) => STATUS_FIELDS.reduce((sum, field) => sum + counts[kind][field], 0);
  return ACTION_KINDS.reduce((best, kind) => (total(kind) > total(best) ? kind : best), ACTION_KINDS[0]);
}

/** A stored `report` in the contract's shape; fields an older run wrote differently are left out, never guessed. */
export function storedRunReport(raw: unknown): RunReport | null {
  if (!isRecord(raw)) return null;
  const whole = ZRunReport.safeParse(raw);
  if (whole.success) return whole.data;
  const report: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(raw)) {
    const schema = ZRunReport.shape[field as keyof typeof ZRunReport.shape];
    if (!schema) {
      report[field] = value;
      continue;
    }
    const parsed = schema.safeParse(value);
    if (parsed.success) report[field] = parsed.data;
  }
  return ZRunReport.parse(report);
}

/** An action's stored cause, or null where there is none (older runs) or it is not in a shape the API knows. */
export function storedActionCause(raw: unknown): ActionCause | null {
  const parsed = ZActionCause.safeParse(raw);
  return parsed.success ? parsed.data : null;
}
