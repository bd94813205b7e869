import { LOG_LEVELS, type LogLevel } from "@techsync/api-contract";
import Link from "next/link";
import { formatWhen } from "../../../../src/runs/run-words";
import { requireTenantApi } from "../../../../src/server/portal-session";

/** The browser tab and history say which page this is ("Sync log · TechSync"). */
export const metadata = { title: "Sync log" };

export const dynamic = "force-dynamic";

// The API's level is a floor: "warn" gives warnings and errors.
const levelWords: Record<LogLevel, string> = {
  debug: "Debug and above",
  info: "Info and above",
  warn: "Warnings and errors",
  error: "Errors only",
};

/** The tenant's sync log: it replaces the old "Active Directory Logger". */
export default async function SyncLog({
  params,
  searchParams,
}: {
  params: Promise<{ tenantId: string }>;
  searchParams: Promise<{ level?: string; runId?: string; cursor?: string }>;
}) {
  const { tenantId } = await params;
  const { level, runId, cursor } = await searchParams;
  const api = await requireTenantApi(tenantId);
  const [{ entries, nextCursor }, { runs }] = await Promise.all([
    api.logs({ level, runId, cursor, limit: 100 }),
    api.runs({ limit: 50 }),
  ]);
  const download = new URLSearchParams();
  if (level) download.set("level", level);
  if (runId) download.set("runId", runId);
  const next = new URLSearchParams(download);
  if (nextCursor) next.set("cursor", nextCursor);
  return (
    <>
      <h1>Sync log</h1>
      <p className="hint">Everything the sync did and every problem it met, newest first.</p>
      <form className="filters" method="get">
        <div className="field">
          <label htmlFor="log-level">Level</label>
          <select id="log-level" name="level" defaultValue={level ?? ""}>
            <option value="">Everything</option>
            {LOG_LEVELS.map((l) => (
              <option key={l} value={l}>
                {levelWords[l]}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="log-run">Run</label>
          <select id="log-run" name="runId" defaultValue={runId ?? ""}>
            <option value="">All runs</option>
            {runId && !runs.some((r) => r.id === runId) ? <option value={runId}>{runId}</option> : null}
            {runs.map((run) => (
              <option key={run.id} value={run.id}>
                {formatWhen(run.queuedAt)} · {run.estimate ? "estimate" : run.dryRun ? "preview" : "sync"} ·{" "}
                {run.status}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" className="secondary">
          Filter
        </button>
        <a className="button secondary" href={`/api/tenants/${tenantId}/logs/download?${download}`} download>
          Download (NDJSON)
        </a>
      </form>
      {entries.length === 0 ? (
        <p className="hint">No log entries{level || runId ? " match these filters" : " yet"}.</p>
      ) : (
        <div className="table-wrap">
          <table className="responsive">
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Level</th>
                <th scope="col">Message</th>
              </tr>
            </thead>
            <tbody>
              {entries.map((entry) => (
                <tr key={entry.id}>
                  <td data-label="When" style={{ whiteSpace: "nowrap" }}>
                    {formatWhen(entry.createdAt)}
                  </td>
                  <td data-label="Level">
                    <span className={`badge ${entry.level}`}>{entry.level}</span>
                  </td>
                  <td data-label="Message">
                    {entry.message}
                    {entry.context && typeof entry.context === "object" && Object.keys(entry.context).length ? (
                      <details>
                        <summary className="hint">Details</summary>
                        <pre style={{ whiteSpace: "pre-wrap" }}>{JSON.stringify(entry.context, null, 2)}</pre>
                      </details>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {nextCursor ? (
        <p>
          <Link href={`/t/${tenantId}/log?${next}`}>Older entries →</Link>
        </p>
      ) : null}
    </>
  );
}
