import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { z } from "zod";
import type { ApiDeps } from "../../api-deps";
import { tenantEntraSource, upstreamError } from "../../connections/tenant-connections";
import { AUTHENTICATED_ERRORS, ZErrorReply, ZTenantParams } from "../common.types";
import { ZEntraGroupsQuery, ZEntraGroupsReply } from "./pickers.types";

/** The group picker: Graph searches and pages server-side; the page token is Graph's, wrapped by @techsync/entra. */
export async function searchEntraGroups(
  deps: Pick<ApiDeps, "prisma" | "secretBox" | "outbound" | "upstreamTimeoutMs">,
  tenantId: string,
  query: z.infer<typeof ZEntraGroupsQuery>,
): Promise<z.infer<typeof ZEntraGroupsReply>> {
  const source = await tenantEntraSource(deps, tenantId);
  try {
    const page = await source.searchGroups(query.search, {
      pageSize: query.pageSize,
      ...(query.pageToken ? { pageToken: query.pageToken } : {}),
    });
    return {
      groups: page.groups.map((g) => ({ id: g.id, displayName: g.displayName, description: g.description ?? null })),
      ...(page.nextPageToken ? { nextPageToken: page.nextPageToken } : {}),
    };
  } catch (error) {
    throw upstreamError(error);
  }
}

export const searchEntraGroupsRoute: FastifyPluginAsyncZod<ApiDeps> = async (app, deps) => {
  app.get(
    "/v1/tenants/:tenantId/pickers/entra-groups",
    {
      schema: {
        tags: ["pickers"],
        summary: "Search the Entra directory's groups, a page at a time",
        params: ZTenantParams,
        querystring: ZEntraGroupsQuery,
        response: { 200: ZEntraGroupsReply, 409: ZErrorReply, 502: ZErrorReply, ...AUTHENTICATED_ERRORS },
      },
      config: { access: { tenant: "read" } },
    },
    (request) => searchEntraGroups(deps, request.params.tenantId, request.query),
  );
};
