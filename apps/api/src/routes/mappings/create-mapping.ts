import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { z } from "zod";
import type { ApiDeps } from "../../api-deps";
import { recordAuditEvent } from "../../audit/record-audit-event";
import { tenantAccessOf } from "../../auth/authenticate";
import type { TenantAccess } from "../../auth/principal";
import { AppError } from "../../errors";
import { AUTHENTICATED_ERRORS, ZErrorReply, ZTenantParams } from "../common.types";
import {
  conditionsFromBody,
  filterColumns,
  type MappingView,
  mappingView,
  ZCreateMappingBody,
  ZMapping,
} from "./mappings.types";
import { technicianGroupName } from "./rescue-group-check";

export const DUPLICATE_PAIR = "This Entra group is already paired with this Rescue group.";

export async function createMapping(
  deps: Pick<ApiDeps, "prisma" | "secretBox" | "outbound" | "upstreamTimeoutMs">,
  access: TenantAccess,
  body: z.infer<typeof ZCreateMappingBody>,
): Promise<MappingView> {
  const { tenantId } = access;
  const rescueGroupName = await technicianGroupName(deps, tenantId, body.rescueGroupId);
  return deps.prisma.$transaction(async (tx) => {
    const pair = { tenantId, entraGroupId: body.entraGroupId, rescueGroupId: body.rescueGroupId };
    if (await tx.groupMapping.findUnique({ where: { tenantId_entraGroupId_rescueGroupId: pair } })) {
      throw new AppError("conflict", DUPLICATE_PAIR);
    }
    const row = await tx.groupMapping.create({
      data: {
        ...pair,
        entraGroupName: body.entraGroupName,
        rescueGroupName,
        priority: body.priority,
        transitive: body.transitive,
        ...filterColumns(conditionsFromBody(body)),
      },
    });
    const view = mappingView(row);
    await recordAuditEvent(tx, access, { action: "mapping.created", target: `mapping:${row.id}`, details: view });
    return view;
  });
}

export const createMappingRoute: FastifyPluginAsyncZod<ApiDeps> = async (app, deps) => {
  app.post(
    "/v1/tenants/:tenantId/mappings",
    {
      schema: {
        tags: ["mappings"],
        summary: "Map an Entra group to a Rescue technician group",
        params: ZTenantParams,
        body: ZCreateMappingBody,
        response: { 201: ZMapping, 409: ZErrorReply, 502: ZErrorReply, ...AUTHENTICATED_ERRORS },
      },
      config: { access: { tenant: "write" } },
    },
    async (request, reply) => reply.status(201).send(await createMapping(deps, tenantAccessOf(request), request.body)),
  );
};
