// The alerts queue: one job per delivery (its id is the delivery's), retried with exponential backoff.
// Separate from the sync queue, so a slow webhook never waits behind (or holds up) a run.
import { type ConnectionOptions, Queue } from "bullmq";
import { z } from "zod";

export const ALERT_QUEUE = "alert-deliveries";
export const DELIVER_ALERT_JOB = "deliver-alert";
export const ZDeliverAlertJob = z.object({ deliveryId: z.string().uuid() });
export type DeliverAlertJob = z.infer<typeof ZDeliverAlertJob>;

/** Checks every tenant's Entra client secret expiry once a day (reminders at most once per day). */
export const SECRET_EXPIRY_CHECK_JOB = "entra-secret-expiry-check";
export const SECRET_EXPIRY_CHECK_SCHEDULER = "entra-secret-expiry-check";

/** Attempts per delivery: 1 s, 2 s… doubled (default base 30 s: about 30 s, 1, 2, 4, 8 min → 6 attempts). */
export const ALERT_DELIVERY_ATTEMPTS = 6;

export type AlertQueue = Queue;

export function createAlertQueue(options: {
  connection: ConnectionOptions;
  prefix?: string;
  /** Base of the exponential backoff between attempts (tests shorten it). */
  backoffMs?: number;
}): AlertQueue {
  return new Queue(ALERT_QUEUE, {
    connection: options.connection,
    ...(options.prefix ? { prefix: options.prefix } : {}),
    defaultJobOptions: {
      attempts: ALERT_DELIVERY_ATTEMPTS,
      backoff: { type: "exponential", delay: options.backoffMs ?? 30_000 },
      removeOnComplete: { age: 24 * 3600, count: 10_000 },
      removeOnFail: { age: 7 * 24 * 3600 },
    },
  });
}

/** Queues a delivery; a delivery has at most one live job (its id is the delivery's id). */
export async function enqueueAlertDelivery(queue: AlertQueue, deliveryId: string): Promise<void> {
  await queue.add(DELIVER_ALERT_JOB, ZDeliverAlertJob.parse({ deliveryId }), { jobId: deliveryId });
}

/** The daily expiry check (idempotent: the scheduler has a fixed id). */
export async function scheduleSecretExpiryCheck(queue: AlertQueue): Promise<void> {
  await queue.upsertJobScheduler(
    SECRET_EXPIRY_CHECK_SCHEDULER,
    { every: 6 * 3600_000 },
    { name: SECRET_EXPIRY_CHECK_JOB, data: {} },
  );
}
