import type { Clock, RescueDirectory } from "../ports";
import { SyncPortError } from "../ports";
import { type RetryPolicy, retryCall } from "../retry-policy";

export { backoffDelay, DEFAULT_RETRY_POLICY, RetryFailure, type RetryPolicy } from "../retry-policy";

/**
 * Renews the Rescue session for every call that met `sessionExpired`, but only once per expiry: concurrent calls
 * that fail together share one renewal (Rescue allows 10 logins in 3 minutes, reference §7).
 */
export class SessionRenewal {
  private generation = 0;
  private inFlight: Promise<void> | undefined;

  constructor(private readonly rescue: Pick<RescueDirectory, "renewSession">) {}

  current(): number {
    return this.generation;
  }

  /** Renew unless someone already did since `seenGeneration`. */
  async renew(seenGeneration: number): Promise<void> {
    if (this.generation > seenGeneration) return;
    if (!this.inFlight) {
      this.inFlight = this.rescue
        .renewSession()
        .then(() => {
          this.generation += 1;
        })
        .finally(() => {
          this.inFlight = undefined;
        });
    }
    await this.inFlight;
  }
}

export interface RetryContext {
  clock: Pick<Clock, "sleep">;
  policy: RetryPolicy;
  random: () => number;
  /** Absent for calls that have no session (the directory). */
  session?: SessionRenewal;
  signal?: AbortSignal;
}

/**
 * One port call through the retry policy, retried while the error says it is retryable; on an expired session the
 * session is renewed once and the call repeated. Resolves with the value and the number of tries; rejects with a
 * RetryFailure.
 */
export async function callWithRetry<T>(
  call: () => Promise<T>,
  context: RetryContext,
): Promise<{ value: T; attempts: number }> {
  let renewed = false;
  let generation = 0;
  return retryCall(
    () => {
      generation = context.session?.current() ?? 0;
      return call();
    },
    {
      policy: context.policy,
      sleep: (ms) => context.clock.sleep(ms),
      random: context.random,
      signal: context.signal,
      decide: async (error) => {
        if (!(error instanceof SyncPortError)) return { kind: "stop" };
        if (error.sessionExpired && context.session && !renewed) {
          renewed = true;
          await context.session.renew(generation);
          return { kind: "again" };
        }
        return error.retryable ? { kind: "retry", retryAfterMs: error.retryAfterMs } : { kind: "stop" };
      },
    },
  );
}
