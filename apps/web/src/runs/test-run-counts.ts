// Test support: a run's counts in the contract's shape from only the cells a test cares about.
import type { ActionKind, RunCounts } from "../api/api-types";
import { actionKinds } from "./run-words";

type Cell = RunCounts[ActionKind];

export function runCounts(cells: Partial<Record<ActionKind, Partial<Cell>>>, extras: Partial<RunCounts> = {}) {
  const counts = Object.fromEntries(
    actionKinds.map((kind) => [kind, { planned: 0, succeeded: 0, failed: 0, skipped: 0, ...cells[kind] }]),
  ) as Record<ActionKind, Cell>;
  return { ...counts, ...extras } as RunCounts;
}
