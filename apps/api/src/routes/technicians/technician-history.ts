// One technician's history: every action runs applied or attempted for its Entra user, newest first, each with
// what changed from what to what, when, by which run and why (the runs' recorded actions, sync_actions).
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { z } from "zod";
import type { ApiDeps } from "../../api-deps";
import { notFound } from "../../errors";
import { activityEntry } from "../activity/activity-entry";
import { AUTHENTICATED_ERRORS } from "../common.types";
import { keysetPage } from "../keyset-page";
import { ZTechnicianHistoryQuery, ZTechnicianHistoryReply, ZTechnicianParams } from "./technicians.types";

export async function technicianHistory(
  deps: Pick<ApiDeps, "prisma">,
  params: z.infer<typeof ZTechnicianParams>,
  query: z.infer<typeof ZTechnicianHistoryQuery>,
): Promise<z.infer<typeof ZTechnicianHistoryReply>> {
  // A foreign tenant's technician is not found, as one that does not exist.
  const link = await deps.prisma.link.findFirst({
    where: { id: params.linkId, tenantId: params.tenantId },
    select: { entraUserId: true },
  });
  if (!link) throw notFound("The technician");
  const rows = await deps.prisma.syncAction.findMany({
    where: {
      tenantId: params.tenantId,
      entraUserId: link.entraUserId,
      status: { not: "planned" },
      ...(query.cursor ? { id: { lt: BigInt(query.cursor) } } : {}),
    },
    include: { run: { select: { dryRun: true } } },
    orderBy: { id: "desc" },
    take: query.limit + 1,
  });
  const { page, nextCursor } = keysetPage(rows, query.limit, (row) => row.id.toString());
  return { entries: page.map(activityEntry), ...(nextCursor ? { nextCursor } : {}) };
}

export const technicianHistoryRoute: FastifyPluginAsyncZod<ApiDeps> = async (app, deps) => {
  app.get(
    "/v1/tenants/:tenantId/technicians/:linkId/history",
    {
      schema: {
        tags: ["technicians"],
        summary: "One technician's changes, newest first: what changed from what to what, when, by which run, why",
        params: ZTechnicianParams,
        querystring: ZTechnicianHistoryQuery,
        response: { 200: ZTechnicianHistoryReply, ...AUTHENTICATED_ERRORS },
      },
      config: { access: { tenant: "read" } },
    },
    (request) => technicianHistory(deps, request.params, request.query),
  );
};
