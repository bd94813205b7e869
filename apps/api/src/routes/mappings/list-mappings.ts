import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { z } from "zod";
import type { ApiDeps } from "../../api-deps";
import { AUTHENTICATED_ERRORS, ZTenantParams } from "../common.types";
import { mappingView, ZMappingsReply } from "./mappings.types";

export async function listMappings(
  deps: Pick<ApiDeps, "prisma">,
  tenantId: string,
): Promise<z.infer<typeof ZMappingsReply>> {
  const rows = await deps.prisma.groupMapping.findMany({
    where: { tenantId },
    orderBy: [{ priority: "asc" }, { createdAt: "asc" }],
  });
  return { mappings: rows.map(mappingView) };
}

export const listMappingsRoute: FastifyPluginAsyncZod<ApiDeps> = async (app, deps) => {
  app.get(
    "/v1/tenants/:tenantId/mappings",
    {
      schema: {
        tags: ["mappings"],
        summary: "Group mappings in priority order",
        params: ZTenantParams,
        response: { 200: ZMappingsReply, ...AUTHENTICATED_ERRORS },
      },
      config: { access: { tenant: "read" } },
    },
    (request) => listMappings(deps, request.params.tenantId),
  );
};
