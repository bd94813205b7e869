import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { ApiDeps } from "../../api-deps";
import { notFound } from "../../errors";
import { AUTHENTICATED_ERRORS } from "../common.types";
import { type RunView, runView, ZRun } from "./run-view";
import { ZRunParams } from "./runs.types";

export async function getRun(deps: Pick<ApiDeps, "prisma">, tenantId: string, runId: string): Promise<RunView> {
  const run = await deps.prisma.syncRun.findFirst({ where: { id: runId, tenantId } });
  if (!run) throw notFound("The run");
  return runView(run);
}

export const getRunRoute: FastifyPluginAsyncZod<ApiDeps> = async (app, deps) => {
  app.get(
    "/v1/tenants/:tenantId/runs/:runId",
    {
      schema: {
        tags: ["runs"],
        summary: "One run: counts, progress, timings",
        params: ZRunParams,
        response: { 200: ZRun, ...AUTHENTICATED_ERRORS },
      },
      config: { access: { tenant: "read" } },
    },
    (request) => getRun(deps, request.params.tenantId, request.params.runId),
  );
};
