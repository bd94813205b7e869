import Link from "next/link";
import { ActionButton } from "../../../../../src/components/action-button";
import { stepHeading, WizardSteps } from "../../../../../src/components/wizard-steps";
import { actionKindLabel, actionKinds, runCount } from "../../../../../src/runs/run-words";
import { requireTenantApi } from "../../../../../src/server/portal-session";
import { startSyncing } from "../actions";

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
  const [settings, rescue, entra, { mappings }, preview] = await Promise.all([
    api.settings(),
    api.rescueConnection(),
    api.entraConnection(),
    api.mappings(),
    runId ? api.run(runId) : Promise.resolve(undefined),
  ]);
  const ready = Boolean(rescue && entra && mappings.length);
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
        <Link
          className="button secondary"
          href={`/t/${tenantId}/onboarding/preview${runId ? `?runId=${encodeURIComponent(runId)}` : ""}`}
        >
          Back
        </Link>
        {ready ? (
          <ActionButton
            action={startSyncing.bind(null, tenantId)}
            label="Start syncing"
            pendingLabel="Starting the first sync…"
          />
        ) : (
          <span className="hint">Finish the earlier steps first.</span>
        )}
      </div>
    </>
  );
}
