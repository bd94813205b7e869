// A run's database writes outlive a short Postgres outage: a write that failed because Postgres cannot be reached is
// tried again with the one retry policy's backoff for as long as the run's lease allows. Past that, the write fails
// and the run stops; the reaper resumes it once Postgres is back (another worker may own it by then).
import { isDatabaseUnavailable } from "@techsync/db";
import { RetryFailure, type RetryPolicy, type RunRecorder, retryCall } from "@techsync/sync-core";

export interface DatabaseRetryOptions {
  /** Epoch ms after which waiting is pointless (the lease has expired; someone else may own the run). */
  until: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** Told before each wait (the run log cannot take it while Postgres is away: the process log does). */
  onWait?: (waitMs: number, error: unknown) => void;
  policy?: RetryPolicy;
}

const DATABASE_POLICY: RetryPolicy = { maxAttempts: Number.MAX_SAFE_INTEGER, baseDelayMs: 250, maxDelayMs: 5_000 };

export async function retryWhileDatabaseDown<T>(write: () => Promise<T>, options: DatabaseRetryOptions): Promise<T> {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  try {
    const { value } = await retryCall(write, {
      policy: options.policy ?? DATABASE_POLICY,
      sleep: (ms) => sleep(Math.max(0, Math.min(ms, options.until() - Date.now()))),
      decide: (error) =>
        isDatabaseUnavailable(error) && Date.now() < options.until() ? { kind: "retry" } : { kind: "stop" },
      onBackoff: (waitMs, error) => options.onWait?.(waitMs, error),
    });
    return value;
  } catch (error) {
    throw error instanceof RetryFailure ? error.error : error;
  }
}

const RETRIED_WRITES: ReadonlySet<PropertyKey> = new Set([
  "recordPlan",
  "recordOutcomes",
  "recordLinks",
  "removeLinks",
]);

/** The recorder with every write retried through retryWhileDatabaseDown (log and progress never throw anyway). */
export function retryingRecorder<R extends RunRecorder>(recorder: R, options: DatabaseRetryOptions): R {
  return new Proxy(recorder, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== "function") return value;
      const method = value as (...args: unknown[]) => unknown;
      if (!RETRIED_WRITES.has(property)) return method.bind(target);
      return (...args: unknown[]) => retryWhileDatabaseDown(async () => method.apply(target, args), options);
    },
  });
}
