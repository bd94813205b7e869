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
