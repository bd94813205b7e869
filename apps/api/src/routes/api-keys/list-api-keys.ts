import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { z } from "zod";
import type { ApiDeps } from "../../api-deps";
import { AUTHENTICATED_ERRORS, ZTenantParams } from "../common.types";
import { apiKeyView, ZApiKeysReply } from "./api-keys.types";

export async function listApiKeys(
  deps: Pick<ApiDeps, "prisma">,
  tenantId: string,
): Promise<z.infer<typeof ZApiKeysReply>> {
  const rows = await deps.prisma.apiKey.findMany({ where: { tenantId }, orderBy: { createdAt: "desc" } });
  return { apiKeys: rows.map(apiKeyView) };
}

export const listApiKeysRoute: FastifyPluginAsyncZod<ApiDeps> = async (app, deps) => {
  app.get(
    "/v1/tenants/:tenantId/api-keys",
    {
      schema: {
        tags: ["api-keys"],
        summary: "The tenant's API keys, without their secrets (owner)",
        params: ZTenantParams,
        response: { 200: ZApiKeysReply, ...AUTHENTICATED_ERRORS },
      },
      config: { access: { tenant: "owner" } },
    },
    (request) => listApiKeys(deps, request.params.tenantId),
  );
};
