import { DestinationError, resolveRescueEndpoint } from "@techsync/config/destinations";
import { FORGET_BULK_CREATE, rescueSecretField, SECRET_FIELDS, tenantDataKey } from "@techsync/db";
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

/**
 * Stores the connection. Its secrets are sealed for its region: when the region changes, the stored secrets are
 * dropped (they never follow a new destination) and the API token must be given again, as on a first set.
 */
export async function setRescueConnection(
  deps: Pick<ApiDeps, "prisma" | "secretBox" | "outbound">,
  access: TenantAccess,
  body: z.infer<typeof ZSetRescueConnectionBody>,
): Promise<RescueConnectionView> {
  const { tenantId } = access;
  return deps.prisma.$transaction(async (tx) => {
    const tenant = await tx.tenant.findUnique({ where: { id: tenantId }, include: { rescueConnection: true } });
    if (!tenant) throw notFound("The tenant");
    const current = tenant.rescueConnection;
    const region = body.region ?? current?.region ?? "global";
    try {
      resolveRescueEndpoint(region, tenant, deps.outbound.emulators);
    } catch (error) {
      if (error instanceof DestinationError) throw invalidField("region", error.message);
      throw error;
    }
    const moved = current !== null && current.region !== region;
    if (!body.apiToken && (!current || moved)) {
      throw invalidField(
        "apiToken",
        moved
          ? "required again because the region changed: stored secrets are cleared when the destination changes, so enter the API token (and the password, if you use one) again."
          : "required when the connection is first set.",
      );
    }
    const seal = (field: typeof SECRET_FIELDS.rescuePassword | typeof SECRET_FIELDS.rescueApiToken, value: string) =>
      deps.secretBox.encrypt(tenantId, tenantDataKey(tenant), rescueSecretField(field, region), value);
    // Absent keeps the stored password (same region only); "" clears it.
    const passwordEnc =
      body.password !== undefined && body.password !== ""
        ? seal(SECRET_FIELDS.rescuePassword, body.password)
        : body.password === "" || !current || moved
          ? ""
          : current.passwordEnc;
    const apiTokenEnc = body.apiToken ? seal(SECRET_FIELDS.rescueApiToken, body.apiToken) : current!.apiTokenEnc;
    // Another organisation, caller or token may answer createUsers differently: learn it again.
    const forgetBulkCreate =
      current !== null && (current.email.toLowerCase() !== body.email.toLowerCase() || moved || !!body.apiToken);
    const data = {
      email: body.email,
      region,
      ...(forgetBulkCreate ? FORGET_BULK_CREATE : {}),
      passwordEnc,
      apiTokenEnc,
      // A changed connection has not been tested yet.
      lastTestedAt: null,
      lastTestOk: null,
      lastTestMessage: null,
    };
    const row = current
      ? await tx.rescueConnection.update({ where: { tenantId }, data })
      : await tx.rescueConnection.create({ data: { tenantId, ...data } });
    const change = (given: string | undefined, kept: boolean) =>
      given ? "changed" : given === "" ? "cleared" : kept ? "kept" : "cleared";
    await recordAuditEvent(tx, access, {
      action: current ? "rescue_connection.updated" : "rescue_connection.created",
      target: `tenant:${tenantId}`,
      details: {
        email: body.email,
        region,
        ...(moved ? { previousRegion: current.region } : {}),
        password: change(body.password, Boolean(current?.passwordEnc) && !moved),
        apiToken: change(body.apiToken, !moved),
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
        summary:
          "Set the Rescue connection (API token required first time and when the region changes, kept when omitted otherwise)",
        params: ZTenantParams,
        body: ZSetRescueConnectionBody,
        response: { 200: ZRescueConnection, ...AUTHENTICATED_ERRORS },
      },
      config: { access: { tenant: "write" } },
    },
    (request) => setRescueConnection(deps, tenantAccessOf(request), request.body),
  );
};
