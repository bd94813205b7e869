import Link from "next/link";
import { ActionButton } from "../../../src/components/action-button";
import { RunControls } from "../../../src/runs/run-controls";
import { changeFeedLabel, formatWhen, runCount, runStatusLabel, whenOrNone } from "../../../src/runs/run-words";
import { RunsChart } from "../../../src/runs/runs-chart";
import { requireTenantApi } from "../../../src/server/portal-session";
import { cancelRun, runAgain, startRunNow } from "./runs/actions";

/** The browser tab and history say which page this is ("Dashboard · TechSync"). */
export const metadata = { title: "Dashboard" };

export const dynamic = "force-dynamic";

export default async function Dashboard({ params }: { params: Promise<{ tenantId: string }> }) {
  const { tenantId } = await params;
  const api = await requireTenantApi(tenantId);
  const [summary, settings, rescue, { runs }] = await Promise.all([
    api.summary(),
    api.settings(),
    api.rescueConnection(),
    api.runs({ limit: 20 }),
  ]);
  const last = summary.lastRun;
  // rule 14: before a person pressed Start syncing there is no schedule and no real run, only previews.
  const syncing = summary.activatedAt !== null;
  return (
    <>
      <h1>Dashboard</h1>
      {rescue ? (
        <div className="actions" style={{ marginTop: 0, marginBottom: 12 }}>
          {syncing ? (
            <ActionButton action={startRunNow.bind(null, tenantId, false)} label="Sync now" pendingLabel="Starting…" />
          ) : null}
          <ActionButton
            action={startRunNow.bind(null, tenantId, true)}
            label="Preview now"
            pendingLabel="Starting…"
            className="secondary"
          />
          <Link href={`/t/${tenantId}/sync-user`} className="button secondary">
            Sync a user now
          </Link>
        </div>
      ) : null}
      {!rescue ? (
        <div className="notice info">
          TechSync is not set up yet. <Link href={`/t/${tenantId}/onboarding/rescue`}>Start the five-step setup</Link>.
        </div>
      ) : null}
      {rescue && !syncing ? (
        <div className="notice info" role="status">
          Not syncing yet: nothing changes in Rescue and no run is scheduled until you preview the configuration and
          press Start syncing. <Link href={`/t/${tenantId}/onboarding/confirm`}>Go to step 5, Start syncing</Link>.
        </div>
      ) : null}
      {settings.attentionReason ? (
        <div className="notice warn" role="alert" data-attention>
          Needs attention: {settings.attentionReason}
          {settings.attentionRunId ? (
            <>
              {" "}
              <Link href={`/t/${tenantId}/runs/${settings.attentionRunId}`}>Review the blocked run</Link>.
            </>
          ) : null}
        </div>
      ) : null}
      {last?.status === "blocked" && !settings.attentionRunId ? (
        <div className="notice warn" role="alert">
          {last.error ?? "The last run was stopped by the safety threshold."}{" "}
          <Link href={`/t/${tenantId}/runs/${last.id}`}>Review what it would disable</Link>.
        </div>
      ) : null}
      <div className="stats">
        <div className="stat">
          <div className="label">Last run</div>
          {last ? (
            <>
              <div className="value">
                <Link href={`/t/${tenantId}/runs/${last.id}`}>{runStatusLabel(last.status)}</Link>
              </div>
              {/* How fresh Rescue is: when the last run of the whole tenant ended (runs of one user are not it). */}
              <div className="hint" data-last-run-at>
                {formatWhen(last.finishedAt ?? last.queuedAt)}
              </div>
            </>
          ) : (
            <div className="hint">No run yet.</div>
          )}
        </div>
        <div className="stat">
          <div className="label">Next scheduled run</div>
          <div className="value">
            {!syncing ? "Not syncing yet" : settings.paused ? "Paused" : formatWhen(summary.nextRunAt)}
          </div>
          <div className="hint">Every {settings.scheduleIntervalMinutes} minutes</div>
        </div>
        {summary.freshness ? (
          <div className="stat" data-freshness>
            <div className="label">Changes from Entra ID</div>
            <div className="value">{changeFeedLabel(summary.freshness.changeFeed)}</div>
            <div className="hint">
              Last change received: {whenOrNone(summary.freshness.lastChangeReceivedAt)}
              <br />
              Last incremental run: {whenOrNone(summary.freshness.lastIncrementalRunAt)}
              <br />
              Last full run: {whenOrNone(summary.freshness.lastFullRunAt)}
            </div>
          </div>
        ) : null}
        <div className="stat">
          <div className="label">Linked technicians</div>
          <div className="value" data-linked-technicians>
            {summary.linkedTechnicians}
          </div>
          {summary.enabledTechnicians !== undefined ? (
            <div className="hint" data-technician-statuses>
              {summary.enabledTechnicians} enabled · {summary.disabledTechnicians ?? 0} disabled
            </div>
          ) : null}
          <div className="hint">
            <Link href={`/t/${tenantId}/technicians`}>See the technicians</Link>
          </div>
        </div>
      </div>
      <section className="card" aria-labelledby="chart-heading">
        <h2 id="chart-heading" style={{ marginTop: 0 }}>
          Last 30 runs
        </h2>
        <RunsChart runs={summary.recentRuns} />
      </section>
      <section aria-labelledby="runs-heading">
        <h2 id="runs-heading">Runs</h2>
        {runs.length === 0 ? (
          <p className="hint">No runs yet. Runs appear here once the setup is done.</p>
        ) : (
          <div className="table-wrap">
            <table className="responsive">
              <thead>
                <tr>
                  <th scope="col">Started</th>
                  <th scope="col">Kind</th>
                  <th scope="col">Outcome</th>
                  <th scope="col">Created</th>
                  <th scope="col">Updated</th>
                  <th scope="col">Disabled</th>
                  <th scope="col">Failed</th>
                  <th scope="col">
                    <span className="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {runs.map((run) => (
                  <tr key={run.id}>
                    <td data-label="Started">
                      <Link href={`/t/${tenantId}/runs/${run.id}`}>{formatWhen(run.queuedAt)}</Link>
                    </td>
                    <td data-label="Kind">
                      {run.dryRun ? "Preview" : "Sync"} · {run.trigger}
                    </td>
                    <td data-label="Outcome">
                      <span className={`badge ${run.status}`}>{runStatusLabel(run.status)}</span>
                    </td>
                    <td data-label="Created">{runCount(run, "create")}</td>
                    <td data-label="Updated">{runCount(run, "update")}</td>
                    <td data-label="Disabled">{runCount(run, "disable")}</td>
                    <td data-label="Failed">{runCount(run, "failed")}</td>
                    <td data-label="">
                      <RunControls
                        run={{ status: run.status, cancelRequestedAt: run.cancelRequestedAt }}
                        cancel={cancelRun.bind(null, tenantId, run.id)}
                        runAgain={runAgain.bind(null, tenantId, run.id)}
                      />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </>
  );
}
