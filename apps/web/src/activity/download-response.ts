// A download (sync log, audit log) fetched from the API as the signed-in user and passed through as a file.
import { ApiError } from "../api/api-error";
import { currentPortalUserId } from "../server/portal-session";

export type DownloadFormat = "csv" | "ndjson";

/** The format the address asks for (CSV unless it says NDJSON), and the query's other non-empty values. */
export function downloadQuery(
  url: URL,
  names: readonly string[],
): { format: DownloadFormat; filters: Record<string, string> } {
  const filters: Record<string, string> = {};
  for (const name of names) {
    const value = url.searchParams.get(name);
    if (value) filters[name] = value;
  }
  return { format: url.searchParams.get("format") === "ndjson" ? "ndjson" : "csv", filters };
}

export async function passDownload(
  fileStem: string,
  format: DownloadFormat,
  fetchUpstream: () => Promise<Response>,
): Promise<Response> {
  if (!(await currentPortalUserId())) return Response.json({ message: "Sign in first." }, { status: 401 });
  try {
    const upstream = await fetchUpstream();
    const day = new Date().toISOString().slice(0, 10);
    return new Response(upstream.body, {
      headers: {
        "content-type": format === "csv" ? "text/csv; charset=utf-8" : "application/x-ndjson; charset=utf-8",
        "content-disposition": `attachment; filename="${fileStem}-${day}.${format}"`,
      },
    });
  } catch (error) {
    if (error instanceof ApiError) return Response.json({ message: error.message }, { status: error.status });
    throw error;
  }
}
