import Link from "next/link";
import { ActionButton } from "../../../../../src/components/action-button";
import { stepHeading, WizardSteps } from "../../../../../src/components/wizard-steps";
import { mappingNamesOf, RunView } from "../../../../../src/runs/run-view";
import { runIsLive } from "../../../../../src/runs/run-words";
import { requireTenantApi } from "../../../../../src/server/portal-session";
import { startPreview } from "../actions";

/** The browser tab and history say which page this is ("Setup step 4: Preview · TechSync"). */
export const metadata = { title: "Setup step 4: Preview" };

export const dynamic = "force-dynamic";

const PAGE = 200;

export default async function PreviewStep({
  params,
  searchParams,
}: {
  params: Promise<{ tenantId: string }>;
  searchParams: Promise<{ runId?: string; q?: string; kind?: string }>;
}) {
  const { tenantId } = await params;
  const { runId, q, kind } = await searchParams;
  const api = await requireTenantApi(tenantId);
  const run = runId ? await api.run(runId) : undefined;
  const [actions, { mappings }] = await Promise.all([
    run && !runIsLive(run.status) ? api.runActions(run.id, { q, kind, limit: PAGE }) : { actions: [] },
    api.mappings(),
  ]);
  return (
    <>
      <WizardSteps tenantId={tenantId} current="preview" />
      <h1>{stepHeading("preview")}</h1>
      <p>
        A preview (dry run) reads Entra ID and Rescue and works out what a sync would do — without changing anything.
      </p>
      {run && !runIsLive(run.status) && run.status !== "failed" ? (
        <p className="notice ok" role="status">
          The preview is complete: nothing was changed.{" "}
          <Link href={`/t/${tenantId}/onboarding/confirm?runId=${run.id}`}>Continue to step 5</Link>
        </p>
      ) : null}
      {run ? (
        <RunView
          tenantId={tenantId}
          run={run}
          actions={actions.actions}
          filters={{ q, kind }}
          hidden={{ runId: run.id }}
          mappingNames={mappingNamesOf(mappings)}
          more={Boolean("nextCursor" in actions && actions.nextCursor)}
        />
      ) : (
        <div className="card">
          <p>Start a preview to see who will be created, linked, updated, enabled or disabled, and why.</p>
        </div>
      )}
      <div className="actions">
        <Link className="button secondary" href={`/t/${tenantId}/onboarding/mappings`}>
          Back
        </Link>
        {run && runIsLive(run.status) ? null : (
          <ActionButton
            action={startPreview.bind(null, tenantId)}
            label={run ? "Preview again" : "Start preview"}
            pendingLabel="Starting the preview…"
            className={run ? "secondary" : undefined}
          />
        )}
        {run && !runIsLive(run.status) && run.status !== "failed" ? (
          <Link className="button" href={`/t/${tenantId}/onboarding/confirm?runId=${run.id}`}>
            Continue
          </Link>
        ) : null}
      </div>
    </>
  );
}
