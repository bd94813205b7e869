import { loadTenantSyncConfig } from "@techsync/db";
import { RescueError } from "@techsync/rescue";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { z } from "zod";
import type { ApiDeps } from "../../api-deps";
import { rescueClientOf } from "../../connections/tenant-connections";
import { AppError } from "../../errors";
import { AUTHENTICATED_ERRORS, ZErrorReply, ZTenantParams } from "../common.types";
import { ZRescueConnectionTest } from "./rescue-connection.types";

type RescueConnectionTest = z.infer<typeof ZRescueConnectionTest>;

/** Logs in with the stored credentials and says what happened in plain words; the outcome is kept on the connection. */
export async function testRescueConnection(
  deps: Pick<ApiDeps, "prisma" | "secretBox" | "outbound" | "upstreamTimeoutMs">,
  tenantId: string,
): Promise<RescueConnectionTest> {
  const config = await loadTenantSyncConfig(deps, tenantId);
  if (!config.rescue) throw new AppError("not_connected", "The tenant has no Rescue connection yet: set it first.");
  const client = rescueClientOf(deps, { sandboxMode: config.sandboxMode, rescue: config.rescue });
  let result: RescueConnectionTest;
  try {
    const { account, warnings } = await client.testConnection();
    result = {
      ok: true,
      message: `Connected to the Rescue organisation “${account.organization}” (account ${account.accountId}).`,
      account: { organization: account.organization, accountId: account.accountId },
      warnings,
    };
  } catch (error) {
    if (!(error instanceof RescueError)) throw error;
    result = { ok: false, message: `${error.message}.${error.hint ? ` ${error.hint}` : ""}`, warnings: [] };
  }
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
        summary: "Log in to Rescue with the stored connection and report the outcome",
        params: ZTenantParams,
        response: { 200: ZRescueConnectionTest, 409: ZErrorReply, ...AUTHENTICATED_ERRORS },
      },
      config: { access: { tenant: "write" } },
    },
    (request) => testRescueConnection(deps, request.params.tenantId),
  );
};
