// The audit log as a file (CSV for a spreadsheet, NDJSON for tools), streamed in batches, newest first.
import { Readable } from "node:stream";
import type { Prisma } from "@techsync/db";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { ApiDeps } from "../../api-deps";
import { AUTHENTICATED_ERRORS, ZTenantParams } from "../common.types";
import { csvLine } from "../csv";
import { ZDownloadAuditEventsQuery } from "./audit-events.types";
import { auditEventViews, auditWhere } from "./list-audit-events";

const BATCH = 1000;
const CSV_HEADER = ["Time (UTC)", "Actor", "Actor type", "Action", "Target", "Details"];

export async function* downloadAuditEvents(
  deps: Pick<ApiDeps, "prisma">,
  where: Prisma.AuditEventWhereInput,
  format: "csv" | "ndjson",
): AsyncGenerator<string> {
  if (format === "csv") yield csvLine(CSV_HEADER);
  let before: bigint | undefined;
  for (;;) {
    const rows = await deps.prisma.auditEvent.findMany({
      where: before === undefined ? where : { AND: [where, { id: { lt: before } }] },
      orderBy: { id: "desc" },
      take: BATCH,
    });
    if (rows.length === 0) return;
    const events = await auditEventViews(deps, rows);
    yield format === "csv"
      ? events
          .map((e) =>
            csvLine([
              e.createdAt,
              e.actorName ?? (e.actorType === "system" ? "TechSync" : e.actorId),
              e.actorType,
              e.action,
              e.target,
              e.details === null ? null : JSON.stringify(e.details),
            ]),
          )
          .join("")
      : `${events.map((e) => JSON.stringify(e)).join("\n")}\n`;
    before = rows.at(-1)?.id;
    if (rows.length < BATCH) return;
  }
}

export const downloadAuditEventsRoute: FastifyPluginAsyncZod<ApiDeps> = async (app, deps) => {
  app.get(
    "/v1/tenants/:tenantId/audit-events/download",
    {
      schema: {
        tags: ["audit"],
        summary: "The audit log as a CSV or NDJSON file, newest first",
        params: ZTenantParams,
        querystring: ZDownloadAuditEventsQuery,
        response: {
          200: z.unknown().describe("text/csv or application/x-ndjson, one event per line"),
          ...AUTHENTICATED_ERRORS,
        },
      },
      config: { access: { tenant: "read" } },
    },
    async (request, reply) => {
      const { format } = request.query;
      // The filter is made before the stream starts, so a bad one is a 400, not a broken download.
      const where = await auditWhere(deps, request.params.tenantId, request.query);
      return reply
        .type(format === "csv" ? "text/csv; charset=utf-8" : "application/x-ndjson; charset=utf-8")
        .header("content-disposition", `attachment; filename="techsync-audit-log.${format}"`)
        .send(Readable.from(downloadAuditEvents(deps, where, format)));
    },
  );
};
