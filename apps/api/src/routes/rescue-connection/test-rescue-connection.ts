import { loadTenantSyncConfig, type TenantSyncConfig } from "@techsync/db";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { z } from "zod";
import type { ApiDeps } from "../../api-deps";
import { tenantAccessOf } from "../../auth/authenticate";
import type { TenantAccess } from "../../auth/principal";
import { rescueClientOf } from "../../connections/tenant-connections";
import { AppError, invalidField } from "../../errors";
import { AUTHENTICATED_ERRORS, ZTenantParams } from "../common.types";
import { ZRescueConnectionTest, ZRescueOrganisationTaken, ZTestRescueConnectionBody } from "./rescue-connection.types";
import { findOrganisationHolder, organisationTaken, type RescueOrganisation } from "./rescue-organisation-owner";

type RescueConnectionTest = z.infer<typeof ZRescueConnectionTest>;

type Candidate = NonNullable<z.infer<typeof ZTestRescueConnectionBody>["candidate"]>;

/**
 * A candidate (values typed, not saved) checked credential by credential: nothing is written, so a wrong new token
 * never replaces a working one. An absent token or password is the saved one, unless the region changed.
 */
export async function testRescueCandidate(
  deps: Pick<ApiDeps, "prisma" | "secretBox" | "outbound" | "upstreamTimeoutMs">,
  access: TenantAccess,
  candidate: Candidate,
): Promise<RescueConnectionTest> {
  const config = await loadTenantSyncConfig(deps, access.tenantId);
  const saved = config.rescue;
  const region = candidate.region ?? saved?.region ?? "global";
  const same = saved !== null && saved.region === region;
  const apiToken = candidate.apiToken ?? (same ? saved.apiToken : undefined);
  if (!apiToken) throw invalidField("apiToken", "is required to test a connection that has none saved.");
  const password =
    candidate.password !== undefined ? candidate.password || null : same ? (saved.password ?? null) : null;
  const client = rescueClientOf(deps, {
    sandboxMode: config.sandboxMode,
    rescue: {
      region,
      email: candidate.email,
      apiToken,
      password,
      bulkCreate: same ? saved.bulkCreate : { capability: "unknown", reason: null, checkedAt: null },
      organisation: null,
    },
  });
  return testResultOf(await client.testConnection());
}

function testResultOf(tested: Awaited<ReturnType<ReturnType<typeof rescueClientOf>["testConnection"]>>) {
  return {
    ok: tested.ok,
    result: tested.result,
    message: tested.message,
    checks: tested.checks,
    ...(tested.account
      ? { account: { organization: tested.account.organization, accountId: tested.account.accountId } }
      : {}),
    masterAdministrator: tested.masterAdministrator,
    warnings: tested.warnings,
  } satisfies RescueConnectionTest;
}

/**
 * Checks the stored API token, email and (optional) password one by one and says which one failed, in plain words;
 * the outcome is kept on the connection. Only "connected" is ok.
 */
export async function testRescueConnection(
  deps: Pick<ApiDeps, "prisma" | "secretBox" | "outbound" | "upstreamTimeoutMs">,
  access: TenantAccess,
): Promise<RescueConnectionTest> {
  const { tenantId } = access;
  const config = await loadTenantSyncConfig(deps, tenantId);
  const rescue = config.rescue;
  if (!rescue) throw new AppError("not_connected", "The tenant has no Rescue connection yet: set it first.");
  const client = rescueClientOf(deps, { sandboxMode: config.sandboxMode, rescue });
  const tested = await client.testConnection();
  const result: RescueConnectionTest = testResultOf(tested);
  const organisation =
    tested.account && tested.account.accountId > 0
      ? { accountId: tested.account.accountId, name: tested.account.organization }
      : null;
  const refusal = organisation ? await organisationRefusal(deps, access, rescue, organisation) : null;
  const lastTest = refusal
    ? { lastTestOk: false, lastTestMessage: refusal.message }
    : { lastTestOk: result.ok, lastTestMessage: result.message };
  try {
    await deps.prisma.rescueConnection.update({
      where: { tenantId },
      data: {
        lastTestedAt: new Date(),
        ...lastTest,
        // rule 15: an organisation not known yet is recorded now.
        ...(organisation && !refusal && !rescue.organisation
          ? { rescueAccountId: organisation.accountId, rescueOrganization: organisation.name }
          : {}),
      },
    });
  } catch (error) {
    // Another tenant recorded the same organisation between the check and this write.
    if (organisation && (error as { code?: string }).code === "P2002") {
      const holder = await findOrganisationHolder(deps.prisma, tenantId, rescue.region, organisation);
      if (holder) throw await organisationTaken(deps.prisma, access, organisation, holder);
    }
    throw error;
  }
  if (refusal) throw refusal;
  return result;
}

/**
 * rule 15: the organisation the token opens may not be synced by this tenant when another tenant holds it, or when
 * it is not the one this tenant connected (the token now belongs to another organisation).
 */
async function organisationRefusal(
  deps: Pick<ApiDeps, "prisma">,
  access: TenantAccess,
  rescue: NonNullable<TenantSyncConfig["rescue"]>,
  organisation: RescueOrganisation,
): Promise<AppError | null> {
  const recorded = rescue.organisation;
  if (recorded && recorded.accountId !== organisation.accountId) {
    return new AppError(
      "conflict",
      `The API token now belongs to the Rescue organisation “${organisation.name}” (account ${organisation.accountId}), not “${recorded.name}” (account ${recorded.accountId}) that this tenant connected, so runs stop before writing anything. Save the connection again to connect “${organisation.name}” instead.`,
    );
  }
  const holder = await findOrganisationHolder(deps.prisma, access.tenantId, rescue.region, organisation);
  return holder ? organisationTaken(deps.prisma, access, organisation, holder) : null;
}

export const testRescueConnectionRoute: FastifyPluginAsyncZod<ApiDeps> = async (app, deps) => {
  app.post(
    "/v1/tenants/:tenantId/rescue-connection/test",
    {
      schema: {
        tags: ["connections"],
        summary:
          "Check the stored Rescue API token, email and password (or, with a candidate, the values given, not saved) one by one and report which one failed",
        params: ZTenantParams,
        body: ZTestRescueConnectionBody.nullish(),
        response: { 200: ZRescueConnectionTest, 409: ZRescueOrganisationTaken, ...AUTHENTICATED_ERRORS },
      },
      config: { access: { tenant: "write" } },
    },
    (request) =>
      request.body?.candidate
        ? testRescueCandidate(deps, tenantAccessOf(request), request.body.candidate)
        : testRescueConnection(deps, tenantAccessOf(request)),
  );
};
