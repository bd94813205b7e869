import { changeInWords, OUTCOME_WORDS } from "@techsync/api-contract";
import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { ACTION_KIND_WORDS, formatSecond, keepFilter } from "../../../../../src/activity/activity-words";
import { ApiError } from "../../../../../src/api/api-error";
import { requireTenantApi } from "../../../../../src/server/portal-session";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Technician history" };

/**
 * One technician's history, newest first: each change a run made (from what to what), when, by which run and why,
 * read from the runs' recorded actions; and a way to sync the user now.
 */
export default async function TechnicianHistoryPage({
  params,
  searchParams,
}: {
  params: Promise<{ tenantId: string; linkId: string }>;
  searchParams: Promise<{ cursor?: string }>;
}) {
  const { tenantId, linkId } = await params;
  const cursor = keepFilter((await searchParams).cursor, "digits", [], "page");
  if (!/^[0-9a-f-]{36}$/i.test(linkId)) notFound();
  const api = await requireTenantApi(tenantId);
  let history: Awaited<ReturnType<typeof api.technicianHistory>>;
  try {
    history = await api.technicianHistory(linkId, { limit: 50, ...(cursor ? { cursor } : {}) });
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) notFound();
    throw error;
  }
  const { entries, nextCursor } = history;
  const latest = entries[0];
  const name = latest?.displayName ?? "This technician";
  const email = latest?.email ?? null;
  return (
    <>
      <p>
        <Link href={`/t/${tenantId}/technicians`}>← Technicians</Link>
      </p>
      <h1>{name}</h1>
      <p className="hint">{email ? `${email} · ` : ""}every change TechSync made to this technician, newest first.</p>
      {email ? (
        <p>
          <Link className="button secondary" href={`/t/${tenantId}/sync-user?q=${encodeURIComponent(email)}`}>
            Sync this user now
          </Link>
        </p>
      ) : null}
      {entries.length === 0 ? (
        <p className="hint" role="status">
          No run has changed this technician yet.
        </p>
      ) : (
        <div className="table-wrap">
          <table className="responsive" data-history>
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">What changed</th>
                <th scope="col">Outcome</th>
                <th scope="col">Why</th>
                <th scope="col">Run</th>
              </tr>
            </thead>
            <tbody>
              {entries.map((entry) => (
                <tr key={entry.id} data-history-entry={entry.kind}>
                  <td data-label="When">{formatSecond(entry.at)}</td>
                  <td data-label="What changed">
                    <strong>{ACTION_KIND_WORDS[entry.kind]}</strong>
                    {entry.kind === "update" ? (
                      <ul className="changes">
                        {entry.changes.map((c) => (
                          <li key={c.field}>{changeInWords({ ...entry, changes: [c] })}</li>
                        ))}
                      </ul>
                    ) : entry.kind === "create" && entry.rescueGroupName ? (
                      <> in {entry.rescueGroupName}</>
                    ) : null}
                  </td>
                  <td data-label="Outcome">
                    {OUTCOME_WORDS[entry.status]}
                    {entry.error ? <div className="hint">{entry.error}</div> : null}
                  </td>
                  <td data-label="Why">{entry.reason}</td>
                  <td data-label="Run">
                    <Link href={`/t/${tenantId}/runs/${entry.runId}`}>Open the run</Link>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {nextCursor ? (
        <p>
          <Link href={`/t/${tenantId}/technicians/${linkId}?cursor=${nextCursor}`}>Older changes →</Link>
        </p>
      ) : null}
    </>
  );
}
