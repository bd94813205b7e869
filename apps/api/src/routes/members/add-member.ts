import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { z } from "zod";
import type { ApiDeps } from "../../api-deps";
import { recordAuditEvent } from "../../audit/record-audit-event";
import { tenantAccessOf } from "../../auth/authenticate";
import type { TenantAccess } from "../../auth/principal";
import { AppError } from "../../errors";
import { AUTHENTICATED_ERRORS, ZErrorReply, ZTenantParams } from "../common.types";
import { type MemberView, memberView, ZAddMemberBody, ZMember } from "./members.types";

/** A person not yet known to the portal gets a user without a password: they sign in with Microsoft or set one later. */
export async function addMember(
  deps: Pick<ApiDeps, "prisma">,
  access: TenantAccess,
  body: z.infer<typeof ZAddMemberBody>,
): Promise<MemberView> {
  return deps.prisma.$transaction(async (tx) => {
    const user = await tx.portalUser.upsert({
      where: { email: body.email },
      update: {},
      create: { email: body.email },
    });
    const existing = await tx.membership.findUnique({
      where: { tenantId_portalUserId: { tenantId: access.tenantId, portalUserId: user.id } },
    });
    if (existing) throw new AppError("conflict", "email: this person is already a member of the tenant.");
    const membership = await tx.membership.create({
      data: { tenantId: access.tenantId, portalUserId: user.id, role: body.role },
      include: { portalUser: true },
    });
    await recordAuditEvent(tx, access, {
      action: "member.added",
      target: `user:${user.id}`,
      details: { email: body.email, role: body.role },
    });
    return memberView(membership);
  });
}

export const addMemberRoute: FastifyPluginAsyncZod<ApiDeps> = async (app, deps) => {
  app.post(
    "/v1/tenants/:tenantId/members",
    {
      schema: {
        tags: ["members"],
        summary: "Add a member by email (owner)",
        params: ZTenantParams,
        body: ZAddMemberBody,
        response: { 201: ZMember, 409: ZErrorReply, ...AUTHENTICATED_ERRORS },
      },
      config: { access: { tenant: "owner" } },
    },
    async (request, reply) => reply.status(201).send(await addMember(deps, tenantAccessOf(request), request.body)),
  );
};
