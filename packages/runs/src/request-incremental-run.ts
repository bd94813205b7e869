// The one place an incremental run is created: a Graph change notification (after its debounce) or the polling
// fallback asked for one. Like a scheduled run, it goes through createRun, so a tenant's active run is handed back
// instead of a second one, and tenants that may not run automatically get none.
import type { PrismaClient } from "@techsync/db";
import { automaticRunRefusal } from "./automatic-run-refusal";
import { createRun } from "./create-run";

/**
 * `running`: the tenant's run had already begun, so it may have read the directory before the change: the caller
 * asks again once that run has finished.
 */
export type IncrementalRunDecision = { runId: string; created: boolean; running?: true } | { skipped: string };

export interface IncrementalRunDeps {
  prisma: PrismaClient;
  /** Puts a queued run on the queue (the worker passes the jobs package's enqueueRun on its queue). */
  enqueue: (job: { tenantId: string; runId: string }) => Promise<unknown>;
}

/** What asked: Graph's change notification (after its debounce), or the polling fallback. */
export type IncrementalRunTrigger = "notification" | "poll";

export async function requestIncrementalRun(
  deps: IncrementalRunDeps,
  tenantId: string,
  trigger: IncrementalRunTrigger,
): Promise<IncrementalRunDecision> {
  const created = await createRun(deps.prisma, {
    tenantId,
    // A poll is the schedule's kind of trigger; a notification has its own.
    trigger: trigger === "notification" ? "notification" : "schedule",
    dryRun: false,
    requestedBy: `system:${trigger === "notification" ? "graph-notification" : "incremental-poll"}`,
    // The worker still runs it full when the delta links cannot be trusted or a full reconcile is due.
    mode: "incremental",
    // A notification comes only for a tenant that started syncing, i.e. was set up then.
    refuse: (tx) => automaticRunRefusal(tx, tenantId, { requireSetUp: false }),
  });
  if (created.outcome === "refused") return { skipped: created.reason };
  if (created.outcome === "existing" && created.run.status !== "queued") {
    return { runId: created.run.id, created: false, running: true };
  }
  // A queued run (new, or one waiting without its job) goes on the queue; its job id is its run id.
  await deps.enqueue({ tenantId, runId: created.run.id });
  return { runId: created.run.id, created: created.outcome === "created" };
}
