// The API's Server-Sent Events for one run, passed through as the signed-in user: the browser's
// EventSource talks to the portal, never to the API.
import { ApiError } from "../../../../../../../src/api/api-error";
import { currentPortalUserId, requireTenantApi } from "../../../../../../../src/server/portal-session";

export const dynamic = "force-dynamic";

export async function GET(request: Request, { params }: { params: Promise<{ tenantId: string; runId: string }> }) {
  const { tenantId, runId } = await params;
  if (!(await currentPortalUserId())) return Response.json({ message: "Sign in first." }, { status: 401 });
  const api = await requireTenantApi(tenantId);
  try {
    const upstream = await api.runEvents(runId, request.signal);
    return new Response(upstream.body, {
      headers: {
        "content-type": "text/event-stream; charset=utf-8",
        "cache-control": "no-cache, no-transform",
        "x-accel-buffering": "no",
      },
    });
  } catch (error) {
    if (error instanceof ApiError) return Response.json({ message: error.message }, { status: error.status });
    throw error;
  }
}
