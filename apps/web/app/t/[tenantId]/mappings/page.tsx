// The mapping editor: the tenant's pairs in priority order, each edited in place, the order saved in one go, every
// change estimated before it is saved. New pairs are added with the picker of the setup's step 3.
import Link from "next/link";
import { ApiError } from "../../../../src/api/api-error";
import { MappingEditor } from "../../../../src/mapping/mapping-editor";
import { requireTenantApi } from "../../../../src/server/portal-session";
import { changePair, estimatePairChange, reorderPairs } from "../onboarding/actions";

export const dynamic = "force-dynamic";
export const metadata = { title: "Mappings" };

export default async function Mappings({ params }: { params: Promise<{ tenantId: string }> }) {
  const { tenantId } = await params;
  const api = await requireTenantApi(tenantId);
  let problem: string | undefined;
  const [{ mappings }, rescue] = await Promise.all([
    api.mappings(),
    api.rescueGroups().catch((error: unknown) => {
      if (!(error instanceof ApiError)) throw error;
      problem = error.message;
      return undefined;
    }),
  ]);
  return (
    <>
      <h1>Mappings</h1>
      <p>
        Each pair puts the members of an Entra ID group into a Rescue technician group. Narrow a pair with conditions
        (all or any of them, each including or excluding people), choose whether members of nested groups count, and
        order the pairs: the first one wins for a user in several.{" "}
        <Link href={`/t/${tenantId}/onboarding/mappings`}>Add or remove pairs</Link>.
      </p>
      {problem ? (
        <div className="notice bad" role="alert">
          The Rescue groups could not be loaded: {problem}
        </div>
      ) : null}
      <MappingEditor
        mappings={mappings}
        rescueGroups={rescue?.groups ?? []}
        estimateChange={estimatePairChange.bind(null, tenantId)}
        savePair={changePair.bind(null, tenantId)}
        reorderPairs={reorderPairs.bind(null, tenantId)}
      />
    </>
  );
}
