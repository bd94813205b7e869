import Link from "next/link";
import { ApiError } from "../../../../../src/api/api-error";
import { stepHeading, WizardSteps } from "../../../../../src/components/wizard-steps";
import { GroupPicker } from "../../../../../src/mapping/group-picker";
import { requireTenantApi } from "../../../../../src/server/portal-session";
import { addMapping, changePair, estimatePairChange, removeMapping, searchEntraGroups } from "../actions";

/** The browser tab and history say which page this is ("Setup step 3: Map groups · TechSync"). */
export const metadata = { title: "Setup step 3: Map groups" };

export const dynamic = "force-dynamic";

export default async function MappingsStep({ params }: { params: Promise<{ tenantId: string }> }) {
  const { tenantId } = await params;
  const api = await requireTenantApi(tenantId);
  let problem: ApiError | undefined;
  const failed = (error: unknown) => {
    if (!(error instanceof ApiError)) throw error;
    problem ??= error;
    return undefined;
  };
  const [{ mappings }, rescue, entra] = await Promise.all([
    api.mappings(),
    api.rescueGroups().catch(failed),
    api.entraGroups({ pageSize: 50 }).catch(failed),
  ]);
  return (
    <>
      <WizardSteps tenantId={tenantId} current="mappings" />
      <h1>{stepHeading("mappings")}</h1>
      <p>
        Pair each Entra ID group with the Rescue technician group its members belong in. Members of nested groups count
        too. You can narrow a pair with a filter, e.g. only people whose department is “Support”; to give a pair several
        conditions, change its nested-groups switch or reorder the pairs, use the{" "}
        <Link href={`/t/${tenantId}/mappings`}>mapping editor</Link>.
      </p>
      {problem ? (
        <div className="notice bad" role="alert">
          The groups could not be loaded. {problem.message}{" "}
          {problem.fix ? (
            <Link href={`/t/${tenantId}/onboarding/${problem.fix.step}`}>{problem.fix.label}</Link>
          ) : (
            <>
              Check the <Link href={`/t/${tenantId}/onboarding/rescue`}>Rescue</Link> and{" "}
              <Link href={`/t/${tenantId}/onboarding/entra`}>Entra ID</Link> connections.
            </>
          )}
        </div>
      ) : null}
      <GroupPicker
        rescueGroups={rescue?.groups ?? []}
        mappings={mappings}
        initialEntraGroups={entra ?? { groups: [] }}
        searchEntraGroups={searchEntraGroups.bind(null, tenantId)}
        addPair={addMapping.bind(null, tenantId)}
        removePair={removeMapping.bind(null, tenantId)}
        estimateChange={estimatePairChange.bind(null, tenantId)}
        changePair={changePair.bind(null, tenantId)}
      />
      <div className="actions">
        <Link className="button secondary" href={`/t/${tenantId}/onboarding/entra`}>
          Back
        </Link>
        {mappings.length ? (
          <Link className="button" href={`/t/${tenantId}/onboarding/preview`}>
            Continue to preview
          </Link>
        ) : (
          <span className="hint">Add at least one pair to continue.</span>
        )}
      </div>
    </>
  );
}
