// The sync log as people read it: one line per action a run applied or attempted (not the run's process log),
// newest first, filtered by run, action kind, outcome, user and date range.
import type { Prisma } from "@techsync/db";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { z } from "zod";
import type { ApiDeps } from "../../api-deps";
import { AUTHENTICATED_ERRORS, ZTenantParams } from "../common.types";
import { keysetPage } from "../keyset-page";
import { ZActivityReply, type ZDownloadActivityQuery, ZListActivityQuery } from "./activity.types";
import { activityEntry, dateRange } from "./activity-entry";

type ActivityFilter = Omit<z.infer<typeof ZDownloadActivityQuery>, "format">;

/** The actions the filter takes in: never planned ones (not applied: a dry run, a blocked run's plan). */
export function activityWhere(tenantId: string, filter: ActivityFilter): Prisma.SyncActionWhereInput {
  const range = dateRange(filter.from, filter.to);
  return {
    tenantId,
    status: filter.status ?? { not: "planned" },
    ...(filter.runId ? { runId: filter.runId } : {}),
    ...(filter.kind ? { kind: filter.kind } : {}),
    ...(range ? { updatedAt: range } : {}),
    ...(filter.q
      ? {
          OR: [
            { displayName: { contains: filter.q, mode: "insensitive" as const } },
            { email: { contains: filter.q, mode: "insensitive" as const } },
          ],
        }
      : {}),
  };
}

export async function listActivity(
  deps: Pick<ApiDeps, "prisma">,
  tenantId: string,
  query: z.infer<typeof ZListActivityQuery>,
): Promise<z.infer<typeof ZActivityReply>> {
  const where = activityWhere(tenantId, query);
  const rows = await deps.prisma.syncAction.findMany({
    where: query.cursor ? { AND: [where, { id: { lt: BigInt(query.cursor) } }] } : where,
    include: { run: { select: { dryRun: true } } },
    orderBy: { id: "desc" },
    take: query.limit + 1,
  });
  const { page, nextCursor } = keysetPage(rows, query.limit, (row) => row.id.toString());
  return { entries: page.map(activityEntry), ...(nextCursor ? { nextCursor } : {}) };
}

export const listActivityRoute: FastifyPluginAsyncZod<ApiDeps> = async (app, deps) => {
  app.get(
    "/v1/tenants/:tenantId/activity",
    {
      schema: {
        tags: ["logs"],
        summary: "The sync log: one entry per action a run applied or attempted, newest first",
        params: ZTenantParams,
        querystring: ZListActivityQuery,
        response: { 200: ZActivityReply, ...AUTHENTICATED_ERRORS },
      },
      config: { access: { tenant: "read" } },
    },
    (request) => listActivity(deps, request.params.tenantId, request.query),
  );
};
