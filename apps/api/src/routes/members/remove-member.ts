import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { ApiDeps } from "../../api-deps";
import { recordAuditEvent } from "../../audit/record-audit-event";
import { tenantAccessOf } from "../../auth/authenticate";
import type { TenantAccess } from "../../auth/principal";
import { notFound } from "../../errors";
import { AUTHENTICATED_ERRORS, ZErrorReply } from "../common.types";
import { ensureAnotherOwnerRemains } from "./last-owner-guard";
import { ZMemberParams } from "./members.types";

export async function removeMember(deps: Pick<ApiDeps, "prisma">, access: TenantAccess, userId: string): Promise<void> {
  await deps.prisma.$transaction(async (tx) => {
    const key = { tenantId_portalUserId: { tenantId: access.tenantId, portalUserId: userId } };
    const membership = await tx.membership.findUnique({ where: key });
    if (!membership) throw notFound("The member");
    if (membership.role === "owner") await ensureAnotherOwnerRemains(tx, access.tenantId, userId);
    await tx.membership.delete({ where: key });
    await recordAuditEvent(tx, access, {
      action: "member.removed",
      target: `user:${userId}`,
      details: { role: membership.role },
    });
  });
}

export const removeMemberRoute: FastifyPluginAsyncZod<ApiDeps> = async (app, deps) => {
  app.delete(
    "/v1/tenants/:tenantId/members/:userId",
    {
      schema: {
        tags: ["members"],
        summary: "Remove a member (owner; not the last owner)",
        params: ZMemberParams,
        response: { 204: z.null().describe("Removed"), 409: ZErrorReply, ...AUTHENTICATED_ERRORS },
      },
      config: { access: { tenant: "owner" } },
    },
    async (request, reply) => {
      await removeMember(deps, tenantAccessOf(request), request.params.userId);
      return reply.status(204).send(null);
    },
  );
};
