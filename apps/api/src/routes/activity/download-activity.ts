// The sync log as a file (CSV for a spreadsheet, NDJSON for tools), streamed in batches so a tenant's whole
// history never sits in memory at once.
import { Readable } from "node:stream";
import type { Prisma } from "@techsync/db";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { ApiDeps } from "../../api-deps";
import { AUTHENTICATED_ERRORS, ZTenantParams } from "../common.types";
import { csvLine } from "../csv";
import { ZDownloadActivityQuery } from "./activity.types";
import { activityEntry, changeInWords, OUTCOME_WORDS } from "./activity-entry";
import { activityWhere } from "./list-activity";

const BATCH = 1000;
const CSV_HEADER = ["Time (UTC)", "User", "Email", "Change", "Outcome", "Rescue group", "Why", "Error", "Run"];

/** The filter is made before the stream starts, so a bad one is a 400, not a broken download. */
export async function* downloadActivity(
  deps: Pick<ApiDeps, "prisma">,
  where: Prisma.SyncActionWhereInput,
  query: Pick<z.infer<typeof ZDownloadActivityQuery>, "format">,
): AsyncGenerator<string> {
  if (query.format === "csv") yield csvLine(CSV_HEADER);
  let before: bigint | undefined;
  for (;;) {
    const rows = await deps.prisma.syncAction.findMany({
      where: before === undefined ? where : { AND: [where, { id: { lt: before } }] },
      include: { run: { select: { dryRun: true } } },
      orderBy: { id: "desc" },
      take: BATCH,
    });
    if (rows.length === 0) return;
    const entries = rows.map(activityEntry);
    yield query.format === "csv"
      ? entries
          .map((e) =>
            csvLine([
              e.at,
              e.displayName,
              e.email,
              changeInWords(e),
              OUTCOME_WORDS[e.status],
              e.rescueGroupName,
              e.reason,
              e.error,
              e.runId,
            ]),
          )
          .join("")
      : `${entries.map((e) => JSON.stringify(e)).join("\n")}\n`;
    before = rows.at(-1)?.id;
    if (rows.length < BATCH) return;
  }
}

export const downloadActivityRoute: FastifyPluginAsyncZod<ApiDeps> = async (app, deps) => {
  app.get(
    "/v1/tenants/:tenantId/activity/download",
    {
      schema: {
        tags: ["logs"],
        summary: "The sync log as a CSV or NDJSON file, newest first",
        params: ZTenantParams,
        querystring: ZDownloadActivityQuery,
        response: {
          200: z.unknown().describe("text/csv or application/x-ndjson, one action per line"),
          ...AUTHENTICATED_ERRORS,
        },
      },
      config: { access: { tenant: "read" } },
    },
    (request, reply) => {
      const { format } = request.query;
      const where = activityWhere(request.params.tenantId, request.query);
      return reply
        .type(format === "csv" ? "text/csv; charset=utf-8" : "application/x-ndjson; charset=utf-8")
        .header("content-disposition", `attachment; filename="techsync-sync-log.${format}"`)
        .send(Readable.from(downloadActivity(deps, where, request.query)));
    },
  );
};
