import { randomUUID } from "node:crypto";
import { enqueueRun } from "@techsync/jobs";
import { Redis } from "ioredis";
import { type ApiHarness, startApiHarness } from "../test/api-harness";
import { type ApiRedis, connectApiRedis } from "./api-redis";

const redisUrl = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
const prefixA = `test-prefix-a-${randomUUID().slice(0, 8)}`;
const prefixB = `test-prefix-b-${randomUUID().slice(0, 8)}`;

/** Removes only the keys this file wrote. */
async function removeKeysUnder(prefix: string): Promise<void> {
  const redis = new Redis(redisUrl);
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}:*`, "COUNT", 500);
    if (keys.length > 0) await redis.del(...keys);
    cursor = next;
  } while (cursor !== "0");
  await redis.quit();
}

afterAll(async () => {
  await removeKeysUnder(prefixA);
  await removeKeysUnder(prefixB);
});

describe("REDIS_PREFIX separates deployments sharing one Redis", () => {
  let a: ApiRedis;
  let b: ApiRedis;
  let alsoA: ApiRedis;
  beforeAll(() => {
    a = connectApiRedis({ url: redisUrl, prefix: prefixA });
    b = connectApiRedis({ url: redisUrl, prefix: prefixB });
    alsoA = connectApiRedis({ url: redisUrl, prefix: prefixA });
  });
  afterAll(async () => {
    await Promise.all([a.close(), b.close(), alsoA.close()]);
  });

  test("a run enqueued under one prefix is a job only there", async () => {
    const runId = randomUUID();
    await enqueueRun(a.syncQueue, { tenantId: randomUUID(), runId });
    expect(await alsoA.syncQueue.getJob(runId)).toBeDefined();
    expect(await b.syncQueue.getJob(runId)).toBeUndefined();
    expect((await b.syncQueue.getJobCounts("waiting")).waiting).toBe(0);
  });

  test("failed attempts counted under one prefix are not seen under another", async () => {
    const key = `sign-in:203.0.113.7:${randomUUID()}@example.test`;
    await a.attemptCounter.fail(key, 60_000);
    await a.attemptCounter.fail(key, 60_000);
    expect((await alsoA.attemptCounter.read(key))?.count).toBe(2);
    expect(await b.attemptCounter.read(key)).toBeNull();
  });
});

describe("rate limits under REDIS_PREFIX", () => {
  const harnesses: ApiHarness[] = [];
  const start = async (prefix: string) => {
    const harness = await startApiHarness({ rateLimitPerMinute: 2, rateLimitRedisPrefix: prefix });
    harnesses.push(harness);
    return harness;
  };
  afterAll(async () => {
    await Promise.all(harnesses.map((harness) => harness.close()));
  });

  test("an API under another prefix has a budget of its own; one under the same prefix shares it", async () => {
    const spend = async (api: ApiHarness) => (await api.app.inject({ method: "GET", url: "/openapi.json" })).statusCode;
    const first = await start(prefixA);
    expect([await spend(first), await spend(first), await spend(first)]).toEqual([200, 200, 429]);
    expect(await spend(await start(prefixB))).toBe(200);
    expect(await spend(await start(prefixA))).toBe(429);
  });
});
