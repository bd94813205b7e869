import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { z } from "zod";
import type { ApiDeps } from "../../api-deps";
import { recordAuditEvent } from "../../audit/record-audit-event";
import { tenantAccessOf } from "../../auth/authenticate";
import type { TenantAccess } from "../../auth/principal";
import { AppError, notFound } from "../../errors";
import { AUTHENTICATED_ERRORS, ZErrorReply } from "../common.types";
import { DUPLICATE_PAIR } from "./create-mapping";
import {
  conditionsFromBody,
  filterColumns,
  type MappingView,
  mappingView,
  ZMapping,
  ZMappingParams,
  ZUpdateMappingBody,
} from "./mappings.types";
import { technicianGroupName } from "./rescue-group-check";

export const STALE_PAIR =
  "This pair was changed by someone else (or in another tab) since this page was loaded. Reload the page to see the change, then make yours again.";

export async function updateMapping(
  deps: Pick<ApiDeps, "prisma" | "secretBox" | "outbound" | "upstreamTimeoutMs">,
  access: TenantAccess,
  mappingId: string,
  body: z.infer<typeof ZUpdateMappingBody>,
): Promise<MappingView> {
  const { tenantId } = access;
  const existing = await deps.prisma.groupMapping.findFirst({ where: { id: mappingId, tenantId } });
  if (!existing) throw notFound("The mapping");
  if (body.version !== undefined && body.version !== existing.version) throw new AppError("conflict", STALE_PAIR);
  const rescueGroupName =
    body.rescueGroupId !== undefined && body.rescueGroupId !== existing.rescueGroupId
      ? await technicianGroupName(deps, tenantId, body.rescueGroupId)
      : undefined;
  return deps.prisma.$transaction(async (tx) => {
    const pair = {
      tenantId,
      entraGroupId: body.entraGroupId ?? existing.entraGroupId,
      rescueGroupId: body.rescueGroupId ?? existing.rescueGroupId,
    };
    const clash = await tx.groupMapping.findUnique({ where: { tenantId_entraGroupId_rescueGroupId: pair } });
    if (clash && clash.id !== mappingId) throw new AppError("conflict", DUPLICATE_PAIR);
    const { filter, conditions, version, rescueGroupName: _shownName, ...plain } = body;
    const changesConditions = filter !== undefined || conditions !== undefined;
    // The version seen when the page was loaded (or, without one, the one just read): a change in between is refused.
    const { count } = await tx.groupMapping.updateMany({
      where: { id: mappingId, tenantId, version: version ?? existing.version },
      data: {
        ...plain,
        ...(rescueGroupName ? { rescueGroupName } : {}),
        ...(changesConditions ? filterColumns(conditionsFromBody({ filter, conditions })) : {}),
        version: { increment: 1 },
      },
    });
    if (count === 0) {
      const still = await tx.groupMapping.findFirst({ where: { id: mappingId, tenantId } });
      if (!still) throw notFound("The mapping");
      throw new AppError("conflict", STALE_PAIR);
    }
    const row = await tx.groupMapping.findUniqueOrThrow({ where: { id: mappingId } });
    const view = mappingView(row);
    await recordAuditEvent(tx, access, {
      action: "mapping.updated",
      target: `mapping:${mappingId}`,
      details: { before: mappingView(existing), after: view },
    });
    return view;
  });
}

export const updateMappingRoute: FastifyPluginAsyncZod<ApiDeps> = async (app, deps) => {
  app.patch(
    "/v1/tenants/:tenantId/mappings/:mappingId",
    {
      schema: {
        tags: ["mappings"],
        summary: "Change a mapping",
        params: ZMappingParams,
        body: ZUpdateMappingBody,
        response: { 200: ZMapping, 409: ZErrorReply, 502: ZErrorReply, ...AUTHENTICATED_ERRORS },
      },
      config: { access: { tenant: "write" } },
    },
    (request) => updateMapping(deps, tenantAccessOf(request), request.params.mappingId, request.body),
  );
};
