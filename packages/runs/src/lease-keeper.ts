// Renews a claimed run's lease while the worker executes it, and tells the worker when to stop: the lease was lost
// (another worker resumed the run after this one stalled) or a person asked to cancel the run.
import type { PrismaClient } from "@techsync/db";
import { type LeaseHolder, renewLease } from "./run-lease";

export interface LeaseKeeper {
  /** Aborted when the run must stop: `reason` is "lease-lost" or "cancel-requested". */
  readonly signal: AbortSignal;
  /** Epoch ms until which the lease is known to hold (the last successful renewal + the lease). */
  heldUntil(): number;
  stop(): void;
}

export type LeaseStop = "lease-lost" | "cancel-requested";

export function keepLease(
  prisma: PrismaClient,
  runId: string,
  holder: LeaseHolder,
  onRenewalError: (error: unknown) => void,
): LeaseKeeper {
  const controller = new AbortController();
  let heldUntil = Date.now() + holder.leaseMs;
  let renewing = false;
  const renew = async () => {
    if (renewing || controller.signal.aborted) return;
    renewing = true;
    const startedAt = Date.now();
    try {
      const renewal = await renewLease(prisma, runId, holder);
      if (!renewal.held) controller.abort("lease-lost" satisfies LeaseStop);
      else {
        heldUntil = startedAt + holder.leaseMs;
        if (renewal.cancelRequested) controller.abort("cancel-requested" satisfies LeaseStop);
      }
    } catch (error) {
      // Postgres away: the run's own writes wait for it too; the lease simply is not extended.
      onRenewalError(error);
    } finally {
      renewing = false;
    }
  };
  // Three renewals per lease: one lost renewal never lets the lease expire under a live worker.
  const timer = setInterval(() => void renew(), Math.max(250, Math.floor(holder.leaseMs / 3)));
  timer.unref();
  return {
    signal: controller.signal,
    heldUntil: () => heldUntil,
    stop: () => clearInterval(timer),
  };
}
