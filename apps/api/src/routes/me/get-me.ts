import { type MeReply, ZMeReply } from "@techsync/api-contract";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { ApiDeps } from "../../api-deps";
import { portalUserOf } from "../../auth/authenticate";
import { AppError } from "../../errors";
import { portalUserView } from "../auth/auth.types";
import { AUTHENTICATED_ERRORS } from "../common.types";

export async function getMe(deps: Pick<ApiDeps, "prisma">, userId: string): Promise<MeReply> {
  const user = await deps.prisma.portalUser.findUnique({
    where: { id: userId },
    include: { memberships: { include: { tenant: true }, orderBy: { createdAt: "asc" } } },
  });
  if (!user) throw new AppError("unauthorized", "Authorization: the token names no portal user.");
  return {
    user: portalUserView(user),
    tenants: user.memberships.map((m) => ({
      id: m.tenant.id,
      name: m.tenant.name,
      role: m.role,
      sandboxMode: m.tenant.sandboxMode,
    })),
  };
}

export const getMeRoute: FastifyPluginAsyncZod<ApiDeps> = async (app, deps) => {
  app.get(
    "/v1/me",
    {
      schema: {
        tags: ["me"],
        summary: "The signed-in portal user and the tenants they belong to",
        response: { 200: ZMeReply, ...AUTHENTICATED_ERRORS },
      },
      config: { access: { principal: "portal_user" } },
    },
    (request) => getMe(deps, portalUserOf(request)),
  );
};
