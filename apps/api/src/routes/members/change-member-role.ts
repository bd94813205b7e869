import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { z } from "zod";
import type { ApiDeps } from "../../api-deps";
import { recordAuditEvent } from "../../audit/record-audit-event";
import { tenantAccessOf } from "../../auth/authenticate";
import type { TenantAccess } from "../../auth/principal";
import { notFound } from "../../errors";
import { AUTHENTICATED_ERRORS, ZErrorReply } from "../common.types";
import { ensureAnotherOwnerRemains } from "./last-owner-guard";
import { type MemberView, memberView, ZChangeRoleBody, ZMember, ZMemberParams } from "./members.types";

export async function changeMemberRole(
  deps: Pick<ApiDeps, "prisma">,
  access: TenantAccess,
  userId: string,
  body: z.infer<typeof ZChangeRoleBody>,
): Promise<MemberView> {
  return deps.prisma.$transaction(async (tx) => {
    const key = { tenantId_portalUserId: { tenantId: access.tenantId, portalUserId: userId } };
    const membership = await tx.membership.findUnique({ where: key });
    if (!membership) throw notFound("The member");
    if (membership.role === "owner" && body.role !== "owner") {
      await ensureAnotherOwnerRemains(tx, access.tenantId, userId);
    }
    const updated = await tx.membership.update({
      where: key,
      data: { role: body.role },
      include: { portalUser: true },
    });
    await recordAuditEvent(tx, access, {
      action: "member.role_changed",
      target: `user:${userId}`,
      details: { from: membership.role, to: body.role },
    });
    return memberView(updated);
  });
}

export const changeMemberRoleRoute: FastifyPluginAsyncZod<ApiDeps> = async (app, deps) => {
  app.patch(
    "/v1/tenants/:tenantId/members/:userId",
    {
      schema: {
        tags: ["members"],
        summary: "Change a member's role (owner; the last owner stays an owner)",
        params: ZMemberParams,
        body: ZChangeRoleBody,
        response: { 200: ZMember, 409: ZErrorReply, ...AUTHENTICATED_ERRORS },
      },
      config: { access: { tenant: "owner" } },
    },
    (request) => changeMemberRole(deps, tenantAccessOf(request), request.params.userId, request.body),
  );
};
