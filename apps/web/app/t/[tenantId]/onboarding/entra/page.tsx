import { stepHeading, WizardSteps } from "../../../../../src/components/wizard-steps";
import { entraCloudOptions } from "../../../../../src/forms/destination-options";
import { DemoDataButton } from "../../../../../src/sandbox/demo-data-button";
import { requireTenantApi } from "../../../../../src/server/portal-session";
import { fillWithDemoData, saveEntraStep } from "../actions";
import { AppRegistrationGuide } from "./app-registration-guide";
import { EntraStepForm } from "./entra-step-form";

/** The browser tab and history say which page this is ("Setup step 2: Entra ID · TechSync"). */
export const metadata = { title: "Setup step 2: Entra ID" };

export const dynamic = "force-dynamic";

export default async function EntraStep({
  params,
  searchParams,
}: {
  params: Promise<{ tenantId: string }>;
  searchParams: Promise<{ demo?: string }>;
}) {
  const { tenantId } = await params;
  const { demo } = await searchParams;
  const api = await requireTenantApi(tenantId);
  const [connection, settings] = await Promise.all([api.entraConnection(), api.settings()]);
  return (
    <>
      <WizardSteps tenantId={tenantId} current="entra" />
      <h1>{stepHeading("entra")}</h1>
      <p>
        TechSync reads your Entra ID users and groups through an app registration in your directory. It only reads: it
        never changes anything in Entra ID.
      </p>
      {demo || (settings.sandboxMode && connection?.cloud === "sandbox") ? (
        <div className="notice info" role="status">
          The sandbox values are saved. Test the connection, then continue.{" "}
          <button type="submit" form="entra-step-form" name="intent" value="next">
            Test and continue
          </button>
        </div>
      ) : null}
      <AppRegistrationGuide />
      <div className="card">
        {connection ? null : <DemoDataButton action={fillWithDemoData.bind(null, tenantId, "entra")} />}
        <EntraStepForm
          key={demo ? "demo" : "saved"}
          tenantId={tenantId}
          action={saveEntraStep.bind(null, tenantId)}
          saved={{
            directoryId: connection?.directoryId ?? "",
            clientId: connection?.clientId ?? "",
            cloud: connection?.cloud ?? "global",
            cloudOptions: entraCloudOptions(settings.sandboxMode),
            hasClientSecret: connection?.hasClientSecret ?? false,
            // A date read from Graph is shown, not put in the field: saving it would make it an entered one.
            clientSecretExpiresOn:
              connection?.clientSecretExpirySource === "graph" ? "" : (connection?.clientSecretExpiresOn ?? ""),
            ...(connection?.clientSecretExpirySource === "graph" && connection.clientSecretExpiresOn
              ? { clientSecretExpiresOnInEntra: connection.clientSecretExpiresOn }
              : {}),
          }}
        />
      </div>
    </>
  );
}
