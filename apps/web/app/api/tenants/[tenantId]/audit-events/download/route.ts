// The audit log as a CSV or NDJSON file, fetched from the API as the signed-in user.
import { downloadQuery, passDownload } from "../../../../../../src/activity/download-response";
import { requireTenantApi } from "../../../../../../src/server/portal-session";

export const dynamic = "force-dynamic";

export async function GET(request: Request, { params }: { params: Promise<{ tenantId: string }> }) {
  const { tenantId } = await params;
  const { format, filters } = downloadQuery(new URL(request.url), ["actor", "kind", "q", "from", "to"]);
  return passDownload("techsync-audit-log", format, async () =>
    (await requireTenantApi(tenantId)).auditDownload({ ...filters, format }),
  );
}
