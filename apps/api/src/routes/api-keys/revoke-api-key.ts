import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { ApiDeps } from "../../api-deps";
import { recordAuditEvent } from "../../audit/record-audit-event";
import { tenantAccessOf } from "../../auth/authenticate";
import type { TenantAccess } from "../../auth/principal";
import { notFound } from "../../errors";
import { AUTHENTICATED_ERRORS } from "../common.types";
import { ZApiKeyParams } from "./api-keys.types";

/** Revoked keys stay listed (with revokedAt) so the audit trail can name them. */
export async function revokeApiKey(deps: Pick<ApiDeps, "prisma">, access: TenantAccess, keyId: string): Promise<void> {
  await deps.prisma.$transaction(async (tx) => {
    const row = await tx.apiKey.findFirst({ where: { id: keyId, tenantId: access.tenantId } });
    if (!row) throw notFound("The API key");
    if (row.revokedAt) return;
    await tx.apiKey.update({ where: { id: keyId }, data: { revokedAt: new Date() } });
    await recordAuditEvent(tx, access, {
      action: "api_key.revoked",
      target: `api_key:${keyId}`,
      details: { name: row.name, prefix: `tsk_${row.prefix}` },
    });
  });
}

export const revokeApiKeyRoute: FastifyPluginAsyncZod<ApiDeps> = async (app, deps) => {
  app.delete(
    "/v1/tenants/:tenantId/api-keys/:keyId",
    {
      schema: {
        tags: ["api-keys"],
        summary: "Revoke an API key (owner)",
        params: ZApiKeyParams,
        response: { 204: z.null().describe("Revoked"), ...AUTHENTICATED_ERRORS },
      },
      config: { access: { tenant: "owner" } },
    },
    async (request, reply) => {
      await revokeApiKey(deps, tenantAccessOf(request), request.params.keyId);
      return reply.status(204).send(null);
    },
  );
};
