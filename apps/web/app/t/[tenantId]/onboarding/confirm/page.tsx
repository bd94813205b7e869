import Link from "next/link";
import { ActionButton } from "../../../../../src/components/action-button";
import { stepHeading, WizardSteps } from "../../../../../src/components/wizard-steps";
import { actionKindLabel, actionKinds, runCount } from "../../../../../src/runs/run-words";
import { requireTenantApi } from "../../../../../src/server/portal-session";
import { startSyncing } from "../actions";

/** The browser tab and history say which page this is ("Setup step 5: Confirm · TechSync"). */
export const metadata = { title: "Setup step 5: Confirm" };

export const dynamic = "force-dynamic";

export default async function ConfirmStep({
  params,
  searchParams,
}: {
  params: Promise<{ tenantId: string }>;
  searchParams: Promise<{ runId?: string }>;
}) {
  const { tenantId } = await params;
  const { runId } = await searchParams;
  const api = await requireTenantApi(tenantId);
  const [settings, rescue, entra, { mappings }, preview, activation] = await Promise.all([
    api.settings(),
    api.rescueConnection(),
    api.entraConnection(),
    api.mappings(),
    runId ? api.run(runId) : Promise.resolve(undefined),
    api.activation(),
  ]);
  // rule 14: only a successful preview of the configuration as it is now allows starting; the API says why not.
  const previewHref = `/t/${tenantId}/onboarding/preview${runId ? `?runId=${encodeURIComponent(runId)}` : ""}`;
  return (
    <>
      <WizardSteps tenantId={tenantId} current="confirm" />
      <h1>{stepHeading("confirm")}</h1>
      <div className="card">
        <dl>
          <dt className="label">Rescue</dt>
          <dd>{rescue ? `Master Account Holder ${rescue.email}` : "Not connected — go back to step 1."}</dd>
          <dt className="label">Entra ID</dt>
          <dd>{entra ? `Directory ${entra.directoryId}` : "Not connected — go back to step 2."}</dd>
          <dt className="label">Group pairs</dt>
          <dd>
            {mappings.length ? (
              <ul>
                {mappings.map((m) => (
                  <li key={m.id}>
                    {m.entraGroupName} → {m.rescueGroupName}
                  </li>
                ))}
              </ul>
            ) : (
              "None — go back to step 3."
            )}
          </dd>
          {preview ? (
            <>
              <dt className="label">The preview found</dt>
              <dd>
                {actionKinds
                  .map((kind) => `${runCount(preview, kind)} ${actionKindLabel(kind, true).toLowerCase()}`)
                  .join(" · ")}
              </dd>
            </>
          ) : null}
          <dt className="label">Schedule</dt>
          <dd>
            Every {settings.scheduleIntervalMinutes} minutes. If a run would disable more than{" "}
            {settings.safetyThreshold.percent}% of linked technicians (at least {settings.safetyThreshold.minimum}), it
            stops and waits for your approval.
          </dd>
        </dl>
      </div>
      <p>
        <strong>Start syncing</strong> turns the schedule on and starts the first run now. Technicians are created,
        updated and disabled in Rescue — never deleted.
      </p>
      <div className="actions">
        <Link className="button secondary" href={previewHref}>
          Back
        </Link>
        {activation.activatedAt ? (
          <Link className="button" href={`/t/${tenantId}`}>
            Go to the dashboard
          </Link>
        ) : activation.canStart ? (
          <ActionButton
            action={startSyncing.bind(null, tenantId)}
            label="Start syncing"
            pendingLabel="Starting the first sync…"
          />
        ) : (
          <button type="button" disabled aria-describedby="start-syncing-reason">
            Start syncing
          </button>
        )}
      </div>
      {activation.canStart || activation.activatedAt ? null : (
        <p id="start-syncing-reason" className="notice warn" role="status">
          {activation.reason}{" "}
          {activation.reason?.includes("preview") ? (
            <Link href={`/t/${tenantId}/onboarding/preview`}>Preview the current configuration</Link>
          ) : null}
        </p>
      )}
      {activation.activatedAt ? (
        <p className="notice ok" role="status">
          Syncing started on {new Date(activation.activatedAt).toLocaleString()}.
        </p>
      ) : null}
    </>
  );
}
