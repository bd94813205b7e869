// Every user a run touched, what happens to them, and why. Filtering is a plain GET form, so it
// works before any script loads and the filtered view can be linked.
import type { SyncAction, SyncRun } from "../api/api-types";
import { actionKindLabel, actionKinds, actionStatusLabel } from "./run-words";

export interface ActionFilters {
  q?: string;
  kind?: string;
  status?: string;
}

/** The planner's reasons name mappings by id; a person knows them as "Helpdesk → Support Tier 1". */
export function explainReason(reason: string | null, mappingNames: Record<string, string>): string {
  if (!reason) return "—";
  return reason.replace(
    /mapping ([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})/gi,
    (whole, id: string) => (mappingNames[id] ? `the pair ${mappingNames[id]}` : whole),
  );
}

export function RunActionsTable({
  run,
  actions,
  filters,
  hidden,
  more,
  mappingNames = {},
}: {
  run: Pick<SyncRun, "dryRun" | "status">;
  actions: SyncAction[];
  filters: ActionFilters;
  hidden?: Record<string, string>;
  more?: boolean;
  mappingNames?: Record<string, string>;
}) {
  const filtered = Boolean(filters.q || filters.kind || filters.status);
  return (
    <section aria-labelledby="actions-heading">
      <h2 id="actions-heading">{run.dryRun ? "What will happen to each user" : "What happened to each user"}</h2>
      <form className="filters" method="get">
        {Object.entries(hidden ?? {}).map(([name, value]) => (
          <input key={name} type="hidden" name={name} value={value} />
        ))}
        <div className="field">
          <label htmlFor="actions-q">Search name or email</label>
          <input id="actions-q" type="search" name="q" defaultValue={filters.q ?? ""} />
        </div>
        <div className="field">
          <label htmlFor="actions-kind">Action</label>
          <select id="actions-kind" name="kind" defaultValue={filters.kind ?? ""}>
            <option value="">All actions</option>
            {actionKinds.map((kind) => (
              <option key={kind} value={kind}>
                {actionKindLabel(kind, run.dryRun)}
              </option>
            ))}
          </select>
        </div>
        {run.dryRun ? null : (
          <div className="field">
            <label htmlFor="actions-status">Outcome</label>
            <select id="actions-status" name="status" defaultValue={filters.status ?? ""}>
              <option value="">All outcomes</option>
              <option value="succeeded">Applied</option>
              <option value="failed">Failed</option>
              <option value="skipped">Not applied</option>
            </select>
          </div>
        )}
        <button type="submit" className="secondary">
          Filter
        </button>
      </form>
      {actions.length === 0 ? (
        <p className="hint">
          {filtered ? "No user matches these filters." : "Nothing to do: Rescue already matches Entra ID."}
        </p>
      ) : (
        <div className="table-wrap">
          <table>
            <caption className="sr-only">Actions of this run</caption>
            <thead>
              <tr>
                <th scope="col">User</th>
                <th scope="col">Action</th>
                {run.dryRun ? null : <th scope="col">Outcome</th>}
                <th scope="col">Why</th>
              </tr>
            </thead>
            <tbody>
              {actions.map((action) => (
                <tr key={action.seq} data-kind={action.kind}>
                  <td>
                    {action.displayName ?? action.email ?? `Entra user ${action.entraUserId ?? "?"}`}
                    <br />
                    <span className="hint">{action.email}</span>
                  </td>
                  <td>
                    <span className={`badge ${action.kind}`}>
                      {actionKindLabel(action.kind, run.dryRun, action.status)}
                    </span>
                    {describeChanges(action.changes)}
                  </td>
                  {run.dryRun ? null : (
                    <td>
                      <span className={`badge ${action.status}`} data-action-status={action.status}>
                        {actionStatusLabel(action.status, run.status)}
                      </span>
                      {action.error ? <p className="error-text">{action.error}</p> : null}
                    </td>
                  )}
                  <td>{explainReason(action.reason, mappingNames)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {more ? <p className="hint">Showing the first {actions.length}. Search or filter to narrow the list.</p> : null}
    </section>
  );
}

function describeChanges(changes: unknown) {
  if (!changes || typeof changes !== "object") return null;
  const fields = Array.isArray(changes)
    ? changes.map((c) => (c && typeof c === "object" && "field" in c ? String(c.field) : String(c)))
    : Object.keys(changes);
  return fields.length ? <p className="hint">Changes: {fields.join(", ")}</p> : null;
}
