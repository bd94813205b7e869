// A run's warnings in words, the ones a person must see before trusting a preview first: a pair that brings nobody,
// a Rescue group that is gone, creates and enables that a licence shortage stopped.
import type { SyncRun } from "../api/api-types";

type Warning = NonNullable<NonNullable<SyncRun["report"]>["warnings"]>[number];

/** Warnings about the configuration or the run as a whole, shown before the per-user ones. */
const HEADLINES: Record<string, string> = {
  "rescue-group-missing": "A mapped Rescue group no longer exists",
  "empty-entra-group": "A mapped Entra group has no members",
  "licence-shortfall": "Rescue refused a technician licence",
};

export function warningHeadline(code: string): string | undefined {
  return HEADLINES[code];
}

/** Whether a run has warnings that make "Rescue already matches Entra ID" untrue or misleading. */
export function hasPlanWarnings(run: Pick<SyncRun, "report">): boolean {
  return (run.report?.warningCount ?? run.report?.warnings?.length ?? 0) > 0;
}

/** The planner never words two warnings alike for the same code, user and mapping. */
const keyOf = (w: Warning) => `${w.code}|${w.mappingId ?? ""}|${w.entraUserId ?? ""}|${w.message}`;

export function RunWarnings({ run }: { run: Pick<SyncRun, "report" | "dryRun"> }) {
  const warnings: Warning[] = run.report?.warnings ?? [];
  const licencesNeeded = run.report?.licencesNeeded ?? 0;
  const total = run.report?.warningCount ?? warnings.length;
  if (total === 0 && !(run.dryRun && licencesNeeded > 0)) return null;
  const important = warnings.filter((w) => warningHeadline(w.code));
  const others = warnings.filter((w) => !warningHeadline(w.code));
  const licences =
    run.dryRun && licencesNeeded > 0 ? (
      <p className="hint" data-testid="licences-needed">
        This sync needs {licencesNeeded} free technician licence{licencesNeeded === 1 ? "" : "s"} (one per technician
        created or enabled). Rescue does not tell TechSync how many are free: if it refuses one, the remaining creates
        and enables are not applied and the run says so.
      </p>
    ) : null;
  if (total === 0) return licences;
  return (
    <section aria-labelledby="warnings-heading" data-testid="run-warnings">
      <h2 id="warnings-heading">Warnings ({total})</h2>
      {licences}
      <ul>
        {important.map((w) => (
          <li key={keyOf(w)} data-warning-code={w.code}>
            <strong>{warningHeadline(w.code)}:</strong> {w.message}
          </li>
        ))}
        {others.map((w) => (
          <li key={keyOf(w)} data-warning-code={w.code}>
            {w.message}
          </li>
        ))}
      </ul>
      {total > warnings.length ? <p className="hint">Showing the first {warnings.length}.</p> : null}
    </section>
  );
}
