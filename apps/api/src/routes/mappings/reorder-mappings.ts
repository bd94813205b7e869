// Priority by order: the portal sends every pair of the tenant in its new order (highest priority first), each with
// the version it showed. All priorities are written in one transaction, or none: a pair changed, added or removed
// since the page was loaded (a stale second tab) makes the whole order a 409, so nobody's change is lost silently.
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { z } from "zod";
import type { ApiDeps } from "../../api-deps";
import { recordAuditEvent } from "../../audit/record-audit-event";
import { tenantAccessOf } from "../../auth/authenticate";
import type { TenantAccess } from "../../auth/principal";
import { AppError } from "../../errors";
import { AUTHENTICATED_ERRORS, ZErrorReply, ZTenantParams } from "../common.types";
import { mappingView, ZMappingsReply, ZReorderMappingsBody } from "./mappings.types";

export const STALE_ORDER =
  "The pairs were changed by someone else (or in another tab) since this page was loaded, so this order was not saved. Reload the page and order them again.";

export async function reorderMappings(
  deps: Pick<ApiDeps, "prisma">,
  access: TenantAccess,
  body: z.infer<typeof ZReorderMappingsBody>,
): Promise<z.infer<typeof ZMappingsReply>> {
  const { tenantId } = access;
  return deps.prisma.$transaction(async (tx) => {
    // Rows locked in a stable order: two reorders of one tenant wait for each other rather than deadlock.
    await tx.$queryRaw`SELECT id FROM group_mappings WHERE tenant_id = ${tenantId}::uuid ORDER BY id FOR UPDATE`;
    const rows = await tx.groupMapping.findMany({ where: { tenantId } });
    const byId = new Map(rows.map((row) => [row.id, row]));
    const stale =
      rows.length !== body.order.length || body.order.some((pair) => byId.get(pair.id)?.version !== pair.version);
    if (stale) {
      // A foreign tenant's pair is simply "not one of yours": the same answer, nothing about it is told.
      throw new AppError("conflict", STALE_ORDER);
    }
    const before = [...rows].sort((a, b) => a.priority - b.priority).map((row) => row.id);
    for (const [index, pair] of body.order.entries()) {
      const priority = index + 1;
      if (byId.get(pair.id)?.priority === priority) continue;
      await tx.groupMapping.update({ where: { id: pair.id }, data: { priority, version: { increment: 1 } } });
    }
    const after = await tx.groupMapping.findMany({
      where: { tenantId },
      orderBy: [{ priority: "asc" }, { createdAt: "asc" }],
    });
    await recordAuditEvent(tx, access, {
      action: "mapping.reordered",
      target: `tenant:${tenantId}`,
      details: { before, after: after.map((row) => row.id) },
    });
    return { mappings: after.map(mappingView) };
  });
}

export const reorderMappingsRoute: FastifyPluginAsyncZod<ApiDeps> = async (app, deps) => {
  app.put(
    "/v1/tenants/:tenantId/mappings/order",
    {
      schema: {
        tags: ["mappings"],
        summary: "Set the pairs' priorities by their order, all at once (refused when a pair changed since)",
        params: ZTenantParams,
        body: ZReorderMappingsBody,
        response: { 200: ZMappingsReply, 409: ZErrorReply, ...AUTHENTICATED_ERRORS },
      },
      config: { access: { tenant: "write" } },
    },
    (request) => reorderMappings(deps, tenantAccessOf(request), request.body),
  );
};
