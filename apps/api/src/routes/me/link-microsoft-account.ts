import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { z } from "zod";
import type { ApiDeps } from "../../api-deps";
import { portalUserOf } from "../../auth/authenticate";
import { AppError } from "../../errors";
import { portalUserView, ZLinkMicrosoftAccountBody, ZUserReply } from "../auth/auth.types";
import { AUTHENTICATED_ERRORS, ZErrorReply } from "../common.types";

/**
 * Links a Microsoft account (oid + tid, verified by the portal) to the signed-in user: the only way an
 * existing portal user gains Microsoft sign-in. A Microsoft account linked to another user stays there.
 */
export async function linkMicrosoftAccount(
  deps: Pick<ApiDeps, "prisma">,
  userId: string,
  body: z.infer<typeof ZLinkMicrosoftAccountBody>,
): Promise<z.infer<typeof ZUserReply>> {
  const { entraObjectId, entraTenantId } = body;
  return deps.prisma.$transaction(async (tx) => {
    const holder = await tx.portalUser.findUnique({
      where: { entraTenantId_entraObjectId: { entraTenantId, entraObjectId } },
      select: { id: true },
    });
    if (holder && holder.id !== userId) {
      throw new AppError("conflict", "This Microsoft account is already linked to another TechSync account.");
    }
    const user = await tx.portalUser.update({ where: { id: userId }, data: { entraObjectId, entraTenantId } });
    return { user: portalUserView(user) };
  });
}

export const linkMicrosoftAccountRoute: FastifyPluginAsyncZod<ApiDeps> = async (app, deps) => {
  app.put(
    "/v1/me/microsoft-account",
    {
      schema: {
        tags: ["me"],
        summary: "Link a Microsoft account (oid + tid the portal verified) to the signed-in portal user",
        body: ZLinkMicrosoftAccountBody,
        response: { 200: ZUserReply, 409: ZErrorReply, ...AUTHENTICATED_ERRORS },
      },
      config: { access: { principal: "portal_user" } },
    },
    (request) => linkMicrosoftAccount(deps, portalUserOf(request), request.body),
  );
};
