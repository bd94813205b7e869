import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { ApiDeps } from "../../api-deps";
import { notFound } from "../../errors";
import { AUTHENTICATED_ERRORS, ZTenantParams } from "../common.types";
import { type RescueConnectionView, rescueConnectionView, ZRescueConnection } from "./rescue-connection.types";

export async function getRescueConnection(
  deps: Pick<ApiDeps, "prisma">,
  tenantId: string,
): Promise<RescueConnectionView> {
  const row = await deps.prisma.rescueConnection.findUnique({ where: { tenantId } });
  if (!row) throw notFound("The Rescue connection");
  return rescueConnectionView(row);
}

export const getRescueConnectionRoute: FastifyPluginAsyncZod<ApiDeps> = async (app, deps) => {
  app.get(
    "/v1/tenants/:tenantId/rescue-connection",
    {
      schema: {
        tags: ["connections"],
        summary: "The Rescue connection (secrets shown only as present or not)",
        params: ZTenantParams,
        response: { 200: ZRescueConnection, ...AUTHENTICATED_ERRORS },
      },
      config: { access: { tenant: "read" } },
    },
    (request) => getRescueConnection(deps, request.params.tenantId),
  );
};
