import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { ApiDeps } from "../../api-deps";
import { recordAuditEvent } from "../../audit/record-audit-event";
import { tenantAccessOf } from "../../auth/authenticate";
import type { TenantAccess } from "../../auth/principal";
import { AppError, notFound } from "../../errors";
import { AUTHENTICATED_ERRORS, ZErrorReply } from "../common.types";
import { ZInvitationParams } from "./invitations.types";

/** The link stops working at once. Revoking twice is fine; an accepted invitation is a member now. */
export async function revokeInvitation(
  deps: Pick<ApiDeps, "prisma">,
  access: TenantAccess,
  invitationId: string,
): Promise<void> {
  await deps.prisma.$transaction(async (tx) => {
    const row = await tx.invitation.findFirst({ where: { id: invitationId, tenantId: access.tenantId } });
    if (!row) throw notFound("The invitation");
    if (access.role !== "owner" && row.role === "owner") {
      throw new AppError("forbidden", "invitationId: only an owner can revoke an invitation to become an owner.");
    }
    // Conditional, so a revocation and an acceptance at the same moment cannot both win.
    const revoked = await tx.invitation.updateMany({
      where: { id: row.id, acceptedAt: null, revokedAt: null },
      data: { revokedAt: new Date() },
    });
    if (revoked.count === 0) {
      const now = await tx.invitation.findUniqueOrThrow({ where: { id: row.id } });
      if (now.acceptedAt) {
        throw new AppError("conflict", "invitationId: it was accepted already; remove the member instead.");
      }
      return;
    }
    await recordAuditEvent(tx, access, {
      action: "invitation.revoked",
      target: `invitation:${row.id}`,
      details: { email: row.email, role: row.role },
    });
  });
}

export const revokeInvitationRoute: FastifyPluginAsyncZod<ApiDeps> = async (app, deps) => {
  app.delete(
    "/v1/tenants/:tenantId/invitations/:invitationId",
    {
      schema: {
        tags: ["invitations"],
        summary: "Revoke a pending invitation; its link stops working (owner or admin)",
        params: ZInvitationParams,
        response: { 204: z.null().describe("Revoked"), 409: ZErrorReply, ...AUTHENTICATED_ERRORS },
      },
      config: { access: { tenant: "invite" } },
    },
    async (request, reply) => {
      await revokeInvitation(deps, tenantAccessOf(request), request.params.invitationId);
      return reply.status(204).send(null);
    },
  );
};
