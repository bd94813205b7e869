// Everything the API keeps in Redis, under the deployment's REDIS_PREFIX (the worker's too): the sync queue it
// produces to (and Bull Board shows), the shared rate-limit counters and the failed-attempt counts. Two
// deployments on one Redis with different prefixes never see each other's jobs or limits.
//
// Redis may be down, unreachable or hung without the API failing (docs/operations.md): no command waits in an
// offline queue, each gives up after a timeout, the counters fall back to this process (redis-gate.ts), queue
// calls answer 503 (job-queue.ts), and ioredis keeps reconnecting in the background.
import { type AlertQueue, createAlertQueue } from "@techsync/alerts";
import { createSyncQueue, type SyncQueue } from "@techsync/jobs";
import { Redis } from "ioredis";
import { type AttemptCounter, redisAttemptCounter } from "./auth/attempt-counter";
import { QUEUE_CALL_TIMEOUT_MS, withinBound } from "./job-queue";

/** The key prefixes of the API's own counters under a deployment's prefix. */
export function apiRedisKeys(prefix: string): { rateLimitNameSpace: string; attemptPrefix: string } {
  return { rateLimitNameSpace: `${prefix}:techsync-api-rate:`, attemptPrefix: `${prefix}:techsync-api-attempts:` };
}

/** A rate-limit or attempt count Redis has not answered by then is taken in memory instead. */
export const COUNTER_COMMAND_TIMEOUT_MS = 1000;
/** A queue command (enqueue, schedule, Bull Board's reads) gives up after this. */
export const QUEUE_COMMAND_TIMEOUT_MS = 2000;

export interface ApiRedis {
  /** Request-path connection: rate limits, failed attempts, readiness. */
  redis: Redis;
  syncQueue: SyncQueue;
  /** Where alert deliveries are queued (the "Send test" button); the worker delivers them. */
  alertQueue: AlertQueue;
  attemptCounter: AttemptCounter;
  rateLimitNameSpace: string;
  /** Resolves when both connections (counters, queue) answer: the readiness check. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export function connectApiRedis(options: { url: string; prefix: string }): ApiRedis {
  const keys = apiRedisKeys(options.prefix);
  // Fail fast for request-path Redis calls rather than queueing them while Redis is away.
  const redis = new Redis(options.url, {
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    commandTimeout: COUNTER_COMMAND_TIMEOUT_MS,
    lazyConnect: true,
  });
  redis.on("error", () => {}); // reported through /readyz, not as an unhandled event
  redis.connect().catch(() => {});
  // The producer's own connection: BullMQ wants it separate, and failing fast suits a request path.
  const queueConnection = new Redis(options.url, {
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    commandTimeout: QUEUE_COMMAND_TIMEOUT_MS,
  });
  queueConnection.on("error", () => {});
  const syncQueue = createSyncQueue({ connection: queueConnection, prefix: options.prefix });
  const alertQueue = createAlertQueue({ connection: queueConnection, prefix: options.prefix });
  alertQueue.on("error", () => {});
  syncQueue.on("error", () => {}); // BullMQ re-emits the connection's errors, and prints them when nobody listens
  return {
    redis,
    syncQueue,
    alertQueue,
    attemptCounter: redisAttemptCounter(redis, keys.attemptPrefix),
    rateLimitNameSpace: keys.rateLimitNameSpace,
    async ping() {
      await Promise.all([redis.ping(), queueConnection.ping()]);
    },
    /** Bounded, and final even while Redis is down or hung: no connection keeps reconnecting afterwards. */
    async close() {
      await withinBound(() => syncQueue.close(), QUEUE_CALL_TIMEOUT_MS).catch(() => {});
      await withinBound(() => alertQueue.close(), QUEUE_CALL_TIMEOUT_MS).catch(() => {});
      await Promise.allSettled([redis.quit(), queueConnection.quit()]);
      redis.disconnect();
      queueConnection.disconnect();
    },
  };
}
