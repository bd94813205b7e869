// The sync queue's jobs: each is a name and a zod schema; the worker's registry adds
// the handler. Payloads carry ids only: the database is the system of record.
import { z } from "zod";

/** The one queue of sync runs: the API enqueues, the worker consumes. */
export const SYNC_QUEUE = "sync-runs";

/** A run the API (portal, automation, approval) created as a `queued` SyncRun row. */
export const RUN_JOB = "sync-run";
export const ZRunJob = z.object({ tenantId: z.string().uuid(), runId: z.string().uuid() });
export type RunJob = z.infer<typeof ZRunJob>;

/** Fired by a tenant's job scheduler; the worker creates the SyncRun (trigger "schedule") and enqueues its run job. */
export const SCHEDULED_RUN_JOB = "scheduled-sync";
export const ZScheduledRunJob = z.object({
  tenantId: z.string().uuid(),
  /** Jobs of earlier versions carried the run they had created: that run is enqueued. */
  runId: z.string().uuid().optional(),
  /** A follow-up of a run whose actions failed transiently (an outage): the new run re-plans and applies them. */
  followUpOf: z.string().uuid().optional(),
});

/** Who asked for a follow-up run (`requestedBy`), so consecutive follow-ups can back off. */
export const FOLLOW_UP_REQUESTER = "system:follow-up";
export type ScheduledRunJob = z.infer<typeof ZScheduledRunJob>;

/** The id of a tenant's job scheduler. */
export function tenantSchedulerId(tenantId: string): string {
  return `schedule:${tenantId}`;
}

/**
 * Asks for an incremental run of a tenant soon: a Graph change notification (coalesced: one job per tenant waits a
 * few seconds, so a burst of notifications makes one run) or the polling fallback. The worker creates the run.
 */
export const INCREMENTAL_RUN_JOB = "incremental-run";
export const ZIncrementalRunJob = z.object({
  tenantId: z.string().uuid(),
  /** What asked: Graph's notification, or the every-2-minutes poll of tenants Graph cannot reach. */
  trigger: z.enum(["notification", "poll"]),
});
export type IncrementalRunJob = z.infer<typeof ZIncrementalRunJob>;

/** The one pending incremental-run job of a tenant (its id, so a burst adds one job). */
export function incrementalRunJobId(tenantId: string): string {
  return `incremental-${tenantId}`;
}

/** The job scheduler that polls a tenant every few minutes when Graph cannot send it notifications. */
export function incrementalPollSchedulerId(tenantId: string): string {
  return `incremental-poll:${tenantId}`;
}

/** Keeps a tenant's Graph subscriptions in step: create (or recreate), renew, or remove them. */
export const GRAPH_SUBSCRIPTIONS_JOB = "graph-subscriptions";
export const ZGraphSubscriptionsJob = z.object({
  tenantId: z.string().uuid(),
  action: z.enum(["ensure", "renew", "remove"]),
});
export type GraphSubscriptionsJob = z.infer<typeof ZGraphSubscriptionsJob>;

/** Fired hourly: renews every subscription that expires within a day (and recreates those Graph lost). */
export const GRAPH_SUBSCRIPTIONS_RENEWAL_JOB = "graph-subscriptions-renewal";
export const GRAPH_SUBSCRIPTIONS_RENEWAL_SCHEDULER = "graph-subscriptions-renewal";
