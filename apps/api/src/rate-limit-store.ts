// Where the rate limiter counts: in Redis, shared by every API process, while Redis answers; in this process
// otherwise. A Redis outage must not turn every request into an error or a wait (redis-gate.ts), so a count
// that Redis cannot take is taken here instead; the limit still holds, per process, until Redis is back.
import type { FastifyRateLimitStore, FastifyRateLimitStoreCtor } from "@fastify/rate-limit";
import LocalStore from "@fastify/rate-limit/store/LocalStore";
import RedisStore from "@fastify/rate-limit/store/RedisStore";
import type { Redis } from "ioredis";
import { type RedisGate, redisGate } from "./redis-gate";

/** Keys counted in memory at most (least recently used forgotten first), as the plugin's own default. */
const LOCAL_KEYS = 5000;

/** What the plugin passes a store: its global options, with the route for a route's own budget. */
interface StoreParams {
  continueExceeding?: boolean;
  exponentialBackoff?: boolean;
  routeInfo?: { method?: string; url?: string };
}

interface SharedCounters {
  redis: Redis;
  gate: RedisGate;
  nameSpace: string;
}

class FallbackStore implements FastifyRateLimitStore {
  private readonly local: FastifyRateLimitStore;
  private readonly shared: FastifyRateLimitStore | undefined;

  constructor(
    private readonly counters: SharedCounters | undefined,
    private readonly params: StoreParams,
    private readonly keyPrefix = "",
  ) {
    this.local = new LocalStore(params.continueExceeding, params.exponentialBackoff, LOCAL_KEYS);
    this.shared = counters
      ? new RedisStore(
          params.continueExceeding,
          params.exponentialBackoff,
          counters.redis,
          counters.nameSpace + keyPrefix,
        )
      : undefined;
  }

  incr(...[key, callback, timeWindow, max]: Parameters<FastifyRateLimitStore["incr"]>): void {
    const { shared, counters, local } = this;
    if (!shared || !counters?.gate.isOpen()) {
      local.incr(key, callback, timeWindow, max);
      return;
    }
    shared.incr(
      key,
      (error, result) => {
        if (!error) {
          callback(null, result);
          return;
        }
        counters.gate.failed();
        local.incr(key, callback, timeWindow, max);
      },
      timeWindow,
      max,
    );
  }

  /** A route with a budget of its own counts apart from the global one, as the plugin's stores do. */
  child(routeOptions: Parameters<FastifyRateLimitStore["child"]>[0]): FastifyRateLimitStore {
    const params = routeOptions as unknown as StoreParams;
    const route = `${params.routeInfo?.method ?? ""}${params.routeInfo?.url ?? ""}-`;
    return new FallbackStore(this.counters, { ...this.params, ...params }, this.keyPrefix + route);
  }
}

/** The plugin's `store` option: counts in Redis under `nameSpace` while the gate is open, in memory otherwise. */
export function fallbackRateLimitStore(
  redis: Redis | undefined,
  nameSpace: string,
  gate: RedisGate | undefined = redis ? redisGate(redis) : undefined,
): FastifyRateLimitStoreCtor {
  const counters = redis && gate ? { redis, gate, nameSpace } : undefined;
  return class extends FallbackStore {
    constructor(params: StoreParams) {
      super(counters, params);
    }
  } as unknown as FastifyRateLimitStoreCtor;
}
