import { AdSyncNotice } from "../../../../../src/components/adsync-notice";
import { stepHeading, WizardSteps } from "../../../../../src/components/wizard-steps";
import { rescueRegionOptions } from "../../../../../src/forms/destination-options";
import { DemoDataButton } from "../../../../../src/sandbox/demo-data-button";
import { requireTenantApi } from "../../../../../src/server/portal-session";
import { fillWithDemoData, saveRescueStep } from "../actions";
import { RescueStepForm } from "./rescue-step-form";

/** The browser tab and history say which page this is ("Setup step 1: Rescue · TechSync"). */
export const metadata = { title: "Setup step 1: Rescue" };

export const dynamic = "force-dynamic";

export default async function RescueStep({
  params,
  searchParams,
}: {
  params: Promise<{ tenantId: string }>;
  searchParams: Promise<{ demo?: string }>;
}) {
  const { tenantId } = await params;
  const { demo } = await searchParams;
  const api = await requireTenantApi(tenantId);
  const [connection, settings] = await Promise.all([api.rescueConnection(), api.settings()]);
  return (
    <>
      <WizardSteps tenantId={tenantId} current="rescue" />
      <h1>{stepHeading("rescue")}</h1>
      <p>
        TechSync calls your Rescue organisation's API with its API token, on behalf of the Master Account Holder, to
        create, update and disable technicians. Nothing changes in Rescue until you confirm in step 5.
      </p>
      {demo ? (
        <div className="notice info" role="status">
          The sandbox values are saved for steps 1 and 2, and sandbox mode is on. Test the connection, then continue.{" "}
          <button type="submit" form="rescue-step-form" name="intent" value="next">
            Test and continue
          </button>
        </div>
      ) : null}
      <div className="card">
        <p className="hint">No Rescue or Microsoft account at hand? Walk through the whole flow with the sandbox.</p>
        <DemoDataButton action={fillWithDemoData.bind(null, tenantId, "rescue")} />
      </div>
      <AdSyncNotice />
      <div className="card">
        <RescueStepForm
          key={demo ? "demo" : "saved"}
          action={saveRescueStep.bind(null, tenantId)}
          saved={{
            email: connection?.email ?? "",
            region: connection?.region ?? "global",
            regionOptions: rescueRegionOptions(settings.sandboxMode),
            hasPassword: connection?.hasPassword ?? false,
            hasApiToken: connection?.hasApiToken ?? false,
            hasDefaultPassword: settings.hasDefaultPassword,
            organisation: connection?.organisation ?? null,
            lastTest:
              connection?.lastTestedAt && connection.lastTestMessage
                ? {
                    ok: connection.lastTestOk === true,
                    message: connection.lastTestMessage,
                    at: connection.lastTestedAt,
                  }
                : null,
          }}
        />
      </div>
    </>
  );
}
