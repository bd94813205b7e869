import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { z } from "zod";
import type { ApiDeps } from "../../api-deps";
import { tenantEntraSource, upstreamError } from "../../connections/tenant-connections";
import { AppError } from "../../errors";
import { AUTHENTICATED_ERRORS, ZErrorReply, ZTenantParams } from "../common.types";
import { ZEntraGroupsQuery, ZEntraGroupsReply } from "./pickers.types";

const NOT_A_GRAPH_GROUP_LIST = new AppError(
  "upstream_error",
  "Entra: the directory's address answered, but not with a Microsoft Graph list of groups; check the connection's Graph address.",
);

/**
 * Each listed group's member count, in $batch calls of 20 (one page of the picker is at most 100 groups). A count is
 * a help, not the answer: when Graph will not give it the picker still lists the groups, without numbers.
 */
async function countMembers(
  source: Awaited<ReturnType<typeof tenantEntraSource>>,
  groups: readonly { id?: unknown }[],
): Promise<Map<string, number | null>> {
  const ids = groups.map((g) => g?.id).filter((id): id is string => typeof id === "string");
  if (!source.countGroupMembers || ids.length === 0) return new Map();
  try {
    return await source.countGroupMembers(ids);
  } catch {
    return new Map();
  }
}

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
    // A reply that is JSON but not Graph's (a proxy, a captive portal, another API at that address) is named
    // as such rather than failing later in the reply's own serialisation.
    const memberCounts = Array.isArray(page.groups) ? await countMembers(source, page.groups) : new Map();
    const reply = ZEntraGroupsReply.safeParse({
      groups: Array.isArray(page.groups)
        ? page.groups.map((g) => ({
            id: g?.id,
            displayName: g?.displayName,
            description: g?.description ?? null,
            memberCount: memberCounts.get(g?.id) ?? null,
          }))
        : page.groups,
      totalCount: typeof page.totalCount === "number" ? page.totalCount : null,
      ...(page.nextPageToken ? { nextPageToken: page.nextPageToken } : {}),
    });
    if (!reply.success) throw NOT_A_GRAPH_GROUP_LIST;
    return reply.data;
  } catch (error) {
    // The Graph client reads `value` of whatever JSON came back; on a reply of another shape that is a TypeError.
    if (error instanceof TypeError) throw NOT_A_GRAPH_GROUP_LIST;
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
