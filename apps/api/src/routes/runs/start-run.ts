import { enqueueRun } from "@techsync/jobs";
import { createRun, type RunRequest } from "@techsync/runs";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { z } from "zod";
import type { ApiDeps } from "../../api-deps";
import { tenantAccessOf } from "../../auth/authenticate";
import type { TenantAccess } from "../../auth/principal";
import { AppError } from "../../errors";
import { callQueue } from "../../job-queue";
import { AUTHENTICATED_ERRORS, ZErrorReply, ZTenantParams } from "../common.types";
import { runView } from "./run-view";
import { ZStartRunBody, ZStartRunReply } from "./runs.types";

/** Answers, under the run lock, why a real run may not start yet: the tenant has not started syncing. */
function refuseBeforeActivation(tenantId: string): NonNullable<RunRequest["refuse"]> {
  return async (tx) => {
    const tenant = await tx.tenant.findUnique({ where: { id: tenantId }, select: { activatedAt: true } });
    return tenant?.activatedAt
      ? null
      : "Start syncing first: preview the current configuration, then press Start syncing.";
  };
}

/**
 * One run per tenant at a time (createRun holds the tenant's run lock), so two simultaneous "sync now" give one
 * run; the second caller gets the first one's run back. "Run again" (retry-run.ts) starts its run here too.
 */
export async function startRun(
  deps: Pick<ApiDeps, "prisma" | "syncQueue" | "metrics">,
  access: TenantAccess,
  body: z.infer<typeof ZStartRunBody>,
  options: Pick<RunRequest, "onCreated"> = {},
): Promise<z.infer<typeof ZStartRunReply>> {
  const { tenantId } = access;
  const created = await createRun(deps.prisma, {
    tenantId,
    trigger: access.actor.actorType === "api_key" ? "api" : "portal",
    dryRun: body.dryRun,
    requestedBy: `${access.actor.actorType}:${access.actor.actorId}`,
    // rule 14: previews are always allowed; a real run only once a person started syncing (activation route).
    ...(body.dryRun ? {} : { refuse: refuseBeforeActivation(tenantId) }),
    ...options,
  });
  if (created.outcome === "refused") throw new AppError("conflict", created.reason);
  const { run } = created;
  const deduplicated = created.outcome === "existing";
  // When the queue is down the run stays saved as queued, and goes on the queue once Redis is back (queued runs
  // without a job are enqueued again); the caller is told so rather than given a run that looks started. A queued
  // run asked for again is put back too: its job id is its run id, so a job that exists is left as it is.
  if (!deduplicated || run.status === "queued") {
    await callQueue(
      () => enqueueRun(deps.syncQueue, { tenantId, runId: run.id }),
      "the run is saved and will start when it returns.",
    );
  }
  if (!deduplicated) deps.metrics.runsStarted.inc({ trigger: run.trigger, dry_run: String(run.dryRun) });
  return { run: runView(run), deduplicated };
}

export const startRunRoute: FastifyPluginAsyncZod<ApiDeps> = async (app, deps) => {
  app.post(
    "/v1/tenants/:tenantId/runs",
    {
      schema: {
        tags: ["runs"],
        summary: "Start a run (dry or real); answers the run already queued or running, if any",
        params: ZTenantParams,
        body: ZStartRunBody,
        response: { 202: ZStartRunReply, 409: ZErrorReply, 503: ZErrorReply, ...AUTHENTICATED_ERRORS },
      },
      config: { access: { tenant: "run" } },
    },
    async (request, reply) => reply.status(202).send(await startRun(deps, tenantAccessOf(request), request.body)),
  );
};
