import { SECRET_FIELDS, tenantDataKey } from "@techsync/db";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { z } from "zod";
import type { ApiDeps } from "../../api-deps";
import { recordAuditEvent } from "../../audit/record-audit-event";
import { tenantAccessOf } from "../../auth/authenticate";
import type { TenantAccess } from "../../auth/principal";
import { invalidField, notFound } from "../../errors";
import { AUTHENTICATED_ERRORS, ZTenantParams } from "../common.types";
import {
  type EntraConnectionView,
  entraConnectionView,
  ZEntraConnection,
  ZSetEntraConnectionBody,
} from "./entra-connection.types";

export async function setEntraConnection(
  deps: Pick<ApiDeps, "prisma" | "secretBox">,
  access: TenantAccess,
  body: z.infer<typeof ZSetEntraConnectionBody>,
): Promise<EntraConnectionView> {
  const { tenantId } = access;
  return deps.prisma.$transaction(async (tx) => {
    const tenant = await tx.tenant.findUnique({ where: { id: tenantId }, include: { entraConnection: true } });
    if (!tenant) throw notFound("The tenant");
    const current = tenant.entraConnection;
    if (!current && !body.clientSecret)
      throw invalidField("clientSecret", "required when the connection is first set.");
    const data = {
      directoryId: body.directoryId,
      clientId: body.clientId,
      authorityHost: body.authorityHost === undefined ? (current?.authorityHost ?? null) : body.authorityHost,
      graphBaseUrl: body.graphBaseUrl === undefined ? (current?.graphBaseUrl ?? null) : body.graphBaseUrl,
      ...(body.clientSecret
        ? {
            clientSecretEnc: deps.secretBox.encrypt(
              tenantId,
              tenantDataKey(tenant),
              SECRET_FIELDS.entraClientSecret,
              body.clientSecret,
            ),
          }
        : {}),
      lastTestedAt: null,
      lastTestOk: null,
      lastTestMessage: null,
    };
    const row = current
      ? await tx.entraConnection.update({ where: { tenantId }, data })
      : await tx.entraConnection.create({ data: { tenantId, ...data, clientSecretEnc: data.clientSecretEnc ?? "" } });
    await recordAuditEvent(tx, access, {
      action: current ? "entra_connection.updated" : "entra_connection.created",
      target: `tenant:${tenantId}`,
      details: {
        directoryId: data.directoryId,
        clientId: data.clientId,
        authorityHost: data.authorityHost,
        graphBaseUrl: data.graphBaseUrl,
        clientSecret: body.clientSecret ? "changed" : "kept",
      },
    });
    return entraConnectionView(row);
  });
}

export const setEntraConnectionRoute: FastifyPluginAsyncZod<ApiDeps> = async (app, deps) => {
  app.put(
    "/v1/tenants/:tenantId/entra-connection",
    {
      schema: {
        tags: ["connections"],
        summary: "Set the Entra connection (client secret required first time, kept when omitted later)",
        params: ZTenantParams,
        body: ZSetEntraConnectionBody,
        response: { 200: ZEntraConnection, ...AUTHENTICATED_ERRORS },
      },
      config: { access: { tenant: "write" } },
    },
    (request) => setEntraConnection(deps, tenantAccessOf(request), request.body),
  );
};
