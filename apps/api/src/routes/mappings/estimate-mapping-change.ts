// "What would this change do?" before a pair is removed or its filter or priority changed: a dry run that plans with
// the proposal applied to the saved pairs (the worker's loadRunInput applies it, nothing saves it). The run's plan is
// the estimate; the portal shows it and asks the person to confirm. No run when none is needed or none can run now.
import {
  type MappingImpactReply,
  type MappingProposal,
  ZMappingImpactBody,
  ZMappingImpactReply,
} from "@techsync/api-contract";
import { enqueueRun } from "@techsync/jobs";
import { createRun } from "@techsync/runs";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { ApiDeps } from "../../api-deps";
import { recordAuditEvent } from "../../audit/record-audit-event";
import { tenantAccessOf } from "../../auth/authenticate";
import type { TenantAccess } from "../../auth/principal";
import { notFound } from "../../errors";
import { callQueue } from "../../job-queue";
import { AUTHENTICATED_ERRORS, ZTenantParams } from "../common.types";
import { runView } from "../runs/run-view";

/** When the change needs no run to estimate it, why; else null. */
async function noRunNeeded(
  deps: Pick<ApiDeps, "prisma">,
  tenantId: string,
  proposal: MappingProposal,
): Promise<string | null> {
  if (proposal.change === "add") return null;
  const [pairs, links] = await Promise.all([
    deps.prisma.groupMapping.count({ where: { tenantId } }),
    deps.prisma.link.count({ where: { tenantId } }),
  ]);
  if (proposal.change === "remove" && pairs === 1) {
    return "This is the only pair: without it runs stop (there is nothing to sync) and no technician is disabled.";
  }
  if (links === 0) return "No technician is linked yet, so this change disables and moves nobody.";
  return null;
}

export async function estimateMappingChange(
  deps: Pick<ApiDeps, "prisma" | "syncQueue">,
  access: TenantAccess,
  proposal: MappingProposal,
): Promise<MappingImpactReply> {
  const { tenantId } = access;
  if (proposal.change === "remove" || proposal.change === "update") {
    const pair = await deps.prisma.groupMapping.findFirst({ where: { id: proposal.mappingId, tenantId } });
    if (!pair) throw notFound("The pair");
  }
  const reason = await noRunNeeded(deps, tenantId, proposal);
  if (reason) return { estimate: "not_needed", message: reason, run: null };
  const created = await createRun(deps.prisma, {
    tenantId,
    trigger: access.actor.actorType === "api_key" ? "api" : "portal",
    dryRun: true,
    requestedBy: `${access.actor.actorType}:${access.actor.actorId}`,
    proposal,
    onCreated: (tx, run) =>
      recordAuditEvent(tx, access, { action: "mapping.change_estimated", target: `run:${run.id}`, details: proposal }),
  });
  if (created.outcome !== "created") {
    return {
      estimate: "unavailable",
      message: "Another run of this tenant is going, so the effect cannot be estimated now. Try again when it ends.",
      run: null,
    };
  }
  try {
    await callQueue(() => enqueueRun(deps.syncQueue, { tenantId, runId: created.run.id }), "no estimate was made.");
  } catch {
    // An estimate nobody waits for is no use later: it goes, rather than running when the queue is back.
    await deps.prisma.syncRun.deleteMany({ where: { id: created.run.id, status: "queued" } });
    return {
      estimate: "unavailable",
      message: "The job queue is unavailable, so the effect cannot be estimated now.",
      run: null,
    };
  }
  return {
    estimate: "run",
    message: "Estimating: a preview with this change is running. Its plan is the estimate.",
    run: runView(created.run),
  };
}

export const estimateMappingChangeRoute: FastifyPluginAsyncZod<ApiDeps> = async (app, deps) => {
  app.post(
    "/v1/tenants/:tenantId/mappings/impact",
    {
      schema: {
        tags: ["mappings"],
        summary: "Estimate a change of the pairs before saving it (a preview planned with the change; never saved)",
        params: ZTenantParams,
        body: ZMappingImpactBody,
        response: { 202: ZMappingImpactReply, 200: ZMappingImpactReply, ...AUTHENTICATED_ERRORS },
      },
      config: { access: { tenant: "write" } },
    },
    async (request, reply) => {
      const answer = await estimateMappingChange(deps, tenantAccessOf(request), request.body.proposal);
      return reply.status(answer.estimate === "run" ? 202 : 200).send(answer);
    },
  );
};
