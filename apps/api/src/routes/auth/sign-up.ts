import { hash } from "@node-rs/argon2";
import type { Prisma } from "@techsync/db";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { z } from "zod";
import type { ApiDeps } from "../../api-deps";
import { recordAuditEvent } from "../../audit/record-audit-event";
import { AppError } from "../../errors";
import { AUTHENTICATED_ERRORS, ZErrorReply } from "../common.types";
import { createTenantWithOwner } from "../tenants/create-tenant";
import { portalUserView, ZSignUpBody, ZSignUpReply } from "./auth.types";

export async function signUp(
  deps: Pick<ApiDeps, "prisma" | "secretBox">,
  body: z.infer<typeof ZSignUpBody>,
): Promise<z.infer<typeof ZSignUpReply>> {
  const passwordHash = await hash(body.password);
  return deps.prisma.$transaction(async (tx) => {
    const fields = { name: body.name ?? null, passwordHash, lastSignInAt: new Date() };
    const user =
      (await completeAccountWithoutCredential(tx, body.email, fields)) ?? (await createUser(tx, body, fields));
    const tenant = body.tenantName
      ? await createTenantWithOwner(tx, deps.secretBox, { name: body.tenantName, ownerId: user.id })
      : null;
    return { user: portalUserView(user), tenant: tenant ? { id: tenant.id, name: tenant.name } : null };
  });
}

type NewCredential = { name: string | null; passwordHash: string; lastSignInAt: Date };

/**
 * Accounts made by the former add-member-by-email have neither a password nor a Microsoft link: nobody ever
 * signed in to them. The person's first sign-up completes that account instead of being refused. Conditional,
 * so of two sign-ups racing for it only one sets the password.
 *
 * The memberships such an account was given were never accepted, and whoever signs up first with the email
 * would inherit them: they end here (audited), and the tenant invites the person again.
 */
async function completeAccountWithoutCredential(tx: Prisma.TransactionClient, email: string, fields: NewCredential) {
  const completed = await tx.portalUser.updateMany({
    where: { email, passwordHash: null, entraObjectId: null },
    data: fields,
  });
  if (completed.count !== 1) return null;
  const user = await tx.portalUser.findUniqueOrThrow({ where: { email }, include: { memberships: true } });
  for (const membership of user.memberships) {
    await tx.membership.delete({
      where: { tenantId_portalUserId: { tenantId: membership.tenantId, portalUserId: user.id } },
    });
    await recordAuditEvent(
      tx,
      { tenantId: membership.tenantId, actor: { actorType: "portal_user", actorId: user.id } },
      {
        action: "member.removed",
        target: `user:${user.id}`,
        details: { role: membership.role, reason: "added without their consent; invite them to give them access" },
      },
    );
  }
  return user;
}

async function createUser(tx: Prisma.TransactionClient, body: { email: string }, fields: NewCredential) {
  if (await tx.portalUser.findUnique({ where: { email: body.email }, select: { id: true } })) {
    throw new AppError("conflict", "email: a portal user with this email already exists.");
  }
  return tx.portalUser.create({ data: { email: body.email, ...fields } });
}

export const signUpRoute: FastifyPluginAsyncZod<ApiDeps> = async (app, deps) => {
  app.post(
    "/v1/auth/signup",
    {
      schema: {
        tags: ["auth"],
        summary: "Create a portal user, and a tenant it owns when tenantName is given (portal service token)",
        body: ZSignUpBody,
        response: { 201: ZSignUpReply, 409: ZErrorReply, ...AUTHENTICATED_ERRORS },
      },
      config: { access: { principal: "portal_service" } },
    },
    async (request, reply) => reply.status(201).send(await signUp(deps, request.body)),
  );
};
