import { DestinationError, resolveEntraEndpoint } from "@techsync/config/destinations";
import { entraSecretField, tenantDataKey } from "@techsync/db";
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

/**
 * Stores the connection. The client secret is sealed for its cloud: when the cloud changes, the stored secret is
 * dropped and must be given again, as on a first set.
 */
export async function setEntraConnection(
  deps: Pick<ApiDeps, "prisma" | "secretBox" | "outbound">,
  access: TenantAccess,
  body: z.infer<typeof ZSetEntraConnectionBody>,
): Promise<EntraConnectionView> {
  const { tenantId } = access;
  return deps.prisma.$transaction(async (tx) => {
    const tenant = await tx.tenant.findUnique({ where: { id: tenantId }, include: { entraConnection: true } });
    if (!tenant) throw notFound("The tenant");
    const current = tenant.entraConnection;
    const cloud = body.cloud ?? current?.cloud ?? "global";
    try {
      resolveEntraEndpoint(cloud, tenant, deps.outbound.emulators);
    } catch (error) {
      if (error instanceof DestinationError) throw invalidField("cloud", error.message);
      throw error;
    }
    const moved = current !== null && current.cloud !== cloud;
    if (!body.clientSecret && (!current || moved)) {
      throw invalidField(
        "clientSecret",
        moved
          ? "required again because the cloud changed: a stored secret is cleared when the destination changes, so enter it again."
          : "required when the connection is first set.",
      );
    }
    const data = {
      directoryId: body.directoryId,
      clientId: body.clientId,
      cloud,
      clientSecretEnc: body.clientSecret
        ? deps.secretBox.encrypt(tenantId, tenantDataKey(tenant), entraSecretField(cloud), body.clientSecret)
        : current!.clientSecretEnc,
      lastTestedAt: null,
      lastTestOk: null,
      lastTestMessage: null,
      // The app, secret or cloud may have changed: the worker reads Graph's date afresh on its next check.
      clientSecretGraphExpiresAt: null,
      clientSecretGraphReadAt: null,
      clientSecretExpiresAt:
        body.clientSecretExpiresOn !== undefined
          ? body.clientSecretExpiresOn === null
            ? null
            : new Date(`${body.clientSecretExpiresOn}T00:00:00Z`)
          : body.clientSecret
            ? null
            : (current?.clientSecretExpiresAt ?? null),
    };
    const row = current
      ? await tx.entraConnection.update({ where: { tenantId }, data })
      : await tx.entraConnection.create({ data: { tenantId, ...data } });
    await recordAuditEvent(tx, access, {
      action: current ? "entra_connection.updated" : "entra_connection.created",
      target: `tenant:${tenantId}`,
      details: {
        directoryId: data.directoryId,
        clientId: data.clientId,
        cloud,
        ...(moved ? { previousCloud: current.cloud } : {}),
        clientSecret: body.clientSecret ? "changed" : "kept",
        clientSecretExpiresOn: data.clientSecretExpiresAt?.toISOString().slice(0, 10) ?? null,
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
        summary:
          "Set the Entra connection (client secret required first time and when the cloud changes, kept when omitted otherwise)",
        params: ZTenantParams,
        body: ZSetEntraConnectionBody,
        response: { 200: ZEntraConnection, ...AUTHENTICATED_ERRORS },
      },
      config: { access: { tenant: "write" } },
    },
    (request) => setEntraConnection(deps, tenantAccessOf(request), request.body),
  );
};
