import { Readable } from "node:stream";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { ApiDeps } from "../../api-deps";
import { AUTHENTICATED_ERRORS, ZTenantParams } from "../common.types";
import { logEntryView } from "../runs/runs.types";
import { levelsFrom, ZDownloadLogsQuery } from "./logs.types";

const BATCH = 1000;

/** The whole (filtered) sync log as NDJSON, read in batches so a large log never sits in memory at once. */
export async function* downloadLogs(
  deps: Pick<ApiDeps, "prisma">,
  tenantId: string,
  query: z.infer<typeof ZDownloadLogsQuery>,
): AsyncGenerator<string> {
  const levels = levelsFrom(query.level);
  let after: bigint | undefined;
  for (;;) {
    const rows = await deps.prisma.logEntry.findMany({
      where: {
        tenantId,
        ...(levels ? { level: { in: [...levels] } } : {}),
        ...(query.runId ? { runId: query.runId } : {}),
        ...(after === undefined ? {} : { id: { gt: after } }),
      },
      orderBy: { id: "asc" },
      take: BATCH,
    });
    if (rows.length === 0) return;
    yield `${rows.map((row) => JSON.stringify(logEntryView(row))).join("\n")}\n`;
    after = rows.at(-1)?.id;
    if (rows.length < BATCH) return;
  }
}

export const downloadLogsRoute: FastifyPluginAsyncZod<ApiDeps> = async (app, deps) => {
  app.get(
    "/v1/tenants/:tenantId/logs/download",
    {
      schema: {
        tags: ["logs"],
        summary: "The sync log as an NDJSON file, oldest first",
        params: ZTenantParams,
        querystring: ZDownloadLogsQuery,
        response: {
          200: z.unknown().describe("application/x-ndjson, one log entry per line"),
          ...AUTHENTICATED_ERRORS,
        },
      },
      config: { access: { tenant: "read" } },
    },
    (request, reply) =>
      reply
        .type("application/x-ndjson; charset=utf-8")
        .header("content-disposition", 'attachment; filename="techsync-sync-log.ndjson"')
        .send(Readable.from(downloadLogs(deps, request.params.tenantId, request.query))),
  );
};
