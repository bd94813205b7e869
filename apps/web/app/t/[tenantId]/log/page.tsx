import { ACTION_KINDS, changeInWords, OUTCOME_WORDS } from "@techsync/api-contract";
import type { Metadata } from "next";
import Link from "next/link";
import { ACTION_KIND_WORDS, formatSecond, keepFilter, queryOf } from "../../../../src/activity/activity-words";
import { formatWhen } from "../../../../src/runs/run-words";
import { requireTenantApi } from "../../../../src/server/portal-session";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Sync log" };

type Search = {
  runId?: string;
  kind?: string;
  status?: string;
  q?: string;
  from?: string;
  to?: string;
  cursor?: string;
};

/**
 * The tenant's sync log (it replaces the old "Active Directory Logger"): one line per change a run made or tried,
 * with the user, the change in words and when, filtered on the server and downloadable as CSV or NDJSON.
 */
export default async function SyncLog({
  params,
  searchParams,
}: {
  params: Promise<{ tenantId: string }>;
  searchParams: Promise<Search>;
}) {
  const { tenantId } = await params;
  const raw = await searchParams;
  const ignored: string[] = [];
  const filters = {
    runId: keepFilter(raw.runId, "uuid", ignored, "run"),
    kind: keepFilter(raw.kind, ACTION_KINDS, ignored, "change"),
    status: keepFilter(raw.status, ["succeeded", "failed", "skipped"], ignored, "outcome"),
    q: keepFilter(raw.q, "text", ignored, "user"),
    from: keepFilter(raw.from, "day", ignored, "from"),
    to: keepFilter(raw.to, "day", ignored, "to"),
  };
  if (filters.from && filters.to && filters.from > filters.to) {
    ignored.push("a date range that ends before it starts");
    filters.from = undefined;
    filters.to = undefined;
  }
  const cursor = keepFilter(raw.cursor, "digits", ignored, "page");
  const api = await requireTenantApi(tenantId);
  const [{ entries, nextCursor }, { runs }] = await Promise.all([
    api.activity({ ...filters, ...(cursor ? { cursor } : {}), limit: 100 }),
    api.runs({ limit: 50 }),
  ]);
  const next = queryOf({ ...filters, cursor: nextCursor });
  const filtered = Object.values(filters).some(Boolean);
  return (
    <>
      <h1>Sync log</h1>
      <p className="hint">Every change a sync made to a technician, or tried to make, newest first.</p>
      <search>
        <form className="filters" method="get">
          <div className="field">
            <label htmlFor="log-user">User</label>
            <input id="log-user" name="q" type="search" defaultValue={filters.q ?? ""} autoComplete="off" />
          </div>
          <div className="field">
            <label htmlFor="log-kind">Change</label>
            <select id="log-kind" name="kind" defaultValue={filters.kind ?? ""}>
              <option value="">Every change</option>
              {ACTION_KINDS.map((kind) => (
                <option key={kind} value={kind}>
                  {ACTION_KIND_WORDS[kind]}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="log-status">Outcome</label>
            <select id="log-status" name="status" defaultValue={filters.status ?? ""}>
              <option value="">Any outcome</option>
              <option value="succeeded">Done</option>
              <option value="failed">Failed</option>
              <option value="skipped">Not applied</option>
            </select>
          </div>
          <div className="field">
            <label htmlFor="log-run">Run</label>
            <select id="log-run" name="runId" defaultValue={filters.runId ?? ""}>
              <option value="">All runs</option>
              {filters.runId && !runs.some((r) => r.id === filters.runId) ? (
                <option value={filters.runId}>The chosen run</option>
              ) : null}
              {runs
                .filter((run) => !run.dryRun)
                .map((run) => (
                  <option key={run.id} value={run.id}>
                    {formatWhen(run.queuedAt)} · {run.status}
                  </option>
                ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="log-from">From</label>
            <input id="log-from" name="from" type="date" defaultValue={filters.from ?? ""} />
          </div>
          <div className="field">
            <label htmlFor="log-to">To</label>
            <input id="log-to" name="to" type="date" defaultValue={filters.to ?? ""} />
          </div>
          <button type="submit" className="secondary">
            Filter
          </button>
        </form>
      </search>
      <p>
        <a
          className="button secondary"
          href={`/api/tenants/${tenantId}/activity/download?${queryOf({ ...filters, format: "csv" })}`}
          download
          data-download="csv"
        >
          Download CSV
        </a>{" "}
        <a
          className="button secondary"
          href={`/api/tenants/${tenantId}/activity/download?${queryOf({ ...filters, format: "ndjson" })}`}
          download
          data-download="ndjson"
        >
          Download NDJSON
        </a>
      </p>
      {ignored.length > 0 ? (
        <p className="notice" role="status">
          Left out a filter the page could not read ({ignored.join(", ")}).
        </p>
      ) : null}
      {entries.length === 0 ? (
        <p className="hint" role="status">
          {filtered ? "No change matches these filters." : "No changes yet: they appear after a sync."}
        </p>
      ) : (
        <div className="table-wrap">
          <table className="responsive" data-sync-log>
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">User</th>
                <th scope="col">Change</th>
                <th scope="col">Outcome</th>
              </tr>
            </thead>
            <tbody>
              {entries.map((entry) => (
                <tr key={entry.id} data-log-line={entry.kind}>
                  <td data-label="When">{formatSecond(entry.at)}</td>
                  <td data-label="User">
                    {entry.displayName ?? "—"}
                    {entry.email ? <div className="hint">{entry.email}</div> : null}
                  </td>
                  <td data-label="Change">
                    {changeInWords(entry)}
                    <details>
                      <summary className="hint">Why</summary>
                      <p>{entry.reason}</p>
                      <p>
                        <Link href={`/t/${tenantId}/runs/${entry.runId}`}>Open the run that made this change</Link>
                      </p>
                    </details>
                  </td>
                  <td data-label="Outcome">
                    <span className={`badge ${entry.status}`}>{OUTCOME_WORDS[entry.status]}</span>
                    {entry.error ? <div className="hint">{entry.error}</div> : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {nextCursor ? (
        <p>
          <Link href={`/t/${tenantId}/log?${next}`}>Older changes →</Link>
        </p>
      ) : null}
    </>
  );
}
