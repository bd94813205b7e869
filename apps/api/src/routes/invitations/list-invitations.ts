import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { z } from "zod";
import type { ApiDeps } from "../../api-deps";
import { AUTHENTICATED_ERRORS, ZTenantParams } from "../common.types";
import { invitationView, pendingAt, ZInvitationsReply } from "./invitations.types";

export async function listInvitations(
  deps: Pick<ApiDeps, "prisma">,
  tenantId: string,
): Promise<z.infer<typeof ZInvitationsReply>> {
  const rows = await deps.prisma.invitation.findMany({
    where: { tenantId, ...pendingAt(new Date()) },
    include: { inviter: true },
    orderBy: { createdAt: "asc" },
  });
  return { invitations: rows.map(invitationView) };
}

export const listInvitationsRoute: FastifyPluginAsyncZod<ApiDeps> = async (app, deps) => {
  app.get(
    "/v1/tenants/:tenantId/invitations",
    {
      schema: {
        tags: ["invitations"],
        summary: "Pending invitations: email, role, expiry and who invited (owner or admin)",
        params: ZTenantParams,
        response: { 200: ZInvitationsReply, ...AUTHENTICATED_ERRORS },
      },
      config: { access: { tenant: "invite" } },
    },
    (request) => listInvitations(deps, request.params.tenantId),
  );
};
