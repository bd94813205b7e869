// The one retry policy of TechSync (docs/architecture.md "Retries"): how many tries a call gets, how long to wait
// between them (exponential backoff with jitter, capped, never shorter than the server's Retry-After), and the
// hooks a caller runs between tries. sync-core's executor retries every adapter call of a run through it; the Rescue
// client's `call()` uses it only when the client is used on its own (inside a run the adapters make single
// attempts, so a failure is retried by exactly one layer).
//
// Our own small loop rather than a library: p-retry's current majors are ESM-only (our jest transform loads
// CommonJS), and its last CommonJS major waits with its own timers, so neither takes our Clock (the engine's tests
// run on a virtual clock) nor lets a Retry-After lengthen one wait.

export interface RetryPolicy {
  /** Tries per call, the first included. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 5, baseDelayMs: 250, maxDelayMs: 30_000 };

/** For adapters used inside a run, and for interactive calls where a person waits: the first failure decides. */
export const SINGLE_ATTEMPT: RetryPolicy = { maxAttempts: 1, baseDelayMs: 0, maxDelayMs: 0 };

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

/** A call that failed for good, with the number of tries it took. */
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
 * What to do with a failure: give up, wait and try again (honouring its Retry-After), or try again at once
 * without the attempt limit (the caller renewed a session: the failure was not the call's).
 */
export type RetryDecision = { kind: "stop" } | { kind: "retry"; retryAfterMs?: number | undefined } | { kind: "again" };

export interface RetryOptions {
  policy: RetryPolicy;
  sleep: (ms: number) => Promise<void>;
  /** Default Math.random. */
  random?: () => number;
  signal?: AbortSignal | undefined;
  /** Reads a failure; may do work first (renew a session). */
  decide: (error: unknown, attempt: number) => RetryDecision | Promise<RetryDecision>;
  /** After the wait, before the next try: e.g. a create re-checks whether its lost reply had been applied. */
  beforeRetry?: (() => Promise<void>) | undefined;
  /** Called before each wait (for logs and metrics). */
  onBackoff?: ((waitMs: number, error: unknown, attempt: number) => void) | undefined;
}

/** Runs `attempt` until it succeeds or the policy says stop; rejects with a RetryFailure. */
export async function retryCall<T>(
  attempt: (attemptNumber: number) => Promise<T>,
  options: RetryOptions,
): Promise<{ value: T; attempts: number }> {
  const random = options.random ?? Math.random;
  let attempts = 0;
  for (;;) {
    attempts += 1;
    try {
      return { value: await attempt(attempts), attempts };
    } catch (error) {
      let decision: RetryDecision;
      try {
        decision = await options.decide(error, attempts);
      } catch (decideError) {
        throw new RetryFailure(decideError, attempts);
      }
      if (decision.kind === "again") continue;
      if (decision.kind === "stop" || attempts >= options.policy.maxAttempts || options.signal?.aborted) {
        throw new RetryFailure(error, attempts);
      }
      const waitMs = backoffDelay(attempts, options.policy, random, decision.retryAfterMs);
      options.onBackoff?.(waitMs, error, attempts);
      await options.sleep(waitMs);
      try {
        await options.beforeRetry?.();
      } catch (hookError) {
        throw new RetryFailure(hookError, attempts);
      }
    }
  }
}
