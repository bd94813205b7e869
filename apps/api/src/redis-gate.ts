// Whether a request may use Redis right now. The rate limiter and the failed-attempt counts fall back to this
// process's own counters when it may not, so a Redis outage costs a request neither an error nor a wait:
// a connection that is not ready is skipped at once, and after a failed command (a hung server answers only
// with the connection's command timeout) Redis is left alone for a short cool-down instead of being waited
// on by every request.
import type { Redis } from "ioredis";

/** How long after a failed command requests stop trying Redis. */
export const REDIS_COOL_DOWN_MS = 5000;

export interface RedisGate {
  /** The connection is ready and no command failed within the cool-down. */
  isOpen(): boolean;
  /** A command failed: stop trying for the cool-down. */
  failed(): void;
}

export function redisGate(redis: Pick<Redis, "status">, coolDownMs = REDIS_COOL_DOWN_MS, now = Date.now): RedisGate {
  let closedUntil = 0;
  return {
    isOpen: () => redis.status === "ready" && now() >= closedUntil,
    failed: () => {
      closedUntil = now() + coolDownMs;
    },
  };
}
