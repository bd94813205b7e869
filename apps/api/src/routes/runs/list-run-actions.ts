import { queryRunActionPage } from "@techsync/runs";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { z } from "zod";
import type { ApiDeps } from "../../api-deps";
import { notFound } from "../../errors";
import { AUTHENTICATED_ERRORS } from "../common.types";
import { keysetPage } from "../keyset-page";
import { ZActionsReply, ZListActionsQuery, ZRunParams } from "./runs.types";
import { storedActionCause } from "./stored-run-counts";

/** In plan order, keyset-paged on seq (@techsync/runs' queryRunActionPage: a run may have 10,000 actions). */
export async function listRunActions(
  deps: Pick<ApiDeps, "prisma">,
  tenantId: string,
  runId: string,
  query: z.infer<typeof ZListActionsQuery>,
): Promise<z.infer<typeof ZActionsReply>> {
  const rows = await queryRunActionPage(deps.prisma, {
    tenantId,
    runId,
    ...(query.kind ? { kind: query.kind } : {}),
    ...(query.status ? { status: query.status } : {}),
    ...(query.cursor !== undefined ? { afterSeq: query.cursor } : {}),
    ...(query.q ? { search: query.q } : {}),
    take: query.limit + 1,
  });
  // Scoped by tenant above; only an empty page needs to tell "no such run" from "no matching actions".
  if (rows.length === 0) {
    const run = await deps.prisma.syncRun.findFirst({ where: { id: runId, tenantId }, select: { id: true } });
    if (!run) throw notFound("The run");
  }
  const { page, nextCursor } = keysetPage(rows, query.limit, (a) => String(a.seq));
  return {
    actions: page.map((a) => ({ ...a, changes: a.changes ?? null, cause: storedActionCause(a.cause) })),
    ...(nextCursor ? { nextCursor } : {}),
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
