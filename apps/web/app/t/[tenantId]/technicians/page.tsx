import type { Metadata } from "next";
import Link from "next/link";
import { formatSecond, keepFilter, queryOf } from "../../../../src/activity/activity-words";
import { requireTenantApi } from "../../../../src/server/portal-session";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Technicians" };

type Search = { q?: string; status?: string; rescueGroupId?: string; mappingId?: string; cursor?: string };

/**
 * Every linked technician: its Entra user, Rescue group, whether it is enabled, and when and by which run it last
 * changed. Searched by name or email and filtered by status, group and pair on the server, a page at a time.
 */
export default async function TechniciansPage({
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
    q: keepFilter(raw.q, "text", ignored, "search"),
    status: keepFilter(raw.status, ["enabled", "disabled"], ignored, "status"),
    rescueGroupId: keepFilter(raw.rescueGroupId, "digits", ignored, "Rescue group"),
    mappingId: keepFilter(raw.mappingId, "uuid", ignored, "pair"),
  };
  const cursor = keepFilter(raw.cursor, "text", ignored, "page");
  const api = await requireTenantApi(tenantId);
  const [{ technicians, nextCursor }, { mappings }] = await Promise.all([
    api.technicians({ ...filters, ...(cursor ? { cursor } : {}), limit: 50 }),
    api.mappings(),
  ]);
  const groups = [...new Map(mappings.map((m) => [m.rescueGroupId, m.rescueGroupName])).entries()];
  const pairName = new Map(mappings.map((m) => [m.id, `${m.entraGroupName} → ${m.rescueGroupName}`]));
  const filtered = Object.values(filters).some(Boolean);
  const next = queryOf({ ...filters, cursor: nextCursor });
  return (
    <>
      <h1>Technicians</h1>
      <p className="hint">
        Every Rescue technician TechSync keeps in step with an Entra user, with the last change a run made to it.
      </p>
      <search>
        <form className="filters" method="get">
          <div className="field">
            <label htmlFor="tech-search">Name or email</label>
            <input id="tech-search" name="q" type="search" defaultValue={filters.q ?? ""} autoComplete="off" />
          </div>
          <div className="field">
            <label htmlFor="tech-status">Status</label>
            <select id="tech-status" name="status" defaultValue={filters.status ?? ""}>
              <option value="">Enabled and disabled</option>
              <option value="enabled">Enabled</option>
              <option value="disabled">Disabled</option>
            </select>
          </div>
          <div className="field">
            <label htmlFor="tech-group">Rescue group</label>
            <select id="tech-group" name="rescueGroupId" defaultValue={filters.rescueGroupId ?? ""}>
              <option value="">All groups</option>
              {groups.map(([id, name]) => (
                <option key={id} value={String(id)}>
                  {name}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="tech-pair">Pair</label>
            <select id="tech-pair" name="mappingId" defaultValue={filters.mappingId ?? ""}>
              <option value="">All pairs</option>
              {mappings.map((m) => (
                <option key={m.id} value={m.id}>
                  {pairName.get(m.id)}
                </option>
              ))}
            </select>
          </div>
          <button type="submit" className="secondary">
            Search
          </button>
        </form>
      </search>
      {ignored.length > 0 ? (
        <p className="notice" role="status">
          Left out a filter the page could not read ({ignored.join(", ")}).
        </p>
      ) : null}
      {technicians.length === 0 ? (
        <p className="hint" role="status">
          {filtered ? "No technician matches these filters." : "No linked technicians yet: they appear after a sync."}
        </p>
      ) : (
        <div className="table-wrap">
          <table className="responsive" data-technicians>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Email</th>
                <th scope="col">Rescue group</th>
                <th scope="col">Enabled</th>
                <th scope="col">Last change</th>
                <th scope="col">History</th>
              </tr>
            </thead>
            <tbody>
              {technicians.map((t) => (
                <tr key={t.id} data-technician={t.email}>
                  <td data-label="Name">{t.name || "(not known yet)"}</td>
                  <td data-label="Email">{t.email || "—"}</td>
                  <td data-label="Rescue group">{t.rescueGroupName ?? "—"}</td>
                  <td data-label="Enabled">
                    {t.status === "enabled" ? (
                      <span className="badge succeeded">Enabled</span>
                    ) : t.status === "disabled" ? (
                      <span className="badge disable">Disabled</span>
                    ) : (
                      "Not known yet"
                    )}
                  </td>
                  <td data-label="Last change">
                    {t.changedAt ? (
                      <>
                        {formatSecond(t.changedAt)}
                        {t.changedByRunId ? (
                          <>
                            {" "}
                            by <Link href={`/t/${tenantId}/runs/${t.changedByRunId}`}>this run</Link>
                          </>
                        ) : null}
                      </>
                    ) : (
                      "—"
                    )}
                  </td>
                  <td data-label="History">
                    <Link href={`/t/${tenantId}/technicians/${t.id}`} aria-label={`History of ${t.name || t.email}`}>
                      History
                    </Link>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {nextCursor ? (
        <p>
          <Link href={`/t/${tenantId}/technicians?${next}`}>Next page →</Link>
        </p>
      ) : null}
    </>
  );
}
