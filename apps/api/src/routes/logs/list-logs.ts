import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { z } from "zod";
import type { ApiDeps } from "../../api-deps";
import { AUTHENTICATED_ERRORS, ZTenantParams } from "../common.types";
import { keysetPage } from "../keyset-page";
import { logEntryView } from "../runs/runs.types";
import { levelsFrom, ZListLogsQuery, ZLogsReply } from "./logs.types";

/** The sync log, newest first. */
export async function listLogs(
  deps: Pick<ApiDeps, "prisma">,
  tenantId: string,
  query: z.infer<typeof ZListLogsQuery>,
): Promise<z.infer<typeof ZLogsReply>> {
  const levels = levelsFrom(query.level);
  const rows = await deps.prisma.logEntry.findMany({
    where: {
      tenantId,
      ...(levels ? { level: { in: [...levels] } } : {}),
      ...(query.runId ? { runId: query.runId } : {}),
      ...(query.cursor ? { id: { lt: BigInt(query.cursor) } } : {}),
    },
    orderBy: { id: "desc" },
    take: query.limit + 1,
  });
  const { page, nextCursor } = keysetPage(rows, query.limit, (e) => e.id.toString());
  return {
    entries: page.map(logEntryView),
    ...(nextCursor ? { nextCursor } : {}),
  };
}

export const listLogsRoute: FastifyPluginAsyncZod<ApiDeps> = async (app, deps) => {
  app.get(
    "/v1/tenants/:tenantId/logs",
    {
      schema: {
        tags: ["logs"],
        summary: "The sync log, newest first; level is a floor (warn = warnings and errors)",
        params: ZTenantParams,
        querystring: ZListLogsQuery,
        response: { 200: ZLogsReply, ...AUTHENTICATED_ERRORS },
      },
      config: { access: { tenant: "read" } },
    },
    (request) => listLogs(deps, request.params.tenantId, request.query),
  );
};
