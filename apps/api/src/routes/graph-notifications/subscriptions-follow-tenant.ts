// A tenant's Graph subscriptions (or its polling) follow whether it may run automatically: created when syncing
// starts or resumes, removed when it pauses. The worker makes the Graph calls; a request only enqueues the job.
import { requestGraphSubscriptions, type SyncQueue } from "@techsync/jobs";

interface RunState {
  paused: boolean;
  activatedAt: Date | null;
}

/** rule 14 and pausing: only a started, unpaused tenant is synced without a person asking. */
function mayRunAutomatically(tenant: RunState): boolean {
  return tenant.activatedAt !== null && !tenant.paused;
}

/** Enqueues the subscription job when the tenant's automatic syncing was switched on or off (else nothing). */
export async function subscriptionsFollowTenant(
  queue: SyncQueue,
  tenantId: string,
  before: RunState,
  after: RunState,
): Promise<void> {
  const was = mayRunAutomatically(before);
  const is = mayRunAutomatically(after);
  if (was === is) return;
  await requestGraphSubscriptions(queue, { tenantId, action: is ? "ensure" : "remove" });
}
