import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { ApiDeps } from "../../api-deps";
import { AUTHENTICATED_ERRORS, ZTenantParams } from "../common.types";
import { ZActivation } from "./activation.types";
import { activationState, activationView } from "./activation-state";

export const getActivationRoute: FastifyPluginAsyncZod<ApiDeps> = async (app, deps) => {
  app.get(
    "/v1/tenants/:tenantId/activation",
    {
      schema: {
        tags: ["tenants"],
        summary: "Whether syncing has started, and whether Start syncing is possible now (and if not, why)",
        params: ZTenantParams,
        response: { 200: ZActivation, ...AUTHENTICATED_ERRORS },
      },
      config: { access: { tenant: "read" } },
    },
    async (request) =>
      activationView(await deps.prisma.$transaction((tx) => activationState(tx, request.params.tenantId))),
  );
};
