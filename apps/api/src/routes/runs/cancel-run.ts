import { cancelRun as cancelRunInDatabase } from "@techsync/runs";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { ApiDeps } from "../../api-deps";
import { recordAuditEvent } from "../../audit/record-audit-event";
import { tenantAccessOf } from "../../auth/authenticate";
import type { TenantAccess } from "../../auth/principal";
import { AppError, notFound } from "../../errors";
import { AUTHENTICATED_ERRORS, ZErrorReply } from "../common.types";
import { type RunView, runView, ZRun } from "./run-view";
import { ZRunParams } from "./runs.types";

export interface CancelRunReply {
  /** 200: the run ended `cancelled` now; 202: its worker stops it at the next lease renewal. */
  status: 200 | 202;
  run: RunView;
}

/**
 * A person stops a queued or running run. A queued run (or a running one nobody executes any more) ends
 * `cancelled` at once; a running one is stopped by its worker within a third of its lease. What was applied stays.
 */
export async function cancelRun(
  deps: Pick<ApiDeps, "prisma">,
  access: TenantAccess,
  runId: string,
): Promise<CancelRunReply> {
  const result = await cancelRunInDatabase(deps.prisma, {
    tenantId: access.tenantId,
    runId,
    requestedBy: `${access.actor.actorType}:${access.actor.actorId}`,
    onChanged: (tx, change) =>
      recordAuditEvent(tx, access, {
        action: change.outcome === "cancelled" ? "run.cancelled" : "run.cancel_requested",
        target: `run:${runId}`,
      }),
  });
  switch (result.outcome) {
    case "not_found":
      throw notFound("The run");
    case "not_cancellable":
      throw new AppError(
        "conflict",
        result.status === "blocked"
          ? "runId: a blocked run is not running; dismiss it instead."
          : `runId: the run already ended (${result.status}); only a queued or running run can be cancelled.`,
      );
    case "cancelled":
      return { status: 200, run: runView(result.run) };
    case "cancel_requested":
      return { status: 202, run: runView(result.run) };
  }
}

export const cancelRunRoute: FastifyPluginAsyncZod<ApiDeps> = async (app, deps) => {
  app.post(
    "/v1/tenants/:tenantId/runs/:runId/cancel",
    {
      schema: {
        tags: ["runs"],
        summary: "Cancel a queued or running run; actions already applied stay applied",
        description:
          "200 with the run `cancelled` when it was queued (or nobody was executing it). 202 with the run still " +
          "`running` and `cancelRequestedAt` set when a worker is executing it: the worker stops at its next lease " +
          "renewal, within a third of the lease, and ends it `cancelled`. 409 for a run that already ended or is " +
          "blocked (dismiss a blocked run instead).",
        params: ZRunParams,
        response: { 200: ZRun, 202: ZRun, 409: ZErrorReply, ...AUTHENTICATED_ERRORS },
      },
      config: { access: { tenant: "run" } },
    },
    async (request, reply) => {
      const { status, run } = await cancelRun(deps, tenantAccessOf(request), request.params.runId);
      return reply.status(status).send(run);
    },
  );
};
