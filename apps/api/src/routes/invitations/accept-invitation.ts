import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { z } from "zod";
import type { ApiDeps } from "../../api-deps";
import { recordAuditEvent } from "../../audit/record-audit-event";
import { portalUserOf } from "../../auth/authenticate";
import { AppError } from "../../errors";
import { AUTHENTICATED_ERRORS, ZErrorReply } from "../common.types";
import { findPendingInvitation, invitationUnusable } from "./find-pending-invitation";
import { ZAcceptedInvitation, ZInvitationTokenParams } from "./invitations.types";

/**
 * The invitee's consent: a signed-in portal user whose email is the invited one becomes a member. The
 * invitation is consumed by a conditional update, so two tabs accepting at once make one membership.
 */
export async function acceptInvitation(
  deps: Pick<ApiDeps, "prisma" | "portalTokenKey">,
  userId: string,
  token: string,
): Promise<z.infer<typeof ZAcceptedInvitation>> {
  const now = new Date();
  return deps.prisma.$transaction(async (tx) => {
    const invitation = await findPendingInvitation(tx, deps.portalTokenKey, token, now);
    const user = await tx.portalUser.findUnique({ where: { id: userId }, select: { email: true } });
    if (!user) throw new AppError("unauthorized", "Authorization: the token names no portal user.");
    if (user.email.toLowerCase() !== invitation.email.toLowerCase()) {
      throw new AppError(
        "forbidden",
        "email: this invitation is for another email address. Sign in with the address it was sent to.",
      );
    }
    const consumed = await tx.invitation.updateMany({
      where: { id: invitation.id, acceptedAt: null, revokedAt: null, expiresAt: { gt: now } },
      data: { acceptedAt: now, acceptedBy: userId },
    });
    if (consumed.count === 0) throw invitationUnusable();
    const member = await tx.membership.findUnique({
      where: { tenantId_portalUserId: { tenantId: invitation.tenantId, portalUserId: userId } },
      select: { role: true },
    });
    // Thrown inside the transaction: the invitation stays pending, for a person removed and invited again later.
    if (member) throw new AppError("conflict", "token: you are already a member of this organisation.");
    await tx.membership.create({
      data: { tenantId: invitation.tenantId, portalUserId: userId, role: invitation.role },
    });
    await recordAuditEvent(
      tx,
      { tenantId: invitation.tenantId, actor: { actorType: "portal_user", actorId: userId } },
      {
        action: "invitation.accepted",
        target: `invitation:${invitation.id}`,
        details: { email: invitation.email, role: invitation.role, userId },
      },
    );
    return { tenant: invitation.tenant, role: invitation.role };
  });
}

export const acceptInvitationRoute: FastifyPluginAsyncZod<ApiDeps> = async (app, deps) => {
  app.post(
    "/v1/invitations/:token/accept",
    {
      schema: {
        tags: ["invitations"],
        summary: "Accept an invitation as the signed-in portal user with the invited email",
        params: ZInvitationTokenParams,
        response: { 200: ZAcceptedInvitation, 409: ZErrorReply, ...AUTHENTICATED_ERRORS },
      },
      config: { access: { principal: "portal_user" } },
    },
    (request) => acceptInvitation(deps, portalUserOf(request), request.params.token),
  );
};
