import { DISMISSED, notifyRunEvent } from "@techsync/runs";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { ApiDeps } from "../../api-deps";
import { actorName } from "../../audit/actor-name";
import { recordAuditEvent } from "../../audit/record-audit-event";
import { tenantAccessOf } from "../../auth/authenticate";
import type { TenantAccess } from "../../auth/principal";
import { AppError, notFound } from "../../errors";
import { AUTHENTICATED_ERRORS, ZErrorReply } from "../common.types";
import { type RunView, runView, ZRun } from "./run-view";
import { ZRunParams } from "./runs.types";

/**
 * rule 11: a person declines a blocked run; nothing of it is applied, and its actions say so ("not applied"). The
 * tenant's warning that a run was blocked stays: the cause (many users out of scope) is still there, and the worker
 * lifts the warning when a later real run is not blocked.
 */
export async function dismissRun(deps: Pick<ApiDeps, "prisma">, access: TenantAccess, runId: string): Promise<RunView> {
  return deps.prisma.$transaction(async (tx) => {
    const current = await tx.syncRun.findFirst({ where: { id: runId, tenantId: access.tenantId } });
    if (!current) throw notFound("The run");
    if (current.status !== "blocked") {
      throw new AppError("conflict", `runId: only a blocked run can be dismissed; this one is ${current.status}.`);
    }
    const who = await actorName(tx, access);
    const { count } = await tx.syncRun.updateMany({
      where: { id: runId, status: "blocked" },
      data: {
        status: "cancelled",
        finishedAt: current.finishedAt ?? new Date(),
        error: `Dismissed by ${who}: nothing of it was applied.`,
      },
    });
    if (count === 0) throw new AppError("conflict", "runId: the run changed meanwhile; reload it.");
    const skipped = await tx.syncAction.updateMany({
      where: { runId, tenantId: access.tenantId, status: "planned" },
      data: { status: "skipped", errorCode: DISMISSED, error: `Dismissed by ${who}.` },
    });
    if (skipped.count > 0) await notifyRunEvent(tx, { runId, tenantId: access.tenantId, change: "actions" });
    await notifyRunEvent(tx, { runId, tenantId: access.tenantId, change: "status" });
    await recordAuditEvent(tx, access, {
      action: "run.dismissed",
      target: `run:${runId}`,
      details: { notAppliedActions: skipped.count },
    });
    return runView(await tx.syncRun.findUniqueOrThrow({ where: { id: runId } }));
  });
}

export const dismissRunRoute: FastifyPluginAsyncZod<ApiDeps> = async (app, deps) => {
  app.post(
    "/v1/tenants/:tenantId/runs/:runId/dismiss",
    {
      schema: {
        tags: ["runs"],
        summary: "Dismiss a run blocked by the safety threshold (it becomes cancelled)",
        params: ZRunParams,
        response: { 200: ZRun, 409: ZErrorReply, ...AUTHENTICATED_ERRORS },
      },
      config: { access: { tenant: "run" } },
    },
    (request) => dismissRun(deps, tenantAccessOf(request), request.params.runId),
  );
};
