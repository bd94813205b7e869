// Members of mapped groups that got no technician (guests, contacts, devices, apps), as the run's report tallies
// them: one line per mapping, reason and kind, never one per member.
import type { SyncRun } from "../api/api-types";

export interface SkippedMembersLine {
  key: string;
  message: string;
  count: number;
}

/** The report's skipped-member tallies; an older or unfinished run has none. */
export function skippedMembersOf(run: Pick<SyncRun, "report">): SkippedMembersLine[] {
  return (run.report?.skippedMembers ?? []).map(({ message, count, mappingId, reason, kind }, index) => ({
    key: `${mappingId}|${reason}|${kind}|${index}`,
    message,
    count,
  }));
}

export function RunSkippedMembers({ run }: { run: Pick<SyncRun, "report"> }) {
  const lines = skippedMembersOf(run);
  if (lines.length === 0) return null;
  const total = lines.reduce((sum, line) => sum + line.count, 0);
  return (
    <section aria-label="Skipped members">
      <h2>Skipped members ({total})</h2>
      <p className="hint">Members of the mapped groups that get no technician, and why.</p>
      <ul>
        {lines.map((line) => (
          <li key={line.key}>{line.message}</li>
        ))}
      </ul>
    </section>
  );
}
