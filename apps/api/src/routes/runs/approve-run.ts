import type { ApproveRunBody } from "@techsync/api-contract";
import { enqueueRun } from "@techsync/jobs";
import { approveBlockedRun } from "@techsync/runs";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { ApiDeps } from "../../api-deps";
import { actorName } from "../../audit/actor-name";
import { recordAuditEvent } from "../../audit/record-audit-event";
import { tenantAccessOf } from "../../auth/authenticate";
import type { TenantAccess } from "../../auth/principal";
import { AppError, notFound } from "../../errors";
import { callQueue } from "../../job-queue";
import { AUTHENTICATED_ERRORS, ZErrorReply } from "../common.types";
import { type RunView, runView, ZRun } from "./run-view";
import { ZApproveRunBody, ZRunParams } from "./runs.types";

/** Unknown ids named in an error message, at most this many. */
const NAMED_IDS = 5;

/**
 * rule 11: a person approves a run the safety threshold blocked, all of it or the actions they chose; it goes back
 * on the queue under the same id and the worker re-plans and applies only what was approved.
 */
export async function approveRun(
  deps: Pick<ApiDeps, "prisma" | "syncQueue">,
  access: TenantAccess,
  runId: string,
  body: ApproveRunBody = null,
): Promise<RunView> {
  const { tenantId } = access;
  const result = await approveBlockedRun(deps.prisma, {
    tenantId,
    runId,
    approvedBy: `${access.actor.actorType}:${access.actor.actorId}`,
    approverName: await actorName(deps.prisma, access),
    ...(body?.actionIds ? { actionIds: body.actionIds } : {}),
    onApproved: async (tx, _run, tally) => {
      await recordAuditEvent(tx, access, {
        action: "run.approved",
        target: `run:${runId}`,
        details: { approvedActions: tally.approved, plannedActions: tally.planned },
      });
      // The first job of this run keeps the run id in BullMQ's completed set, where a second add with that id
      // would be ignored: remove it first. Inside the transaction, so a Redis failure leaves the run blocked.
      await callQueue(async () => {
        const finishedJob = await deps.syncQueue.getJob(runId);
        if (finishedJob && !(await finishedJob.isActive())) await finishedJob.remove();
        await enqueueRun(deps.syncQueue, { tenantId, runId });
      }, "the run stays blocked; approve it again when the queue is back.");
    },
  });
  if (result.outcome === "not_found") throw notFound("The run");
  if (result.outcome === "not_blocked") {
    throw new AppError("conflict", `runId: only a blocked run can be approved; this one is ${result.status}.`);
  }
  if (result.outcome === "nothing_chosen") {
    throw new AppError("bad_request", "Choose at least one action to approve, or dismiss the run.");
  }
  if (result.outcome === "unknown_actions") {
    const named = result.actionIds.slice(0, NAMED_IDS).join(", ");
    const more = result.actionIds.length > NAMED_IDS ? ` and ${result.actionIds.length - NAMED_IDS} more` : "";
    throw new AppError(
      "bad_request",
      `Only actions this run is waiting to apply can be approved; not one of them: ${named}${more}. Nothing was approved.`,
    );
  }
  return runView(result.run);
}

export const approveRunRoute: FastifyPluginAsyncZod<ApiDeps> = async (app, deps) => {
  app.post(
    "/v1/tenants/:tenantId/runs/:runId/approve",
    {
      schema: {
        tags: ["runs"],
        summary: "Approve a run blocked by the safety threshold, all of it or the chosen actions; it is queued again",
        params: ZRunParams,
        body: ZApproveRunBody,
        response: { 202: ZRun, 409: ZErrorReply, 503: ZErrorReply, ...AUTHENTICATED_ERRORS },
      },
      config: { access: { tenant: "run" } },
    },
    async (request, reply) =>
      reply.status(202).send(await approveRun(deps, tenantAccessOf(request), request.params.runId, request.body)),
  );
};
