import { DestinationError, resolveRescueEndpoint } from "@techsync/config/destinations";
import {
  FORGET_BULK_CREATE,
  loadTenantSyncConfig,
  rescueSecretField,
  SECRET_FIELDS,
  TenantNotConnectedError,
  type TenantSyncConfig,
  tenantDataKey,
} from "@techsync/db";
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
  ZRescueOrganisationTaken,
  ZSetRescueConnectionBody,
} from "./rescue-connection.types";
import {
  callerOwns,
  findOrganisationHolder,
  moveOrganisationHere,
  organisationTaken,
  type RescueOrganisation,
  readRescueOrganisation,
} from "./rescue-organisation-owner";

type SetBody = z.infer<typeof ZSetRescueConnectionBody>;

/**
 * rule 15: the organisation the connection will open, asked of Rescue before the save's transaction (one call, a
 * person is waiting). When Rescue cannot tell and nothing that decides the organisation changed (same region, same
 * token), the recorded one stays; otherwise it is unknown until the tenant's first run asks.
 */
async function organisationToRecord(
  deps: Pick<ApiDeps, "outbound" | "upstreamTimeoutMs">,
  stored: TenantSyncConfig,
  body: SetBody,
  region: string,
): Promise<RescueOrganisation | null> {
  const current = stored.rescue;
  const moved = current !== null && current.region !== region;
  const apiToken = body.apiToken ?? (moved ? undefined : current?.apiToken);
  if (!apiToken) return null;
  const password = body.password !== undefined ? body.password || null : moved ? null : (current?.password ?? null);
  try {
    resolveRescueEndpoint(region, stored, deps.outbound.emulators);
  } catch {
    return null; // the save refuses the region in words of its own
  }
  const read = await readRescueOrganisation(deps, {
    sandboxMode: stored.sandboxMode,
    rescue: {
      region,
      email: body.email,
      apiToken,
      password,
      bulkCreate: { capability: "unknown", reason: null, checkedAt: null },
      organisation: null,
    },
  });
  if (read) return read;
  return !moved && !body.apiToken ? (current?.organisation ?? null) : null;
}

/**
 * Stores the connection. Its secrets are sealed for its region: when the region changes, the stored secrets are
 * dropped (they never follow a new destination) and the API token must be given again, as on a first set.
 * rule 15: an organisation another tenant holds is refused (409 naming that tenant's owners), or moved here when
 * the caller owns that tenant too and asked for it (`moveFrom`); the unique index settles two saves that race.
 */
export async function setRescueConnection(
  deps: Pick<ApiDeps, "prisma" | "secretBox" | "outbound" | "upstreamTimeoutMs">,
  access: TenantAccess,
  body: SetBody,
): Promise<RescueConnectionView> {
  const { tenantId } = access;
  const stored = await loadTenantSyncConfig(deps, tenantId).catch((error: unknown) => {
    if (error instanceof TenantNotConnectedError) throw notFound("The tenant");
    throw error;
  });
  const region = body.region ?? stored.rescue?.region ?? "global";
  const organisation = await organisationToRecord(deps, stored, body, region);
  try {
    return await saveRescueConnection(deps, access, body, organisation);
  } catch (error) {
    // Another tenant's save of the same organisation committed first: the unique index refused this one.
    if (organisation && (error as { code?: string }).code === "P2002") {
      const holder = await findOrganisationHolder(deps.prisma, tenantId, region, organisation);
      if (holder) throw await organisationTaken(deps.prisma, access, organisation, holder);
    }
    throw error;
  }
}

function saveRescueConnection(
  deps: Pick<ApiDeps, "prisma" | "secretBox" | "outbound">,
  access: TenantAccess,
  body: SetBody,
  organisation: RescueOrganisation | null,
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
    // rule 15: one tenant per organisation.
    const holder = organisation ? await findOrganisationHolder(tx, tenantId, region, organisation) : null;
    if (organisation && holder) {
      if (body.moveFrom !== holder.tenantId || !(await callerOwns(tx, access, holder.tenantId))) {
        throw await organisationTaken(tx, access, organisation, holder);
      }
      await moveOrganisationHere(tx, access, organisation, holder);
    }
    const data = {
      email: body.email,
      region,
      rescueAccountId: organisation?.accountId ?? null,
      rescueOrganization: organisation?.name ?? null,
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
        organisation: organisation ? { accountId: organisation.accountId, name: organisation.name } : null,
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
          "Set the Rescue connection (API token required first time and when the region changes, kept when omitted otherwise); a Rescue organisation another tenant holds is refused (409), or moved here by an owner of both",
        params: ZTenantParams,
        body: ZSetRescueConnectionBody,
        response: { 200: ZRescueConnection, 409: ZRescueOrganisationTaken, ...AUTHENTICATED_ERRORS },
      },
      config: { access: { tenant: "write" } },
    },
    (request) => setRescueConnection(deps, tenantAccessOf(request), request.body),
  );
};
