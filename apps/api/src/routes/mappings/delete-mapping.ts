import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { ApiDeps } from "../../api-deps";
import { recordAuditEvent } from "../../audit/record-audit-event";
import { tenantAccessOf } from "../../auth/authenticate";
import type { TenantAccess } from "../../auth/principal";
import { notFound } from "../../errors";
import { AUTHENTICATED_ERRORS } from "../common.types";
import { mappingView, ZMappingParams } from "./mappings.types";

export async function deleteMapping(
  deps: Pick<ApiDeps, "prisma">,
  access: TenantAccess,
  mappingId: string,
): Promise<void> {
  await deps.prisma.$transaction(async (tx) => {
    const row = await tx.groupMapping.findFirst({ where: { id: mappingId, tenantId: access.tenantId } });
    if (!row) throw notFound("The mapping");
    await tx.groupMapping.delete({ where: { id: row.id } });
    await recordAuditEvent(tx, access, {
      action: "mapping.deleted",
      target: `mapping:${mappingId}`,
      details: mappingView(row),
    });
  });
}

export const deleteMappingRoute: FastifyPluginAsyncZod<ApiDeps> = async (app, deps) => {
  app.delete(
    "/v1/tenants/:tenantId/mappings/:mappingId",
    {
      schema: {
        tags: ["mappings"],
        summary: "Delete a mapping",
        params: ZMappingParams,
        response: { 204: z.null().describe("Deleted"), ...AUTHENTICATED_ERRORS },
      },
      config: { access: { tenant: "write" } },
    },
    async (request, reply) => {
      await deleteMapping(deps, tenantAccessOf(request), request.params.mappingId);
      return reply.status(204).send(null);
    },
  );
};
