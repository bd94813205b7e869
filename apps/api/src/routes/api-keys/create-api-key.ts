import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { z } from "zod";
import type { ApiDeps } from "../../api-deps";
import { recordAuditEvent } from "../../audit/record-audit-event";
import { mintApiKey } from "../../auth/api-key-credential";
import { tenantAccessOf } from "../../auth/authenticate";
import type { TenantAccess } from "../../auth/principal";
import { AUTHENTICATED_ERRORS, ZTenantParams } from "../common.types";
import { apiKeyView, ZCreateApiKeyBody, ZCreatedApiKey } from "./api-keys.types";

/** The key is returned this once; only its hash is kept. */
export async function createApiKey(
  deps: Pick<ApiDeps, "prisma">,
  access: TenantAccess,
  body: z.infer<typeof ZCreateApiKeyBody>,
): Promise<z.infer<typeof ZCreatedApiKey>> {
  const { key, prefix, hash } = mintApiKey();
  return deps.prisma.$transaction(async (tx) => {
    const row = await tx.apiKey.create({
      data: {
        tenantId: access.tenantId,
        name: body.name,
        prefix,
        hash,
        scopes: body.scopes,
        createdBy: access.actor.actorId,
      },
    });
    await recordAuditEvent(tx, access, {
      action: "api_key.created",
      target: `api_key:${row.id}`,
      details: { name: body.name, prefix: `tsk_${prefix}`, scopes: body.scopes },
    });
    return { apiKey: apiKeyView(row), key };
  });
}

export const createApiKeyRoute: FastifyPluginAsyncZod<ApiDeps> = async (app, deps) => {
  app.post(
    "/v1/tenants/:tenantId/api-keys",
    {
      schema: {
        tags: ["api-keys"],
        summary: "Create an API key; the key is shown in this answer only (owner)",
        params: ZTenantParams,
        body: ZCreateApiKeyBody,
        response: { 201: ZCreatedApiKey, ...AUTHENTICATED_ERRORS },
      },
      config: { access: { tenant: "owner" } },
    },
    async (request, reply) => reply.status(201).send(await createApiKey(deps, tenantAccessOf(request), request.body)),
  );
};
