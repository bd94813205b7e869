import { queryRunPage } from "@techsync/runs";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { z } from "zod";
import type { ApiDeps } from "../../api-deps";
import { invalidField } from "../../errors";
import { AUTHENTICATED_ERRORS, ZTenantParams } from "../common.types";
import { keysetPage } from "../keyset-page";
import { runView } from "./run-view";
import { ZListRunsQuery, ZRunsReply } from "./runs.types";

/** Newest first, keyset-paged on (queuedAt, id) so page 200 costs what page 1 does (@techsync/runs' queryRunPage). */
export async function listRuns(
  deps: Pick<ApiDeps, "prisma">,
  tenantId: string,
  query: z.infer<typeof ZListRunsQuery>,
): Promise<z.infer<typeof ZRunsReply>> {
  const rows = await queryRunPage(deps.prisma, {
    tenantId,
    ...(query.status ? { status: query.status } : {}),
    ...(query.cursor ? { afterRunId: query.cursor } : {}),
    take: query.limit + 1,
  });
  if (query.cursor && rows.length === 0) {
    const cursorRun = await deps.prisma.syncRun.findFirst({
      where: { id: query.cursor, tenantId },
      select: { id: true },
    });
    if (!cursorRun) throw invalidField("cursor", "does not name a run of this tenant.");
  }
  const { page, nextCursor } = keysetPage(rows, query.limit, (r) => r.id);
  return { runs: page.map(runView), ...(nextCursor ? { nextCursor } : {}) };
}

export const listRunsRoute: FastifyPluginAsyncZod<ApiDeps> = async (app, deps) => {
  app.get(
    "/v1/tenants/:tenantId/runs",
    {
      schema: {
        tags: ["runs"],
        summary: "Runs, newest first, optionally of one status",
        params: ZTenantParams,
        querystring: ZListRunsQuery,
        response: { 200: ZRunsReply, ...AUTHENTICATED_ERRORS },
      },
      config: { access: { tenant: "read" } },
    },
    (request) => listRuns(deps, request.params.tenantId, request.query),
  );
};
