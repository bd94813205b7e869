import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { z } from "zod";
import type { ApiDeps } from "../../api-deps";
import { ZErrorReply } from "../common.types";
import { findPendingInvitation } from "./find-pending-invitation";
import { ZInvitationPreview, ZInvitationTokenParams } from "./invitations.types";

/** What the accept page shows before anyone signs in: the tenant's name and the role, nothing about people. */
export async function getInvitation(
  deps: Pick<ApiDeps, "prisma" | "portalTokenKey">,
  token: string,
): Promise<z.infer<typeof ZInvitationPreview>> {
  const row = await findPendingInvitation(deps.prisma, deps.portalTokenKey, token, new Date());
  return { tenant: { name: row.tenant.name }, role: row.role, expiresAt: row.expiresAt.toISOString() };
}

export const getInvitationRoute: FastifyPluginAsyncZod<ApiDeps> = async (app, deps) => {
  app.get(
    "/v1/invitations/:token",
    {
      schema: {
        tags: ["invitations"],
        summary: "The tenant and role an invitation link offers (no credential: the link is the credential)",
        params: ZInvitationTokenParams,
        response: { 200: ZInvitationPreview, 400: ZErrorReply, 404: ZErrorReply, 429: ZErrorReply },
      },
    },
    (request) => getInvitation(deps, request.params.token),
  );
};
