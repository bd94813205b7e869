import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { z } from "zod";
import type { ApiDeps } from "../../api-deps";
import { tenantEntraSource, upstreamError } from "../../connections/tenant-connections";
import { AUTHENTICATED_ERRORS, ZErrorReply, ZTenantParams } from "../common.types";
import { ZEntraUsersQuery, ZEntraUsersReply } from "./entra-users.types";

/** The user picker of "Sync this user now": Graph searches and pages server-side, as the group picker does. */
export async function searchEntraUsers(
  deps: Pick<ApiDeps, "prisma" | "secretBox" | "outbound" | "upstreamTimeoutMs">,
  tenantId: string,
  query: z.infer<typeof ZEntraUsersQuery>,
): Promise<z.infer<typeof ZEntraUsersReply>> {
  const source = await tenantEntraSource(deps, tenantId);
  try {
    const page = await source.searchUsers(query.search, {
      pageSize: query.pageSize,
      ...(query.pageToken ? { pageToken: query.pageToken } : {}),
    });
    return {
      users: page.users.map((user) => ({
        id: user.id,
        displayName: user.displayName,
        mail: user.mail,
        userPrincipalName: user.userPrincipalName,
      })),
      ...(page.nextPageToken ? { nextPageToken: page.nextPageToken } : {}),
    };
  } catch (error) {
    throw upstreamError(error);
  }
}

export const searchEntraUsersRoute: FastifyPluginAsyncZod<ApiDeps> = async (app, deps) => {
  app.get(
    "/v1/tenants/:tenantId/entra-users",
    {
      schema: {
        tags: ["entra-users"],
        summary: "Search the Entra directory's users by name or email, a page at a time",
        params: ZTenantParams,
        querystring: ZEntraUsersQuery,
        response: { 200: ZEntraUsersReply, 409: ZErrorReply, 502: ZErrorReply, ...AUTHENTICATED_ERRORS },
      },
      config: { access: { tenant: "read" } },
    },
    (request) => searchEntraUsers(deps, request.params.tenantId, request.query),
  );
};
