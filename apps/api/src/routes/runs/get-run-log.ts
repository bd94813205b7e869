import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { z } from "zod";
import type { ApiDeps } from "../../api-deps";
import { notFound } from "../../errors";
import { AUTHENTICATED_ERRORS } from "../common.types";
import { keysetPage } from "../keyset-page";
import { logEntryView, ZRunLogQuery, ZRunLogReply, ZRunParams } from "./runs.types";

/** A run's log in the order it was written. */
export async function getRunLog(
  deps: Pick<ApiDeps, "prisma">,
  tenantId: string,
  runId: string,
  query: z.infer<typeof ZRunLogQuery>,
): Promise<z.infer<typeof ZRunLogReply>> {
  const run = await deps.prisma.syncRun.findFirst({ where: { id: runId, tenantId }, select: { id: true } });
  if (!run) throw notFound("The run");
  const rows = await deps.prisma.logEntry.findMany({
    where: { runId, tenantId, ...(query.cursor ? { id: { gt: BigInt(query.cursor) } } : {}) },
    orderBy: { id: "asc" },
    take: query.limit + 1,
  });
  const { page, nextCursor } = keysetPage(rows, query.limit, (e) => e.id.toString());
  return {
    entries: page.map(logEntryView),
    ...(nextCursor ? { nextCursor } : {}),
  };
}

export const getRunLogRoute: FastifyPluginAsyncZod<ApiDeps> = async (app, deps) => {
  app.get(
    "/v1/tenants/:tenantId/runs/:runId/log",
    {
      schema: {
        tags: ["runs"],
        summary: "A run's log entries, oldest first",
        params: ZRunParams,
        querystring: ZRunLogQuery,
        response: { 200: ZRunLogReply, ...AUTHENTICATED_ERRORS },
      },
      config: { access: { tenant: "read" } },
    },
    (request) => getRunLog(deps, request.params.tenantId, request.params.runId, request.query),
  );
};
