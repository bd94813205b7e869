import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { z } from "zod";
import type { ApiDeps } from "../../api-deps";
import { AUTHENTICATED_ERRORS } from "../common.types";
import { portalUserView, ZMicrosoftSignInBody, ZUserReply } from "./auth.types";

/** The portal verified the Microsoft sign-in; link by object id first, then by email, else create the user. */
export async function signInWithMicrosoft(
  deps: Pick<ApiDeps, "prisma">,
  body: z.infer<typeof ZMicrosoftSignInBody>,
): Promise<z.infer<typeof ZUserReply>> {
  return deps.prisma.$transaction(async (tx) => {
    const now = new Date();
    const byObjectId = await tx.portalUser.findUnique({ where: { entraObjectId: body.entraObjectId } });
    if (byObjectId) {
      const user = await tx.portalUser.update({ where: { id: byObjectId.id }, data: { lastSignInAt: now } });
      return { user: portalUserView(user) };
    }
    const user = await tx.portalUser.upsert({
      where: { email: body.email },
      update: { entraObjectId: body.entraObjectId, lastSignInAt: now },
      create: { email: body.email, name: body.name ?? null, entraObjectId: body.entraObjectId, lastSignInAt: now },
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
        summary: "Sign in a portal user Microsoft vouched for (portal service token)",
        body: ZMicrosoftSignInBody,
        response: { 200: ZUserReply, ...AUTHENTICATED_ERRORS },
      },
      config: { access: { principal: "portal_service" } },
    },
    (request) => signInWithMicrosoft(deps, request.body),
  );
};
