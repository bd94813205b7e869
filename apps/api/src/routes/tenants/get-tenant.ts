import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { ApiDeps } from "../../api-deps";
import { notFound } from "../../errors";
import { AUTHENTICATED_ERRORS, ZTenantParams } from "../common.types";
import { nextRunAt } from "./next-run-at";
import { type TenantSettings, tenantSettingsView, ZTenantSettings } from "./tenants.types";

export async function getTenant(
  deps: Pick<ApiDeps, "prisma" | "syncQueue">,
  tenantId: string,
): Promise<TenantSettings> {
  const tenant = await deps.prisma.tenant.findUnique({ where: { id: tenantId } });
  if (!tenant) throw notFound("The tenant");
  return tenantSettingsView(tenant, await nextRunAt(deps.syncQueue, tenantId));
}

export const getTenantRoute: FastifyPluginAsyncZod<ApiDeps> = async (app, deps) => {
  app.get(
    "/v1/tenants/:tenantId",
    {
      schema: {
        tags: ["tenants"],
        summary: "The tenant's settings",
        params: ZTenantParams,
        response: { 200: ZTenantSettings, ...AUTHENTICATED_ERRORS },
      },
      config: { access: { tenant: "read" } },
    },
    (request) => getTenant(deps, request.params.tenantId),
  );
};
