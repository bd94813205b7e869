import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { z } from "zod";
import type { ApiDeps } from "../../api-deps";
import { notFound } from "../../errors";
import { AUTHENTICATED_ERRORS } from "../common.types";
import { keysetPage } from "../keyset-page";
import { type ZAction, ZActionsReply, ZListActionsQuery, ZRunParams } from "./runs.types";

const ACTION_COLUMNS = `seq, kind::text AS kind, status::text AS status, entra_user_id AS "entraUserId",
  rescue_node_id AS "rescueNodeId", rescue_group_id AS "rescueGroupId", display_name AS "displayName", email, reason,
  changes, error_code AS "errorCode", error`;

/** `q` matched literally: its own % and _ are not wildcards. */
function containsPattern(q: string): string {
  return `%${q.replace(/[\\%_]/g, "\\$&")}%`;
}

/**
 * In plan order, keyset-paged on seq. Hand-written SQL like the run list (a run may have 10,000 actions and
 * the portal pages through them); values only ever travel as parameters.
 */
export async function listRunActions(
  deps: Pick<ApiDeps, "prisma">,
  tenantId: string,
  runId: string,
  query: z.infer<typeof ZListActionsQuery>,
): Promise<z.infer<typeof ZActionsReply>> {
  const params: unknown[] = [runId, tenantId];
  const where = ["run_id = $1::uuid", "tenant_id = $2::uuid"];
  if (query.kind) {
    params.push(query.kind);
    where.push(`kind = $${params.length}::"ActionKind"`);
  }
  if (query.status) {
    params.push(query.status);
    where.push(`status = $${params.length}::"ActionStatus"`);
  }
  if (query.cursor !== undefined) {
    params.push(query.cursor);
    where.push(`seq > $${params.length}`);
  }
  if (query.q) {
    params.push(containsPattern(query.q));
    where.push(`(display_name ILIKE $${params.length} OR email ILIKE $${params.length})`);
  }
  params.push(query.limit + 1);
  const rows = await deps.prisma.$queryRawUnsafe<z.infer<typeof ZAction>[]>(
    `SELECT ${ACTION_COLUMNS} FROM sync_actions WHERE ${where.join(" AND ")} ORDER BY seq ASC LIMIT $${params.length}`,
    ...params,
  );
  // Scoped by tenant above; only an empty page needs to tell "no such run" from "no matching actions".
  if (rows.length === 0) {
    const run = await deps.prisma.syncRun.findFirst({ where: { id: runId, tenantId }, select: { id: true } });
    if (!run) throw notFound("The run");
  }
  const { page, nextCursor } = keysetPage(rows, query.limit, (a) => String(a.seq));
  return {
    actions: page.map((a) => ({ ...a, changes: a.changes ?? null })),
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
