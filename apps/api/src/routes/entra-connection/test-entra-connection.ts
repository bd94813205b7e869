import { loadTenantSyncConfig, type TenantSyncConfig } from "@techsync/db";
import { testEntraConnection as probeEntraConnection } from "@techsync/entra";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { z } from "zod";
import type { ApiDeps } from "../../api-deps";
import { entraConfigOf } from "../../connections/tenant-connections";
import { AppError, invalidField } from "../../errors";
import { AUTHENTICATED_ERRORS, ZErrorReply, ZTenantParams } from "../common.types";
import { ZEntraConnectionTest, ZTestEntraConnectionBody } from "./entra-connection.types";

type EntraConnectionTest = z.infer<typeof ZEntraConnectionTest>;

type Candidate = NonNullable<z.infer<typeof ZTestEntraConnectionBody>["candidate"]>;

/**
 * Gets a token, reads which permissions are granted and which are missing. The saved connection's outcome is kept
 * on it; a candidate (values typed, not saved) is only tested: nothing is written, so a wrong new secret never
 * replaces a working one.
 */
export async function testEntraConnection(
  deps: Pick<ApiDeps, "prisma" | "secretBox" | "outbound" | "upstreamTimeoutMs">,
  tenantId: string,
  candidate?: Candidate,
): Promise<EntraConnectionTest> {
  const config = await loadTenantSyncConfig(deps, tenantId);
  const entra = candidate ? candidateEntra(config.entra, candidate) : config.entra;
  if (!entra) throw new AppError("not_connected", "The tenant has no Entra connection yet: set it first.");
  const probe = await probeEntraConnection(entraConfigOf(deps, { sandboxMode: config.sandboxMode, entra }));
  const missing = probe.permissions.filter((p) => !p.granted).map((p) => p.permission);
  let message: string;
  if (!probe.token.ok) {
    message = `Could not sign in to Entra: ${probe.token.problem.message}${probe.token.problem.hint ? ` ${probe.token.problem.hint}` : ""}`;
  } else if (missing.length > 0) {
    message = `Signed in, but these permissions are missing: ${missing.join(", ")}. Grant admin consent for them on the app registration.`;
  } else if (probe.read && !probe.read.ok) {
    message = `Signed in with every permission, but reading the directory failed: ${probe.read.problem.message}`;
  } else {
    message = "Connected: User.Read.All, Group.Read.All and Directory.Read.All are granted and the directory answers.";
  }
  if (!candidate) {
    await deps.prisma.entraConnection.update({
      where: { tenantId },
      data: { lastTestedAt: new Date(), lastTestOk: probe.ok, lastTestMessage: message },
    });
  }
  return { ok: probe.ok, message, permissions: probe.permissions, summary: probe.summary };
}

/** The typed values; an absent secret is the saved one, unless the cloud changed (a secret never follows it). */
function candidateEntra(
  saved: TenantSyncConfig["entra"],
  candidate: Candidate,
): NonNullable<TenantSyncConfig["entra"]> {
  const cloud = candidate.cloud ?? saved?.cloud ?? "global";
  const clientSecret = candidate.clientSecret ?? (saved && saved.cloud === cloud ? saved.clientSecret : undefined);
  if (!clientSecret) throw invalidField("clientSecret", "is required to test a connection that has none saved.");
  return { cloud, directoryId: candidate.directoryId, clientId: candidate.clientId, clientSecret };
}

export const testEntraConnectionRoute: FastifyPluginAsyncZod<ApiDeps> = async (app, deps) => {
  app.post(
    "/v1/tenants/:tenantId/entra-connection/test",
    {
      schema: {
        tags: ["connections"],
        summary:
          "Get a token with the stored connection (or, with a candidate, the values given, not saved) and report which permissions are granted or missing",
        params: ZTenantParams,
        body: ZTestEntraConnectionBody.nullish(),
        response: { 200: ZEntraConnectionTest, 409: ZErrorReply, ...AUTHENTICATED_ERRORS },
      },
      config: { access: { tenant: "write" } },
    },
    (request) => testEntraConnection(deps, request.params.tenantId, request.body?.candidate),
  );
};
