import type { Metadata } from "next";
import Link from "next/link";
import {
  AUDIT_KINDS,
  auditActionWords,
  auditTargetWords,
  formatSecond,
  keepFilter,
  queryOf,
} from "../../../../src/activity/activity-words";
import { requireTenantApi } from "../../../../src/server/portal-session";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Audit log" };

type Search = { actor?: string; kind?: string; from?: string; to?: string; cursor?: string };

/**
 * Who changed the configuration, what and when: searched by actor, kind of change and date range on the server,
 * a page at a time, and downloadable as CSV or NDJSON.
 */
export default async function AuditPage({
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
    actor: keepFilter(raw.actor, "text", ignored, "who"),
    kind: keepFilter(
      raw.kind,
      AUDIT_KINDS.map((k) => k.value),
      ignored,
      "kind of change",
    ),
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
  const { events, nextCursor } = await api.auditEvents({ ...filters, ...(cursor ? { cursor } : {}), limit: 50 });
  const next = queryOf({ ...filters, cursor: nextCursor });
  const filtered = Object.values(filters).some(Boolean);
  return (
    <>
      <h1>Audit log</h1>
      <p className="hint">Who changed this organisation’s configuration, what they changed and when, newest first.</p>
      <search>
        <form className="filters" method="get">
          <div className="field">
            <label htmlFor="audit-actor">Who (email)</label>
            <input id="audit-actor" name="actor" type="search" defaultValue={filters.actor ?? ""} autoComplete="off" />
          </div>
          <div className="field">
            <label htmlFor="audit-kind">Kind of change</label>
            <select id="audit-kind" name="kind" defaultValue={filters.kind ?? ""}>
              <option value="">Every kind</option>
              {AUDIT_KINDS.map((k) => (
                <option key={k.value} value={k.value}>
                  {k.label}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="audit-from">From</label>
            <input id="audit-from" name="from" type="date" defaultValue={filters.from ?? ""} />
          </div>
          <div className="field">
            <label htmlFor="audit-to">To</label>
            <input id="audit-to" name="to" type="date" defaultValue={filters.to ?? ""} />
          </div>
          <button type="submit" className="secondary">
            Filter
          </button>
        </form>
      </search>
      <p>
        <a
          className="button secondary"
          href={`/api/tenants/${tenantId}/audit-events/download?${queryOf({ ...filters, format: "csv" })}`}
          download
          data-download="csv"
        >
          Download CSV
        </a>{" "}
        <a
          className="button secondary"
          href={`/api/tenants/${tenantId}/audit-events/download?${queryOf({ ...filters, format: "ndjson" })}`}
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
      {events.length === 0 ? (
        <p className="hint" role="status">
          {filtered ? "No change matches these filters." : "No configuration changes yet."}
        </p>
      ) : (
        <div className="table-wrap">
          <table className="responsive" data-audit>
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Who</th>
                <th scope="col">What</th>
                <th scope="col">On</th>
              </tr>
            </thead>
            <tbody>
              {events.map((event) => (
                <tr key={event.id} data-audit-action={event.action}>
                  <td data-label="When">{formatSecond(event.createdAt)}</td>
                  <td data-label="Who">
                    {event.actorName ??
                      (event.actorType === "system"
                        ? "TechSync"
                        : event.actorType === "api_key"
                          ? "A revoked API key"
                          : "A former member")}
                    {event.actorType === "api_key" ? <div className="hint">API key</div> : null}
                  </td>
                  <td data-label="What">{auditActionWords(event.action)}</td>
                  <td data-label="On">{auditTargetWords(event.target)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {nextCursor ? (
        <p>
          <Link href={`/t/${tenantId}/audit?${next}`}>Older changes →</Link>
        </p>
      ) : null}
    </>
  );
}
