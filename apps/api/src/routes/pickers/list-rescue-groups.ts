import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { z } from "zod";
import type { ApiDeps } from "../../api-deps";
import { technicianGroupsOf } from "../../connections/rescue-technician-groups";
import { tenantRescueClient, upstreamError } from "../../connections/tenant-connections";
import { AUTHENTICATED_ERRORS, ZErrorReply, ZTenantParams } from "../common.types";
import { ZRescueGroupsReply } from "./pickers.types";

export async function listRescueGroups(
  deps: Pick<ApiDeps, "prisma" | "secretBox" | "outbound" | "upstreamTimeoutMs">,
  tenantId: string,
): Promise<z.infer<typeof ZRescueGroupsReply>> {
  const rescue = await tenantRescueClient(deps, tenantId);
  try {
    return { groups: technicianGroupsOf(await rescue.getTree()) };
  } catch (error) {
    throw upstreamError(error);
  }
}

export const listRescueGroupsRoute: FastifyPluginAsyncZod<ApiDeps> = async (app, deps) => {
  app.get(
    "/v1/tenants/:tenantId/pickers/rescue-groups",
    {
      schema: {
        tags: ["pickers"],
        summary: "The Rescue organisation's technician groups, flat with parent ids",
        params: ZTenantParams,
        response: { 200: ZRescueGroupsReply, 409: ZErrorReply, 502: ZErrorReply, ...AUTHENTICATED_ERRORS },
      },
      config: { access: { tenant: "read" } },
    },
    (request) => listRescueGroups(deps, request.params.tenantId),
  );
};
