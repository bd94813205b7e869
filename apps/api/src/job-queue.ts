// Calls a request makes to the job queue (BullMQ on Redis): enqueue a run, change a tenant's schedule. Each is
// bounded, so a hung Redis, or one the API has not reached since it started (BullMQ then waits for it), costs
// a request a short wait at most; and any failure is a 503 that names the queue and says what became of the
// request, never a 500. What needs only PostgreSQL does not come here and keeps working.
import { AppError, isRedisUnavailable } from "./errors";

/** Longer than one command's timeout on the queue's connection (api-redis.ts), shorter than a transaction's 5 s. */
export const QUEUE_CALL_TIMEOUT_MS = 2500;

export class QueueUnavailableError extends AppError {
  constructor(consequence: string) {
    super("queue_unavailable", `The job queue is unavailable; ${consequence}`);
  }
}

/** `call`, or a rejection with QueueTimeoutError once `timeoutMs` passed without its answer. */
export async function withinBound<T>(call: () => Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      call(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new QueueTimeoutError(timeoutMs)), timeoutMs);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

export class QueueTimeoutError extends Error {
  constructor(timeoutMs: number) {
    super(`the job queue did not answer within ${timeoutMs} ms`);
    this.name = "QueueTimeoutError";
  }
}

/**
 * Runs `call` against the queue; when Redis fails it or does not answer in time, throws QueueUnavailableError
 * with `consequence` (what became of the request, e.g. "the run is saved and will start when it returns.").
 * A call cut off by the bound may still land later; callers only make calls that are harmless when it does.
 */
export async function callQueue<T>(
  call: () => Promise<T>,
  consequence: string,
  timeoutMs = QUEUE_CALL_TIMEOUT_MS,
): Promise<T> {
  try {
    return await withinBound(call, timeoutMs);
  } catch (error) {
    if (error instanceof QueueTimeoutError || isRedisUnavailable(error)) throw new QueueUnavailableError(consequence);
    throw error;
  }
}
