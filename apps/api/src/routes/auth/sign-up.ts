import { hash } from "@node-rs/argon2";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { z } from "zod";
import type { ApiDeps } from "../../api-deps";
import { passwordWeakness } from "../../auth/password-strength";
import { invalidField } from "../../errors";
import { AUTHENTICATED_ERRORS } from "../common.types";
import { createTenantWithOwner } from "../tenants/create-tenant";
import { SIGN_UP_ACCEPTED, ZSignUpBody, ZSignUpReply } from "./auth.types";

/**
 * Creates a portal user and the tenant it owns. Whether the email is already registered is not revealed:
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
  const ownWords = [body.email, body.name ?? "", body.tenantName].flatMap((text) => text.split(/[^\p{L}\p{N}]+/u));
  const weakness = passwordWeakness(body.password, ownWords.filter(Boolean));
  if (weakness) throw invalidField("body.password", weakness);
  const passwordHash = await hash(body.password);
  try {
    await deps.prisma.$transaction(async (tx) => {
      const registered = await tx.portalUser.findUnique({ where: { email: body.email }, select: { id: true } });
      // For a registered email the same rows are written under a throwaway email and rolled back, so both
      // answers take about as long.
      const email = registered ? `${crypto.randomUUID()}@sign-up.invalid` : body.email;
      const user = await tx.portalUser.create({
        data: { email, name: body.name ?? null, passwordHash, lastSignInAt: new Date() },
      });
      await createTenantWithOwner(tx, deps.secretBox, { name: body.tenantName, ownerId: user.id });
      if (registered) throw ROLL_BACK;
    });
  } catch (error) {
    if (error !== ROLL_BACK) throw error;
  }
  return SIGN_UP_ACCEPTED;
}

const ROLL_BACK = Symbol("roll back a registered email's sign-up");

export const signUpRoute: FastifyPluginAsyncZod<ApiDeps> = async (app, deps) => {
  app.post(
    "/v1/auth/signup",
    {
      schema: {
        tags: ["auth"],
        summary: "Create a portal user and a tenant it owns, not revealing a registered email (portal service token)",
        body: ZSignUpBody,
        response: { 202: ZSignUpReply, ...AUTHENTICATED_ERRORS },
      },
      config: { access: { principal: "portal_service" } },
    },
    async (request, reply) => reply.status(202).send(await signUp(deps, request.body)),
  );
};
