import Link from "next/link";
import type { SyncAction } from "../../../../../src/api/api-types";
import { BlockedRunReview } from "../../../../../src/runs/blocked-run-review";
import { mappingNamesOf, RunView } from "../../../../../src/runs/run-view";
import { actionKinds, formatWhen, runIsLive } from "../../../../../src/runs/run-words";
import { foundOrNotFound, requireTenantApi } from "../../../../../src/server/portal-session";
import { UserExplanationSteps } from "../../../../../src/sync-user/user-explanation";
import { approveRun, cancelRun, dismissRun, runAgain } from "../actions";

/** The browser tab and history say which page this is ("Run · TechSync"). */
export const metadata = { title: "Run" };

export const dynamic = "force-dynamic";

/** A blocked run's actions listed for review with a checkbox each, at most this many (pages of 200). */
const REVIEW_LIMIT = 1000;

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
  const filters = { q, status, kind };
  // A blocked run lists every action awaiting approval (up to REVIEW_LIMIT), so a choice covers what it shows.
  const awaiting = async () => {
    const listed: SyncAction[] = [];
    let cursor: string | undefined;
    do {
      const page = await api.runActions(runId, { status: "planned", limit: 200, ...(cursor ? { cursor } : {}) });
      listed.push(...page.actions);
      cursor = page.nextCursor;
    } while (cursor && listed.length < REVIEW_LIMIT);
    return { actions: listed, more: Boolean(cursor) };
  };
  const [actions, { mappings }, review] = await Promise.all([
    runIsLive(run.status) || blocked ? { actions: [] } : api.runActions(runId, { ...filters, limit: 200 }),
    api.mappings(),
    blocked ? awaiting() : null,
  ]);
  const counts = run.counts;
  const awaitingTotal = counts ? actionKinds.reduce((sum, k) => sum + counts[k].planned, 0) : 0;
  return (
    <>
      <p>
        <Link href={`/t/${tenantId}`}>← Dashboard</Link>
      </p>
      <h1>
        {run.estimate ? "Estimate of a change of the pairs" : run.dryRun ? "Preview" : "Sync run"} of{" "}
        {formatWhen(run.queuedAt)}
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
          <p style={{ margin: 0 }}>
            This run would disable more technicians than the safety threshold allows, so it applied nothing. Check the
            list below: approve all of it or only the actions you select, or dismiss it.
          </p>
        </div>
      ) : null}
      {/* A run of one user ("Sync a user now") shows its decision step by step once it ended. */}
      {run.report?.explanation ? (
        <section className="card" aria-labelledby="explanation-heading">
          <h2 id="explanation-heading" style={{ marginTop: 0 }}>
            Sync of one user
            {run.report.explanation.user?.displayName ? `: ${run.report.explanation.user.displayName}` : ""}
          </h2>
          <UserExplanationSteps explanation={run.report.explanation} dryRun={run.dryRun} />
        </section>
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
        review={
          review ? (
            <BlockedRunReview
              actions={review.actions}
              total={review.more ? Math.max(awaitingTotal, review.actions.length + 1) : review.actions.length}
              approve={approveRun.bind(null, tenantId, run.id)}
              dismiss={dismissRun.bind(null, tenantId, run.id)}
              mappingNames={mappingNamesOf(mappings)}
            />
          ) : undefined
        }
      />
    </>
  );
}
