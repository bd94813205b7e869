// When the tenant's schedule fires next, from its BullMQ job scheduler.
import { type SyncQueue, tenantSchedulerId } from "@techsync/jobs";

/** null when paused or unscheduled; also null when Redis does not answer, so settings still load. */
export async function nextRunAt(queue: Pick<SyncQueue, "getJobScheduler">, tenantId: string): Promise<Date | null> {
  try {
    const scheduler = await queue.getJobScheduler(tenantSchedulerId(tenantId));
    return scheduler?.next ? new Date(scheduler.next) : null;
  } catch {
    return null;
  }
}
