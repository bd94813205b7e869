import { FORGET_BULK_CREATE, SECRET_FIELDS, tenantDataKey } from "@techsync/db";
import { DEFAULT_RESCUE_BASE_URL } from "@techsync/rescue";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { z } from "zod";
import type { ApiDeps } from "../../api-deps";
import { recordAuditEvent } from "../../audit/record-audit-event";
import { tenantAccessOf } from "../../auth/authenticate";
import type { TenantAccess } from "../../auth/principal";
import { invalidField, notFound } from "../../errors";
import { AUTHENTICATED_ERRORS, ZTenantParams } from "../common.types";
import {
  type RescueConnectionView,
  rescueConnectionView,
  ZRescueConnection,
  ZSetRescueConnectionBody,
} from "./rescue-connection.types";

export async function setRescueConnection(
  deps: Pick<ApiDeps, "prisma" | "secretBox">,
  access: TenantAccess,
  body: z.infer<typeof ZSetRescueConnectionBody>,
): Promise<RescueConnectionView> {
  const { tenantId } = access;
  return deps.prisma.$transaction(async (tx) => {
    const tenant = await tx.tenant.findUnique({ where: { id: tenantId }, include: { rescueConnection: true } });
    if (!tenant) throw notFound("The tenant");
    const current = tenant.rescueConnection;
    if (!current && !body.password) throw invalidField("password", "required when the connection is first set.");
    if (!current && !body.serviceToken)
      throw invalidField("serviceToken", "required when the connection is first set.");
    const seal = (field: string, value: string) =>
      deps.secretBox.encrypt(tenantId, tenantDataKey(tenant), field, value);
    const apiBaseUrl = body.apiBaseUrl ?? current?.apiBaseUrl ?? DEFAULT_RESCUE_BASE_URL;
    // Another organisation, caller or token may answer createUsers differently: learn it again.
    const destinationChanged =
      current !== null &&
      (current.email.toLowerCase() !== body.email.toLowerCase() ||
        current.apiBaseUrl !== apiBaseUrl ||
        !!body.serviceToken);
    const data = {
      email: body.email,
      apiBaseUrl,
      ...(destinationChanged ? FORGET_BULK_CREATE : {}),
      ...(body.password ? { passwordEnc: seal(SECRET_FIELDS.rescuePassword, body.password) } : {}),
      ...(body.serviceToken ? { serviceTokenEnc: seal(SECRET_FIELDS.rescueServiceToken, body.serviceToken) } : {}),
      // A changed connection has not been tested yet.
      lastTestedAt: null,
      lastTestOk: null,
      lastTestMessage: null,
    };
    const row = current
      ? await tx.rescueConnection.update({ where: { tenantId }, data })
      : await tx.rescueConnection.create({
          data: { tenantId, ...data, passwordEnc: data.passwordEnc ?? "", serviceTokenEnc: data.serviceTokenEnc ?? "" },
        });
    await recordAuditEvent(tx, access, {
      action: current ? "rescue_connection.updated" : "rescue_connection.created",
      target: `tenant:${tenantId}`,
      details: {
        email: body.email,
        apiBaseUrl: data.apiBaseUrl,
        password: body.password ? "changed" : "kept",
        serviceToken: body.serviceToken ? "changed" : "kept",
      },
    });
    return rescueConnectionView(row);
  });
}

export const setRescueConnectionRoute: FastifyPluginAsyncZod<ApiDeps> = async (app, deps) => {
  app.put(
    "/v1/tenants/:tenantId/rescue-connection",
    {
      schema: {
        tags: ["connections"],
        summary: "Set the Rescue connection (secrets required first time, kept when omitted later)",
        params: ZTenantParams,
        body: ZSetRescueConnectionBody,
        response: { 200: ZRescueConnection, ...AUTHENTICATED_ERRORS },
      },
      config: { access: { tenant: "write" } },
    },
    (request) => setRescueConnection(deps, tenantAccessOf(request), request.body),
  );
};
