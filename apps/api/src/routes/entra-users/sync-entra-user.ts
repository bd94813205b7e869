// "Sync this user now": a run of one Entra user (provision on demand), executed by the worker like any run, so it
// never races a sync of the same tenant (one run of a tenant executes at a time) and passes the same checks (rule 15
// before anything is read, rules 1–9, 13, 16 in the planner). The route waits, bounded, for the run to end and
// answers the decision step by step; a run that takes longer is answered 202 with its id.
import type { UserExplanation } from "@techsync/api-contract";
import { enqueueRun } from "@techsync/jobs";
import { createRun } from "@techsync/runs";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { z } from "zod";
import type { ApiDeps } from "../../api-deps";
import { recordAuditEvent } from "../../audit/record-audit-event";
import { tenantAccessOf } from "../../auth/authenticate";
import type { TenantAccess } from "../../auth/principal";
import { tenantEntraSource, upstreamError } from "../../connections/tenant-connections";
import { AppError } from "../../errors";
import { callQueue } from "../../job-queue";
import { AUTHENTICATED_ERRORS, ZErrorReply } from "../common.types";
import { storedRunReport } from "../runs/stored-run-counts";
import { ZSyncUserParams, ZSyncUserReply } from "./entra-users.types";

/** How long the route waits for the run by default: a person is looking at the page. */
export const SYNC_USER_WAIT_MS = 30_000;
const ENDED = new Set(["succeeded", "partial", "failed", "blocked", "cancelled", "interrupted"]);

type SyncUserDeps = Pick<ApiDeps, "secretBox" | "outbound" | "upstreamTimeoutMs"> &
  Pick<ApiDeps, "prisma" | "syncQueue" | "metrics" | "runEvents" | "runEventsPollMs" | "syncUserWaitMs">;

/** Resolves when the run changed (a notification) or after `pollMs`, whichever comes first. */
function changeOrTimeout(deps: SyncUserDeps, runId: string, pollMs: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, pollMs);
    const unsubscribe = deps.runEvents?.subscribe(runId, done) ?? (() => {});
    function done() {
      clearTimeout(timer);
      unsubscribe();
      resolve();
    }
  });
}

export async function syncEntraUser(
  deps: SyncUserDeps,
  access: TenantAccess,
  entraUserId: string,
): Promise<{ finished: boolean; reply: z.infer<typeof ZSyncUserReply> }> {
  const { tenantId } = access;
  // The id is the directory's, not the tenant's: ask the tenant's own directory whether it has such a user, so a
  // wrong id is a clear 404 rather than a run that explains nobody.
  const source = await tenantEntraSource(deps, tenantId);
  const user = await source.getUser(entraUserId).catch((error: unknown) => {
    throw upstreamError(error);
  });
  if (!user) throw new AppError("not_found", "The organisation's Entra directory has no user with this id.");
  // rule 14: a tenant that has not started syncing gets the explanation as a dry run, labelled so.
  const tenant = await deps.prisma.tenant.findUnique({ where: { id: tenantId }, select: { activatedAt: true } });
  const dryRun = !tenant?.activatedAt;
  const created = await createRun(deps.prisma, {
    tenantId,
    trigger: access.actor.actorType === "api_key" ? "api" : "portal",
    dryRun,
    requestedBy: `${access.actor.actorType}:${access.actor.actorId}`,
    subjectEntraUserId: entraUserId,
    onCreated: (tx, run) =>
      recordAuditEvent(tx, access, {
        action: "run.user_sync_started",
        target: `run:${run.id}`,
        details: { entraUserId, dryRun },
      }),
  });
  if (created.outcome === "refused") throw new AppError("conflict", created.reason);
  const runId = created.run.id;
  if (created.run.status === "queued") {
    await callQueue(
      () => enqueueRun(deps.syncQueue, { tenantId, runId }),
      "the sync of this user is saved and will start when it returns.",
    );
  }
  if (created.outcome === "created")
    deps.metrics.runsStarted.inc({ trigger: created.run.trigger, dry_run: String(dryRun) });

  const deadline = Date.now() + (deps.syncUserWaitMs ?? SYNC_USER_WAIT_MS);
  // Without a listener (or while it is down) the run is read again on a short timer: a person is waiting.
  const pollMs = Math.min(deps.runEventsPollMs, 1000);
  for (;;) {
    const run = await deps.prisma.syncRun.findFirstOrThrow({ where: { id: runId, tenantId } });
    const finished = ENDED.has(run.status);
    if (finished || Date.now() >= deadline) {
      const explanation = (storedRunReport(run.report)?.explanation as UserExplanation | undefined) ?? null;
      return {
        finished,
        reply: {
          runId,
          status: run.status,
          finished,
          dryRun: run.dryRun,
          explanation: finished ? explanation : null,
          error: finished && !explanation ? (run.error ?? "The run ended before it decided anything.") : null,
        },
      };
    }
    await changeOrTimeout(deps, runId, Math.max(0, Math.min(pollMs, deadline - Date.now())));
  }
}

export const syncEntraUserRoute: FastifyPluginAsyncZod<ApiDeps> = async (app, deps) => {
  app.post(
    "/v1/tenants/:tenantId/entra-users/:entraUserId/sync",
    {
      schema: {
        tags: ["entra-users"],
        summary:
          "Sync one Entra user now: a run of that user, answered with the decision step by step when it ends within 30 s",
        params: ZSyncUserParams,
        response: {
          200: ZSyncUserReply,
          202: ZSyncUserReply,
          409: ZErrorReply,
          502: ZErrorReply,
          503: ZErrorReply,
          ...AUTHENTICATED_ERRORS,
        },
      },
      config: { access: { tenant: "run" } },
    },
    async (request, reply) => {
      const answer = await syncEntraUser(deps, tenantAccessOf(request), request.params.entraUserId);
      return reply.status(answer.finished ? 200 : 202).send(answer.reply);
    },
  );
};
