import { randomUUID } from "node:crypto";
import { hash } from "@node-rs/argon2";
import type { Prisma } from "@techsync/db";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { z } from "zod";
import type { ApiDeps } from "../../api-deps";
import { recordAuditEvent } from "../../audit/record-audit-event";
import { passwordWeakness } from "../../auth/password-strength";
import { invalidField } from "../../errors";
import { AUTHENTICATED_ERRORS } from "../common.types";
import { createTenantWithOwner } from "../tenants/create-tenant";
import { SIGN_UP_ACCEPTED, ZSignUpBody, ZSignUpReply } from "./auth.types";

/**
 * Creates a portal user, and the tenant it owns when a tenant name is given (someone joining by invitation
 * signs up without one). Whether the email is already registered is not revealed:
 * both cases get the same reply after the same work (the password is hashed either way), and for a
 * registered email nothing is created or changed. The portal then signs in with the email and password
 * given; that succeeds for a new account, and for a registered one only with its own password. Without mail
 * to the address we cannot do better than that: the sign-in that follows is paced like any other.
 */
export async function signUp(
  deps: Pick<ApiDeps, "prisma" | "secretBox">,
  body: z.infer<typeof ZSignUpBody>,
): Promise<z.infer<typeof ZSignUpReply>> {
  // The person's own words (email, name, organisation) make a password guessable too.
  const ownWords = [body.email, body.name ?? "", body.tenantName ?? ""].flatMap((text) =>
    text.split(/[^\p{L}\p{N}]+/u),
  );
  const weakness = passwordWeakness(body.password, ownWords.filter(Boolean));
  if (weakness) throw invalidField("body.password", weakness);
  const passwordHash = await hash(body.password);
  try {
    await deps.prisma.$transaction(async (tx) => {
      const fields = { name: body.name ?? null, passwordHash, lastSignInAt: new Date() };
      // An account made by the former add-member-by-email (no password, no Microsoft link): this is the person's
      // first sign-up, so it completes that account.
      const completed = await completeAccountWithoutCredential(tx, body.email, fields);
      let userId = completed?.id;
      let registered = false;
      if (!userId) {
        registered = (await tx.portalUser.findUnique({ where: { email: body.email }, select: { id: true } })) !== null;
        // For a registered email the same rows are written under a throwaway email and rolled back, so both
        // answers take about as long.
        const email = registered ? `${randomUUID()}@sign-up.invalid` : body.email;
        userId = (await tx.portalUser.create({ data: { email, ...fields } })).id;
      }
      // Someone joining by invitation signs up without an organisation of their own.
      if (body.tenantName) await createTenantWithOwner(tx, deps.secretBox, { name: body.tenantName, ownerId: userId });
      if (registered) throw ROLL_BACK;
    });
  } catch (error) {
    if (error !== ROLL_BACK) throw error;
  }
  return SIGN_UP_ACCEPTED;
}

const ROLL_BACK = Symbol("roll back a registered email's sign-up");

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

export const signUpRoute: FastifyPluginAsyncZod<ApiDeps> = async (app, deps) => {
  app.post(
    "/v1/auth/signup",
    {
      schema: {
        tags: ["auth"],
        summary:
          "Create a portal user, and a tenant it owns when tenantName is given, not revealing a registered email (portal service token)",
        body: ZSignUpBody,
        response: { 202: ZSignUpReply, ...AUTHENTICATED_ERRORS },
      },
      config: { access: { principal: "portal_service" } },
    },
    async (request, reply) => reply.status(202).send(await signUp(deps, request.body)),
  );
};
