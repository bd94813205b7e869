// The linked technicians (links: Entra user ↔ Rescue technician), by name, with the state the last applied action
// left them in; searched by name or email and filtered by status, Rescue group and pair.
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { z } from "zod";
import type { ApiDeps } from "../../api-deps";
import { invalidField } from "../../errors";
import { AUTHENTICATED_ERRORS, ZTenantParams } from "../common.types";
import { keysetPage } from "../keyset-page";
import { ZListTechniciansQuery, ZTechniciansReply } from "./technicians.types";

/** The linked technicians, by name. */
export async function listTechnicians(
  deps: Pick<ApiDeps, "prisma">,
  tenantId: string,
  query: z.infer<typeof ZListTechniciansQuery>,
): Promise<z.infer<typeof ZTechniciansReply>> {
  let cursorId: string | undefined;
  if (query.cursor) {
    const link = await deps.prisma.link.findUnique({
      where: { tenantId_entraUserId: { tenantId, entraUserId: query.cursor } },
      select: { id: true },
    });
    if (!link) throw invalidField("cursor", "does not name a technician of this tenant.");
    cursorId = link.id;
  }
  const rows = await deps.prisma.link.findMany({
    where: {
      tenantId,
      ...(query.status ? { technicianStatus: query.status } : {}),
      ...(query.rescueGroupId !== undefined ? { rescueGroupId: query.rescueGroupId } : {}),
      ...(query.mappingId ? { mappingId: query.mappingId } : {}),
      ...(query.q
        ? {
            OR: [
              { name: { contains: query.q, mode: "insensitive" as const } },
              { email: { contains: query.q, mode: "insensitive" as const } },
            ],
          }
        : {}),
    },
    orderBy: [{ name: "asc" }, { id: "asc" }],
    take: query.limit + 1,
    ...(cursorId ? { cursor: { id: cursorId }, skip: 1 } : {}),
  });
  const { page, nextCursor } = keysetPage(rows, query.limit, (l) => l.entraUserId);
  return {
    technicians: page.map((l) => ({
      id: l.id,
      entraUserId: l.entraUserId,
      rescueNodeId: l.rescueNodeId,
      name: l.name,
      email: l.email,
      status: l.technicianStatus === "enabled" || l.technicianStatus === "disabled" ? l.technicianStatus : null,
      rescueGroupId: l.rescueGroupId,
      rescueGroupName: l.rescueGroupName,
      mappingId: l.mappingId,
      lastOutcome: l.lastOutcome,
      lastRunId: l.lastRunId,
      changedAt: l.changedAt?.toISOString() ?? null,
      changedByRunId: l.changedByRunId,
      updatedAt: l.updatedAt.toISOString(),
    })),
    ...(nextCursor ? { nextCursor } : {}),
  };
}

export const listTechniciansRoute: FastifyPluginAsyncZod<ApiDeps> = async (app, deps) => {
  app.get(
    "/v1/tenants/:tenantId/technicians",
    {
      schema: {
        tags: ["technicians"],
        summary: "Linked technicians with their Entra user, status, Rescue group and last change",
        params: ZTenantParams,
        querystring: ZListTechniciansQuery,
        response: { 200: ZTechniciansReply, ...AUTHENTICATED_ERRORS },
      },
      config: { access: { tenant: "read" } },
    },
    (request) => listTechnicians(deps, request.params.tenantId, request.query),
  );
};
