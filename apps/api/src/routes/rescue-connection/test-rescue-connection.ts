import { loadTenantSyncConfig } from "@techsync/db";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { z } from "zod";
import type { ApiDeps } from "../../api-deps";
import { rescueClientOf } from "../../connections/tenant-connections";
import { AppError } from "../../errors";
import { AUTHENTICATED_ERRORS, ZErrorReply, ZTenantParams } from "../common.types";
import { ZRescueConnectionTest } from "./rescue-connection.types";

type RescueConnectionTest = z.infer<typeof ZRescueConnectionTest>;

/**
 * Checks the stored API token, email and (optional) password one by one and says which one failed, in plain words;
 * the outcome is kept on the connection. Only "connected" is ok.
 */
export async function testRescueConnection(
  deps: Pick<ApiDeps, "prisma" | "secretBox" | "outbound" | "upstreamTimeoutMs">,
  tenantId: string,
): Promise<RescueConnectionTest> {
  const config = await loadTenantSyncConfig(deps, tenantId);
  if (!config.rescue) throw new AppError("not_connected", "The tenant has no Rescue connection yet: set it first.");
  const client = rescueClientOf(deps, { sandboxMode: config.sandboxMode, rescue: config.rescue });
  const tested = await client.testConnection();
  const result: RescueConnectionTest = {
    ok: tested.ok,
    result: tested.result,
    message: tested.message,
    checks: tested.checks,
    ...(tested.account
      ? { account: { organization: tested.account.organization, accountId: tested.account.accountId } }
      : {}),
    masterAdministrator: tested.masterAdministrator,
    warnings: tested.warnings,
  };
  await deps.prisma.rescueConnection.update({
    where: { tenantId },
    data: { lastTestedAt: new Date(), lastTestOk: result.ok, lastTestMessage: result.message },
  });
  return result;
}

export const testRescueConnectionRoute: FastifyPluginAsyncZod<ApiDeps> = async (app, deps) => {
  app.post(
    "/v1/tenants/:tenantId/rescue-connection/test",
    {
      schema: {
        tags: ["connections"],
        summary: "Check the stored Rescue API token, email and password one by one and report which one failed",
        params: ZTenantParams,
        response: { 200: ZRescueConnectionTest, 409: ZErrorReply, ...AUTHENTICATED_ERRORS },
      },
      config: { access: { tenant: "write" } },
    },
    (request) => testRescueConnection(deps, request.params.tenantId),
  );
};
