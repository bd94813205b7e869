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
  hasWarnings = false,
}: {
  run: Pick<SyncRun, "dryRun" | "status">;
  actions: SyncAction[];
  filters: ActionFilters;
  hidden?: Record<string, string>;
  more?: boolean;
  mappingNames?: Record<string, string>;
  /** The run has warnings (an empty group, a missing Rescue group, …): "already matches" would mislead. */
  hasWarnings?: boolean;
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
          {filtered
            ? "No user matches these filters."
            : run.status === "failed"
              ? "Nothing was planned: the run stopped before it could compare Entra ID with Rescue (see why above)."
              : hasWarnings
                ? "No user needs a change, but see the warnings above: they may keep users out of Rescue."
                : "Nothing to do: Rescue already matches Entra ID."}
        </p>
      ) : (
        <div className="table-wrap">
          <table className="responsive">
            <caption className="sr-only">Actions of this run</caption>
            <thead>
              <tr>
                <th scope="col">User</th>
                <th scope="col">Action</th>
                <th scope="col">Rescue group</th>
                {run.dryRun ? null : <th scope="col">Outcome</th>}
                <th scope="col">Why</th>
              </tr>
            </thead>
            <tbody>
              {actions.map((action) => (
                <tr key={action.seq} data-kind={action.kind}>
                  <td data-label="User">
                    {action.displayName ?? action.email ?? `Entra user ${action.entraUserId ?? "?"}`}
                    <br />
                    <span className="hint">{action.email}</span>
                  </td>
                  <td data-label="Action">
                    <span className={`badge ${action.kind}`}>
                      {actionKindLabel(action.kind, run.dryRun, action.status)}
                    </span>
                    {describeChanges(action.changes)}
                  </td>
                  <td data-label="Rescue group">{rescueGroupOf(action)}</td>
                  {run.dryRun ? null : (
                    <td data-label="Outcome">
                      <span className={`badge ${action.status}`} data-action-status={action.status}>
                        {actionStatusLabel(action.status, run.status)}
                      </span>
                      {action.error ? <p className="error-text">{action.error}</p> : null}
                    </td>
                  )}
                  <td data-label="Why">{explainReason(action.cause?.sentence ?? action.reason, mappingNames)}</td>
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

/** Where the technician lands (create) or is: the group's name and id; older runs named only a create's group id. */
export function rescueGroupOf(action: Pick<SyncAction, "rescueGroupId" | "rescueGroupName" | "cause">): string {
  if (action.rescueGroupId === null || action.rescueGroupId === undefined) return "—";
  const name = action.rescueGroupName ?? null;
  if (name !== null) return `${name} (${action.rescueGroupId})`;
  // A run that knows group names (it has causes) and has none for this one: the group was gone when it planned.
  return action.cause ? `Group ${action.rescueGroupId} (no longer in Rescue)` : `Group ${action.rescueGroupId}`;
}

function describeChanges(changes: unknown) {
  if (!changes || typeof changes !== "object") return null;
  const fields = Array.isArray(changes)
    ? changes.map((c) => (c && typeof c === "object" && "field" in c ? String(c.field) : String(c)))
    : Object.keys(changes);
  return fields.length ? <p className="hint">Changes: {fields.join(", ")}</p> : null;
}
