// The sync log as an NDJSON file, fetched from the API as the signed-in user.
import { ApiError } from "../../../../../../src/api/api-error";
import { currentPortalUserId, requireTenantApi } from "../../../../../../src/server/portal-session";

export const dynamic = "force-dynamic";

export async function GET(request: Request, { params }: { params: Promise<{ tenantId: string }> }) {
  const { tenantId } = await params;
  if (!(await currentPortalUserId())) return Response.json({ message: "Sign in first." }, { status: 401 });
  const url = new URL(request.url);
  const level = url.searchParams.get("level") || undefined;
  const runId = url.searchParams.get("runId") || undefined;
  try {
    const upstream = await (await requireTenantApi(tenantId)).logsDownload({ level, runId });
    const day = new Date().toISOString().slice(0, 10);
    return new Response(upstream.body, {
      headers: {
        "content-type": "application/x-ndjson; charset=utf-8",
        "content-disposition": `attachment; filename="techsync-sync-log-${day}.ndjson"`,
      },
    });
  } catch (error) {
    if (error instanceof ApiError) return Response.json({ message: error.message }, { status: error.status });
    throw error;
  }
}
