// rule 14: "Start syncing" — the one way a tenant gets its schedule and its first real run.
import { enqueueRun, requestGraphSubscriptions, syncTenantSchedule } from "@techsync/jobs";
import { createRun } from "@techsync/runs";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { ApiDeps } from "../../api-deps";
import { recordAuditEvent } from "../../audit/record-audit-event";
import { tenantAccessOf } from "../../auth/authenticate";
import type { TenantAccess } from "../../auth/principal";
import { AppError } from "../../errors";
import { callQueue } from "../../job-queue";
import { AUTHENTICATED_ERRORS, ZErrorReply, ZTenantParams } from "../common.types";
import { runView } from "../runs/run-view";
import { scheduleWithoutRunNow } from "../tenants/update-tenant";
import { type StartSyncingReply, ZStartSyncingReply } from "./activation.types";
import { activationState, activationView } from "./activation-state";

/**
 * Allowed only when the latest preview succeeded and was of the current configuration (checked under the tenant's
 * run lock, so no configuration change or other run slips in between). Records the activation (audited), unpauses,
 * turns the schedule on from one interval ahead and queues the first real run, all in one transaction: when Redis
 * refuses the schedule or the job, nothing is recorded and the person can press again.
 */
export async function startSyncing(
  deps: Pick<ApiDeps, "prisma" | "syncQueue" | "metrics">,
  access: TenantAccess,
): Promise<StartSyncingReply> {
  const { tenantId } = access;
  const requestedBy = `${access.actor.actorType}:${access.actor.actorId}`;
  let previewRunId: string | null = null;
  let fingerprint: string | null = null;
  const created = await createRun(deps.prisma, {
    tenantId,
    trigger: access.actor.actorType === "api_key" ? "api" : "portal",
    dryRun: false,
    requestedBy,
    refuse: async (tx) => {
      const state = await activationState(tx, tenantId);
      previewRunId = state.preview?.runId ?? null;
      fingerprint = state.previewFingerprint;
      return state.reason;
    },
    onCreated: async (tx, run) => {
      const tenant = await tx.tenant.update({
        where: { id: tenantId },
        data: {
          activatedAt: new Date(),
          activatedBy: requestedBy,
          paused: false,
          acknowledgedConfigFingerprint: fingerprint,
        },
      });
      await recordAuditEvent(tx, access, {
        action: "tenant.sync_started",
        target: `tenant:${tenantId}`,
        details: { previewRunId, firstRunId: run.id },
      });
      // In the transaction: a queue that refuses the schedule or the job leaves the tenant as it was.
      await callQueue(async () => {
        await syncTenantSchedule(deps.syncQueue, scheduleWithoutRunNow(tenant));
        await enqueueRun(deps.syncQueue, { tenantId, runId: run.id });
        // Change notifications (or polling without a public URL), set up by the worker: a Graph failure there
        // does not undo the activation.
        await requestGraphSubscriptions(deps.syncQueue, { tenantId, action: "ensure" });
      }, "syncing has not started; press Start syncing again when it returns.");
    },
  });
  if (created.outcome === "refused") throw new AppError("conflict", created.reason);
  if (created.outcome === "existing") {
    throw new AppError(
      "conflict",
      "A run is still queued or running: wait for it to finish, then press Start syncing.",
    );
  }
  deps.metrics.runsStarted.inc({ trigger: created.run.trigger, dry_run: "false" });
  const state = await deps.prisma.$transaction((tx) => activationState(tx, tenantId));
  return { activation: activationView(state), run: runView(created.run) };
}

export const startSyncingRoute: FastifyPluginAsyncZod<ApiDeps> = async (app, deps) => {
  app.post(
    "/v1/tenants/:tenantId/activation",
    {
      schema: {
        tags: ["tenants"],
        summary:
          "Start syncing (rule 14): after a successful preview of the current configuration, turn the schedule on and start the first real run",
        params: ZTenantParams,
        response: { 202: ZStartSyncingReply, 409: ZErrorReply, 503: ZErrorReply, ...AUTHENTICATED_ERRORS },
      },
      config: { access: { tenant: "run" } },
    },
    async (request, reply) => reply.status(202).send(await startSyncing(deps, tenantAccessOf(request))),
  );
};
