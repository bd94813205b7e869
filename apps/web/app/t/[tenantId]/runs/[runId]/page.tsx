import Link from "next/link";
import { ActionButton } from "../../../../../src/components/action-button";
import { mappingNamesOf, RunView } from "../../../../../src/runs/run-view";
import { formatWhen, runIsLive } from "../../../../../src/runs/run-words";
import { foundOrNotFound, requireTenantApi } from "../../../../../src/server/portal-session";
import { approveRun, cancelRun, dismissRun, runAgain } from "../actions";

export const dynamic = "force-dynamic";

export default async function RunDetail({
  params,
  searchParams,
}: {
  params: Promise<{ tenantId: string; runId: string }>;
  searchParams: Promise<{ q?: string; kind?: string; status?: string; joined?: string }>;
}) {
  const { tenantId, runId } = await params;
  const { q, kind, status, joined } = await searchParams;
  const api = await requireTenantApi(tenantId);
  const run = await foundOrNotFound(api.run(runId));
  const blocked = run.status === "blocked";
  // A blocked run shows first what it would disable.
  const filters = { q, status, kind: kind ?? (blocked ? "disable" : undefined) };
  const [actions, { mappings }] = await Promise.all([
    runIsLive(run.status) ? { actions: [] } : api.runActions(runId, { ...filters, limit: 200 }),
    api.mappings(),
  ]);
  return (
    <>
      <p>
        <Link href={`/t/${tenantId}`}>← Dashboard</Link>
      </p>
      <h1>
        {run.dryRun ? "Preview" : "Sync run"} of {formatWhen(run.queuedAt)}
      </h1>
      <p className="hint">
        Triggered by {run.trigger}
        {run.finishedAt ? ` · finished ${formatWhen(run.finishedAt)}` : ""} ·{" "}
        <Link href={`/t/${tenantId}/log?runId=${encodeURIComponent(run.id)}`}>Log of this run</Link>
      </p>
      {joined && runIsLive(run.status) ? (
        <div className="notice info" role="status">
          A run was already in progress, so no new run was started: this is that run.
        </div>
      ) : null}
      {blocked ? (
        <div className="notice warn" role="alert">
          <p style={{ marginTop: 0 }}>
            This run would disable more technicians than the safety threshold allows, so it applied nothing. Check the
            list below. Approve to apply the whole plan, or dismiss it.
          </p>
          <div className="actions">
            <ActionButton
              action={approveRun.bind(null, tenantId, run.id)}
              label="Approve and apply"
              pendingLabel="Approving…"
              confirm="Apply this run, including every disable listed?"
            />
            <ActionButton
              action={dismissRun.bind(null, tenantId, run.id)}
              label="Dismiss"
              pendingLabel="Dismissing…"
              className="secondary"
            />
          </div>
        </div>
      ) : null}
      <RunView
        tenantId={tenantId}
        run={run}
        actions={actions.actions}
        filters={filters}
        mappingNames={mappingNamesOf(mappings)}
        more={Boolean("nextCursor" in actions && actions.nextCursor)}
        cancel={cancelRun.bind(null, tenantId, run.id)}
        runAgain={runAgain.bind(null, tenantId, run.id)}
      />
    </>
  );
}
