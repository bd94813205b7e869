import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { z } from "zod";
import type { ApiDeps } from "../../api-deps";
import { notFound } from "../../errors";
import { AUTHENTICATED_ERRORS } from "../common.types";
import { ZActionsReply, ZListActionsQuery, ZRunParams } from "./runs.types";

/** In plan order, keyset-paged on seq. */
export async function listRunActions(
  deps: Pick<ApiDeps, "prisma">,
  tenantId: string,
  runId: string,
  query: z.infer<typeof ZListActionsQuery>,
): Promise<z.infer<typeof ZActionsReply>> {
  const rows = await deps.prisma.syncAction.findMany({
    where: {
      runId,
      tenantId,
      ...(query.kind ? { kind: query.kind } : {}),
      ...(query.status ? { status: query.status } : {}),
      ...(query.cursor === undefined ? {} : { seq: { gt: query.cursor } }),
      ...(query.q
        ? {
            OR: [
              { displayName: { contains: query.q, mode: "insensitive" as const } },
              { email: { contains: query.q, mode: "insensitive" as const } },
            ],
          }
        : {}),
    },
    orderBy: { seq: "asc" },
    take: query.limit + 1,
  });
  // Scoped by tenant above; only an empty page needs to tell "no such run" from "no matching actions".
  if (rows.length === 0) {
    const run = await deps.prisma.syncRun.findFirst({ where: { id: runId, tenantId }, select: { id: true } });
    if (!run) throw notFound("The run");
  }
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return {
    actions: page.map((a) => ({
      seq: a.seq,
      kind: a.kind,
      status: a.status,
      entraUserId: a.entraUserId,
      rescueNodeId: a.rescueNodeId,
      rescueGroupId: a.rescueGroupId,
      displayName: a.displayName,
      email: a.email,
      reason: a.reason,
      changes: a.changes ?? null,
      errorCode: a.errorCode,
      error: a.error,
    })),
    ...(rows.length > query.limit && last ? { nextCursor: String(last.seq) } : {}),
  };
}

export const listRunActionsRoute: FastifyPluginAsyncZod<ApiDeps> = async (app, deps) => {
  app.get(
    "/v1/tenants/:tenantId/runs/:runId/actions",
    {
      schema: {
        tags: ["runs"],
        summary: "A run's actions, filtered by kind, outcome and a name/email search",
        params: ZRunParams,
        querystring: ZListActionsQuery,
        response: { 200: ZActionsReply, ...AUTHENTICATED_ERRORS },
      },
      config: { access: { tenant: "read" } },
    },
    (request) => listRunActions(deps, request.params.tenantId, request.params.runId, request.query),
  );
};
