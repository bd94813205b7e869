import type { Clock, RescueDirectory } from "../ports";
import { SyncPortError } from "../ports";

export interface RetryPolicy {
  /** Tries per call, the first included. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}
export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 5, baseDelayMs: 250, maxDelayMs: 30_000 };

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

/** Exponential backoff with jitter (half fixed, half random), never shorter than the server's Retry-After. */
export function backoffDelay(
  attempt: number,
  policy: RetryPolicy,
  random: () => number,
  retryAfterMs?: number,
): number {
  const exponential = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  const jittered = exponential / 2 + (random() * exponential) / 2;
  return Math.max(retryAfterMs ?? 0, Math.round(jittered));
}

export class RetryFailure extends Error {
  constructor(
    readonly error: unknown,
    readonly attempts: number,
  ) {
    super(error instanceof Error ? error.message : String(error), { cause: error });
    this.name = "RetryFailure";
  }
}

/**
 * One port call, retried while the error says it is retryable; on an expired session the session is renewed
 * once and the call repeated. Resolves with the value and the number of tries; rejects with a RetryFailure.
 */
export async function callWithRetry<T>(
  call: () => Promise<T>,
  context: RetryContext,
): Promise<{ value: T; attempts: number }> {
  let attempts = 0;
  let renewed = false;
  for (;;) {
    attempts += 1;
    const generation = context.session?.current() ?? 0;
    try {
      return { value: await call(), attempts };
    } catch (error) {
      if (!(error instanceof SyncPortError)) throw new RetryFailure(error, attempts);
      if (error.sessionExpired && context.session && !renewed) {
        renewed = true;
        try {
          await context.session.renew(generation);
        } catch (renewError) {
          throw new RetryFailure(renewError, attempts);
        }
        continue;
      }
      if (!error.retryable || attempts >= context.policy.maxAttempts || context.signal?.aborted) {
        throw new RetryFailure(error, attempts);
      }
      await context.clock.sleep(backoffDelay(attempts, context.policy, context.random, error.retryAfterMs));
    }
  }
}
