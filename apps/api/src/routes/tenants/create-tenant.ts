import type { Prisma, SecretBox } from "@techsync/db";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { ApiDeps } from "../../api-deps";
import { recordAuditEvent } from "../../audit/record-audit-event";
import { portalUserOf } from "../../auth/authenticate";
import { AUTHENTICATED_ERRORS, ZErrorReply } from "../common.types";
import { type TenantSettings, tenantSettingsView, ZCreateTenantBody, ZTenantSettings } from "./tenants.types";

/** A new tenant with its own data key; the creator becomes its owner. Runs inside the caller's transaction. */
export async function createTenantWithOwner(
  tx: Prisma.TransactionClient,
  secretBox: Pick<SecretBox, "createDataKey">,
  input: { name: string; ownerId: string },
): Promise<Prisma.TenantModel> {
  const id = crypto.randomUUID();
  const dataKey = secretBox.createDataKey(id);
  const tenant = await tx.tenant.create({
    data: { id, name: input.name, dataKeyWrapped: dataKey.wrapped, dataKeyMasterKeyId: dataKey.masterKeyId },
  });
  await tx.membership.create({ data: { tenantId: id, portalUserId: input.ownerId, role: "owner" } });
  await recordAuditEvent(
    tx,
    { tenantId: id, actor: { actorType: "portal_user", actorId: input.ownerId } },
    { action: "tenant.created", target: `tenant:${id}`, details: { name: input.name } },
  );
  return tenant;
}

export async function createTenant(
  deps: Pick<ApiDeps, "prisma" | "secretBox">,
  userId: string,
  name: string,
): Promise<TenantSettings> {
  const tenant = await deps.prisma.$transaction((tx) =>
    createTenantWithOwner(tx, deps.secretBox, { name, ownerId: userId }),
  );
  return tenantSettingsView(tenant, null);
}

export const createTenantRoute: FastifyPluginAsyncZod<ApiDeps> = async (app, deps) => {
  app.post(
    "/v1/tenants",
    {
      schema: {
        tags: ["tenants"],
        summary: "Create a tenant; the caller becomes its owner",
        body: ZCreateTenantBody,
        response: { 201: ZTenantSettings, 409: ZErrorReply, ...AUTHENTICATED_ERRORS },
      },
      config: { access: { principal: "portal_user" } },
    },
    async (request, reply) =>
      reply.status(201).send(await createTenant(deps, portalUserOf(request), request.body.name)),
  );
};
