import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { ApiDeps } from "../../api-deps";
import { notFound } from "../../errors";
import { AUTHENTICATED_ERRORS, ZTenantParams } from "../common.types";
import { type EntraConnectionView, entraConnectionView, ZEntraConnection } from "./entra-connection.types";

export async function getEntraConnection(
  deps: Pick<ApiDeps, "prisma">,
  tenantId: string,
): Promise<EntraConnectionView> {
  const row = await deps.prisma.entraConnection.findUnique({ where: { tenantId } });
  if (!row) throw notFound("The Entra connection");
  return entraConnectionView(row);
}

export const getEntraConnectionRoute: FastifyPluginAsyncZod<ApiDeps> = async (app, deps) => {
  app.get(
    "/v1/tenants/:tenantId/entra-connection",
    {
      schema: {
        tags: ["connections"],
        summary: "The Entra connection (the client secret shown only as present or not)",
        params: ZTenantParams,
        response: { 200: ZEntraConnection, ...AUTHENTICATED_ERRORS },
      },
      config: { access: { tenant: "read" } },
    },
    (request) => getEntraConnection(deps, request.params.tenantId),
  );
};
