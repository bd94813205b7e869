import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { z } from "zod";
import type { ApiDeps } from "../../api-deps";
import { AppError } from "../../errors";
import { AUTHENTICATED_ERRORS, ZErrorReply } from "../common.types";
import { portalUserView, ZMicrosoftSignInBody, ZUserReply } from "./auth.types";

/**
 * The portal verified a Microsoft sign-in. The account is found by its object id and directory (oid + tid)
 * only: an email claim is whatever the account's directory says it is, so it never finds or links a user.
 * An unknown account becomes a new portal user, unless its email is already a portal user's: then the owner
 * of that user must sign in with their password and link the Microsoft account from their settings.
 */
export async function signInWithMicrosoft(
  deps: Pick<ApiDeps, "prisma">,
  body: z.infer<typeof ZMicrosoftSignInBody>,
): Promise<z.infer<typeof ZUserReply>> {
  const { entraObjectId, entraTenantId } = body;
  return deps.prisma.$transaction(async (tx) => {
    const now = new Date();
    const linked = await tx.portalUser.findUnique({
      where: { entraTenantId_entraObjectId: { entraTenantId, entraObjectId } },
    });
    if (linked) {
      const user = await tx.portalUser.update({ where: { id: linked.id }, data: { lastSignInAt: now } });
      return { user: portalUserView(user) };
    }
    // Linked before directories were recorded: the object id is a GUID, so the first sign-in records its tid.
    const linkedWithoutDirectory = await tx.portalUser.findFirst({ where: { entraObjectId, entraTenantId: null } });
    if (linkedWithoutDirectory) {
      const user = await tx.portalUser.update({
        where: { id: linkedWithoutDirectory.id },
        data: { entraTenantId, lastSignInAt: now },
      });
      return { user: portalUserView(user) };
    }
    if (await tx.portalUser.findUnique({ where: { email: body.email }, select: { id: true } })) {
      throw new AppError(
        "conflict",
        "This Microsoft account is not linked to a TechSync account, and its email belongs to one. Sign in with that account's password, then link your Microsoft account from your account settings.",
      );
    }
    const user = await tx.portalUser.create({
      data: { email: body.email, name: body.name ?? null, entraObjectId, entraTenantId, lastSignInAt: now },
    });
    return { user: portalUserView(user) };
  });
}

export const signInWithMicrosoftRoute: FastifyPluginAsyncZod<ApiDeps> = async (app, deps) => {
  app.post(
    "/v1/auth/microsoft",
    {
      schema: {
        tags: ["auth"],
        summary: "Sign in the portal user linked to a Microsoft account (oid + tid) the portal verified",
        body: ZMicrosoftSignInBody,
        response: { 200: ZUserReply, 409: ZErrorReply, ...AUTHENTICATED_ERRORS },
      },
      config: { access: { principal: "portal_service" } },
    },
    (request) => signInWithMicrosoft(deps, request.body),
  );
};
