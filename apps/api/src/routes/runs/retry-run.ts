import { RETRYABLE_RUN_STATUSES, type RetryRunReply } from "@techsync/api-contract";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { ApiDeps } from "../../api-deps";
import { recordAuditEvent } from "../../audit/record-audit-event";
import { tenantAccessOf } from "../../auth/authenticate";
import type { TenantAccess } from "../../auth/principal";
import { AppError, notFound } from "../../errors";
import { AUTHENTICATED_ERRORS, ZErrorReply } from "../common.types";
import { ZRetryRunReply, ZRunParams } from "./runs.types";
import { startRun } from "./start-run";

const RETRYABLE: ReadonlySet<string> = new Set(RETRYABLE_RUN_STATUSES);

/**
 * "Run again": a run that ended failed, interrupted, cancelled or partial is followed by a new run with the same
 * dryRun, started as "sync now" starts one (so the tenant's active run is answered instead, `deduplicated`).
 * An interrupted or cancelled run's work is picked up by the new run: it plans from the current state.
 */
export async function retryRun(
  deps: Pick<ApiDeps, "prisma" | "syncQueue" | "metrics">,
  access: TenantAccess,
  runId: string,
): Promise<RetryRunReply> {
  const previous = await deps.prisma.syncRun.findFirst({
    where: { id: runId, tenantId: access.tenantId },
    select: { status: true, dryRun: true, proposal: true, subjectEntraUserId: true },
  });
  if (!previous) throw notFound("The run");
  // Run again would start a plain preview, not the estimate it was: the change is estimated again where it is made.
  if (previous.proposal !== null) {
    throw new AppError(
      "conflict",
      "An estimate of a change is not run again: estimate the change again where you make it.",
    );
  }
  // Run again would start a run of everyone, not of the one user it was.
  if (previous.subjectEntraUserId !== null) {
    throw new AppError("conflict", "A sync of one user is not run again: sync the user again from its page.");
  }
  // These statuses are final: nothing changes the run between this check and the new run.
  if (!RETRYABLE.has(previous.status)) {
    throw new AppError(
      "conflict",
      previous.status === "succeeded"
        ? "runId: the run succeeded; start a new run instead of running it again."
        : previous.status === "blocked"
          ? "runId: a blocked run waits for approval; approve or dismiss it."
          : `runId: the run is still ${previous.status}; it can be run again once it has ended.`,
    );
  }
  return startRun(
    deps,
    access,
    { dryRun: previous.dryRun },
    {
      onCreated: (tx, run) =>
        recordAuditEvent(tx, access, {
          action: "run.retried",
          target: `run:${runId}`,
          details: { newRunId: run.id, dryRun: run.dryRun },
        }),
    },
  );
}

export const retryRunRoute: FastifyPluginAsyncZod<ApiDeps> = async (app, deps) => {
  app.post(
    "/v1/tenants/:tenantId/runs/:runId/retry",
    {
      schema: {
        tags: ["runs"],
        summary: "Run again a run that ended failed, interrupted, cancelled or partial",
        description:
          "Starts a new run with the same dryRun, as POST /runs does: if the tenant already has a run queued or " +
          "running, that run is answered with `deduplicated: true` and no new run is made. 409 for a run that is " +
          "still queued, running or blocked, or that succeeded.",
        params: ZRunParams,
        response: { 202: ZRetryRunReply, 409: ZErrorReply, 503: ZErrorReply, ...AUTHENTICATED_ERRORS },
      },
      config: { access: { tenant: "run" } },
    },
    async (request, reply) =>
      reply.status(202).send(await retryRun(deps, tenantAccessOf(request), request.params.runId)),
  );
};
