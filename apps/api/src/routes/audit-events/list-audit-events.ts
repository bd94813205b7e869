import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { z } from "zod";
import type { ApiDeps } from "../../api-deps";
import { AUTHENTICATED_ERRORS, ZTenantParams } from "../common.types";
import { keysetPage } from "../keyset-page";
import { ZAuditEventsReply, ZListAuditEventsQuery } from "./audit-events.types";

/** Every configuration change, newest first. */
export async function listAuditEvents(
  deps: Pick<ApiDeps, "prisma">,
  tenantId: string,
  query: z.infer<typeof ZListAuditEventsQuery>,
): Promise<z.infer<typeof ZAuditEventsReply>> {
  const rows = await deps.prisma.auditEvent.findMany({
    where: { tenantId, ...(query.cursor ? { id: { lt: BigInt(query.cursor) } } : {}) },
    orderBy: { id: "desc" },
    take: query.limit + 1,
  });
  const { page, nextCursor } = keysetPage(rows, query.limit, (e) => e.id.toString());
  return {
    events: page.map((e) => ({
      id: e.id.toString(),
      actorType: e.actorType,
      actorId: e.actorId,
      action: e.action,
      target: e.target,
      details: e.details ?? null,
      createdAt: e.createdAt.toISOString(),
    })),
    ...(nextCursor ? { nextCursor } : {}),
  };
}

export const listAuditEventsRoute: FastifyPluginAsyncZod<ApiDeps> = async (app, deps) => {
  app.get(
    "/v1/tenants/:tenantId/audit-events",
    {
      schema: {
        tags: ["audit"],
        summary: "Configuration changes: who, what, when",
        params: ZTenantParams,
        querystring: ZListAuditEventsQuery,
        response: { 200: ZAuditEventsReply, ...AUTHENTICATED_ERRORS },
      },
      config: { access: { tenant: "read" } },
    },
    (request) => listAuditEvents(deps, request.params.tenantId, request.query),
  );
};
