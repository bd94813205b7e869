import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { z } from "zod";
import type { ApiDeps } from "../../api-deps";
import { recordAuditEvent } from "../../audit/record-audit-event";
import { tenantAccessOf } from "../../auth/authenticate";
import { mintInvitationToken } from "../../auth/invitation-token";
import type { TenantAccess } from "../../auth/principal";
import { AppError } from "../../errors";
import { AUTHENTICATED_ERRORS, ZErrorReply, ZTenantParams } from "../common.types";
import { invitationView, pendingAt, ZCreatedInvitation, ZCreateInvitationBody } from "./invitations.types";

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Offers membership: nothing happens to the invitee until they accept. The answer is the same whether or not
 * the email belongs to a portal user, and says nothing about them. The link (with the token) is in this answer
 * only; a new invitation to the same email replaces the pending one.
 */
export async function createInvitation(
  deps: Pick<ApiDeps, "prisma" | "portalTokenKey" | "portalOrigin">,
  access: TenantAccess,
  body: z.infer<typeof ZCreateInvitationBody>,
): Promise<z.infer<typeof ZCreatedInvitation>> {
  if (access.role !== "owner" && body.role === "owner") {
    throw new AppError("forbidden", "role: only an owner can invite an owner.");
  }
  const { token, hash } = mintInvitationToken(deps.portalTokenKey);
  const now = new Date();
  const sameEmail = { equals: body.email, mode: "insensitive" as const };
  return deps.prisma.$transaction(async (tx) => {
    // Every member already sees the member list, so this refusal tells the inviter nothing new.
    const member = await tx.membership.findFirst({
      where: { tenantId: access.tenantId, portalUser: { email: sameEmail } },
      select: { portalUserId: true },
    });
    if (member) throw new AppError("conflict", "email: this person is already a member of the tenant.");
    const replaced = await tx.invitation.updateMany({
      where: { tenantId: access.tenantId, email: sameEmail, ...pendingAt(now) },
      data: { revokedAt: now },
    });
    const row = await tx.invitation.create({
      data: {
        tenantId: access.tenantId,
        email: body.email,
        role: body.role,
        tokenHash: hash,
        invitedBy: access.actor.actorType === "portal_user" ? access.actor.actorId : null,
        expiresAt: new Date(now.getTime() + body.expiresInDays * DAY_MS),
      },
      include: { inviter: true },
    });
    await recordAuditEvent(tx, access, {
      action: "invitation.created",
      target: `invitation:${row.id}`,
      details: {
        email: row.email,
        role: row.role,
        expiresAt: row.expiresAt.toISOString(),
        ...(replaced.count > 0 ? { replacedPending: replaced.count } : {}),
      },
    });
    return {
      invitation: invitationView(row),
      link: new URL(`/invitations/${token}`, deps.portalOrigin).toString(),
    };
  });
}

export const createInvitationRoute: FastifyPluginAsyncZod<ApiDeps> = async (app, deps) => {
  app.post(
    "/v1/tenants/:tenantId/invitations",
    {
      schema: {
        tags: ["invitations"],
        summary:
          "Invite a person by email; the link is shown in this answer only (owner or admin; only owners invite owners)",
        params: ZTenantParams,
        body: ZCreateInvitationBody,
        response: { 201: ZCreatedInvitation, 409: ZErrorReply, ...AUTHENTICATED_ERRORS },
      },
      config: { access: { tenant: "invite" } },
    },
    async (request, reply) => {
      const access = tenantAccessOf(request);
      const created = await createInvitation(deps, access, request.body);
      if (deps.mailer) {
        // The same mail path as alerts; the inviter still sees the link, so a lost mail costs nothing.
        const tenant = await deps.prisma.tenant.findUnique({
          where: { id: access.tenantId },
          select: { name: true },
        });
        deps.mailer
          .send({ to: created.invitation.email, ...invitationMail(tenant?.name ?? "an organisation", created) })
          .catch((err: unknown) => request.log.warn({ err: (err as Error)?.message }, "invitation mail not sent"));
      }
      return reply.status(201).send(created);
    },
  );
};

/** The invitation mail: who invites, to what, the link and until when. */
export function invitationMail(
  tenantName: string,
  created: z.infer<typeof ZCreatedInvitation>,
): { subject: string; text: string } {
  return {
    subject: `[TechSync] You are invited to ${tenantName}`,
    text: [
      `You are invited to join ${tenantName} in TechSync as ${created.invitation.role}.`,
      "",
      `Accept the invitation here: ${created.link}`,
      "",
      `The link works until ${created.invitation.expiresAt.slice(0, 10)}. Sign in (or create an account) with this email address to accept it.`,
    ].join("\n"),
  };
}
