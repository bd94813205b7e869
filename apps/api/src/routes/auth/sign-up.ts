import { hash } from "@node-rs/argon2";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { z } from "zod";
import type { ApiDeps } from "../../api-deps";
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
    if (await tx.portalUser.findUnique({ where: { email: body.email }, select: { id: true } })) {
      throw new AppError("conflict", "email: a portal user with this email already exists.");
    }
    const user = await tx.portalUser.create({
      data: { email: body.email, name: body.name ?? null, passwordHash, lastSignInAt: new Date() },
    });
    const tenant = await createTenantWithOwner(tx, deps.secretBox, { name: body.tenantName, ownerId: user.id });
    return { user: portalUserView(user), tenant: { id: tenant.id, name: tenant.name } };
  });
}

export const signUpRoute: FastifyPluginAsyncZod<ApiDeps> = async (app, deps) => {
  app.post(
    "/v1/auth/signup",
    {
      schema: {
        tags: ["auth"],
        summary: "Create a portal user and a tenant it owns (portal service token)",
        body: ZSignUpBody,
        response: { 201: ZSignUpReply, 409: ZErrorReply, ...AUTHENTICATED_ERRORS },
      },
      config: { access: { principal: "portal_service" } },
    },
    async (request, reply) => reply.status(201).send(await signUp(deps, request.body)),
  );
};
