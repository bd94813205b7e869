// Counts failed attempts (wrong passwords, bad keys and tokens) per key in a window that slides from the
// last failure, so a patient attacker stays slowed. In Redis when the API has it (several API processes
// share the counts), in memory otherwise, and in memory too while Redis is away (redis-gate.ts): every
// authenticated request reads these counts, so an outage must cost it neither an error nor a wait.
import type { Redis } from "ioredis";
import { type RedisGate, redisGate } from "../redis-gate";

export interface AttemptRecord {
  count: number;
  /** When the last failure was recorded (epoch ms). */
  lastAtMs: number;
}

export interface AttemptCounter {
  /** Adds a failure and returns the count so far; the key is forgotten windowMs after its last failure. */
  fail(key: string, windowMs: number): Promise<AttemptRecord>;
  read(key: string): Promise<AttemptRecord | null>;
  clear(key: string): Promise<void>;
}

export function memoryAttemptCounter(now: () => number = Date.now, maxKeys = 100_000): AttemptCounter {
  const records = new Map<string, AttemptRecord & { expiresAtMs: number }>();
  const live = (key: string) => {
    const record = records.get(key);
    if (record && record.expiresAtMs <= now()) {
      records.delete(key);
      return undefined;
    }
    return record;
  };
  return {
    async fail(key, windowMs) {
      const at = now();
      const count = (live(key)?.count ?? 0) + 1;
      records.delete(key); // re-inserted last, so the oldest key is evicted first when full
      if (records.size >= maxKeys) {
        const oldest = records.keys().next();
        if (!oldest.done) records.delete(oldest.value);
      }
      records.set(key, { count, lastAtMs: at, expiresAtMs: at + windowMs });
      return { count, lastAtMs: at };
    },
    async read(key) {
      const record = live(key);
      return record ? { count: record.count, lastAtMs: record.lastAtMs } : null;
    },
    async clear(key) {
      records.delete(key);
    },
  };
}

export function redisAttemptCounter(
  redis: Redis,
  prefix = "techsync-api-attempts:",
  gate: RedisGate = redisGate(redis),
  fallback: AttemptCounter = memoryAttemptCounter(),
): AttemptCounter {
  const shared = sharedAttemptCounter(redis, prefix);
  /** Redis while the gate is open; this process's counts when it is closed or the command fails. */
  async function either<R>(call: (counter: AttemptCounter) => Promise<R>): Promise<R> {
    if (gate.isOpen()) {
      try {
        return await call(shared);
      } catch {
        gate.failed();
      }
    }
    return call(fallback);
  }
  return {
    fail: (key, windowMs) => either((counter) => counter.fail(key, windowMs)),
    read: (key) => either((counter) => counter.read(key)),
    async clear(key) {
      // Both: a count taken here during an outage is as cleared as the shared one.
      await fallback.clear(key);
      await either((counter) => counter.clear(key));
    },
  };
}

function sharedAttemptCounter(redis: Redis, prefix: string): AttemptCounter {
  return {
    async fail(key, windowMs) {
      const at = Date.now();
      const results = await redis
        .multi()
        .hincrby(prefix + key, "count", 1)
        .hset(prefix + key, "lastAtMs", at)
        .pexpire(prefix + key, windowMs)
        .exec();
      const count = Number(results?.[0]?.[1] ?? 1);
      return { count, lastAtMs: at };
    },
    async read(key) {
      const record = await redis.hgetall(prefix + key);
      if (!record.count) return null;
      return { count: Number(record.count), lastAtMs: Number(record.lastAtMs ?? 0) };
    },
    async clear(key) {
      await redis.del(prefix + key);
    },
  };
}
