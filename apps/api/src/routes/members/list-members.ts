import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { z } from "zod";
import type { ApiDeps } from "../../api-deps";
import { AUTHENTICATED_ERRORS, ZTenantParams } from "../common.types";
import { memberView, ZMembersReply } from "./members.types";

export async function listMembers(
  deps: Pick<ApiDeps, "prisma">,
  tenantId: string,
): Promise<z.infer<typeof ZMembersReply>> {
  const memberships = await deps.prisma.membership.findMany({
    where: { tenantId },
    include: { portalUser: true },
    orderBy: { createdAt: "asc" },
  });
  return { members: memberships.map(memberView) };
}

export const listMembersRoute: FastifyPluginAsyncZod<ApiDeps> = async (app, deps) => {
  app.get(
    "/v1/tenants/:tenantId/members",
    {
      schema: {
        tags: ["members"],
        summary: "The tenant's members and their roles",
        params: ZTenantParams,
        response: { 200: ZMembersReply, ...AUTHENTICATED_ERRORS },
      },
      config: { access: { tenant: "read" } },
    },
    (request) => listMembers(deps, request.params.tenantId),
  );
};
