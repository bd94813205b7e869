// When the tenant's schedule fires next, from its BullMQ job scheduler.
import { type SyncQueue, tenantSchedulerId } from "@techsync/jobs";
import { withinBound } from "../../job-queue";

/** A read shown beside the settings: not worth a long wait when Redis is hung. */
const NEXT_RUN_TIMEOUT_MS = 1000;

/** null when paused or unscheduled; also null when Redis does not answer soon, so settings still load. */
export async function nextRunAt(queue: Pick<SyncQueue, "getJobScheduler">, tenantId: string): Promise<Date | null> {
  try {
    const scheduler = await withinBound(() => queue.getJobScheduler(tenantSchedulerId(tenantId)), NEXT_RUN_TIMEOUT_MS);
    return scheduler?.next ? new Date(scheduler.next) : null;
  } catch {
    return null;
  }
}
