// Scenario 5: Redis down (the process gone) for CHAOS_OUTAGE_MS, then started again (empty). While it is down the API
// stays alive and says what is wrong: /healthz answers 200, /readyz 503 naming Redis, a read route that needs only
// Postgres works, and "Sync now" answers a clear 503, never a 500. Once Redis is back, /readyz answers 200 and the
// tenant syncs again within the bound; no run is left queued or running (a run asked for during the outage included:
// whatever the API did with it, refused or saved to start when the queue returns, it does not stay queued).
import type { ApiProcess, ApiReply } from "./harness/api-process";
import { expectSettledAndConverged, measureRecovery, syncAgain, waitFor } from "./harness/chaos-checks";
import { chaosSettings, scenarioTimeoutMs } from "./harness/chaos-settings";
import { type ChaosStack, createChaosStack } from "./harness/chaos-stack";

jest.setTimeout(scenarioTimeoutMs());

let stack: ChaosStack;
let api: ApiProcess;

beforeAll(async () => {
  stack = await createChaosStack("redis-down-api");
  await stack.startWorker();
  api = await stack.startApi();
});
afterAll(async () => {
  await stack?.close();
});

/** A reply in a few words: its status, and for JSON its error code or status field. */
function gist(reply: ApiReply | Error): string {
  if (reply instanceof Error) return `no answer: ${reply.message}`;
  const body = reply.body as { error?: unknown; status?: unknown } | string;
  const code = typeof body === "object" && body ? (body.error ?? body.status) : undefined;
  return code === undefined ? String(reply.status) : `${reply.status} ${String(code)}`;
}

/** Whether /readyz names a Redis check that is not "ok". */
function namesRedisDown(reply: ApiReply): boolean {
  const checks = (reply.body as { checks?: Record<string, unknown> } | undefined)?.checks ?? {};
  return Object.entries(checks).some(([name, result]) => /redis/i.test(name) && result !== "ok");
}

test("Redis down: the API degrades (200 /healthz, 503 /readyz and Sync now, reads work), and recovers when it is back", async () => {
  const tenant = await stack.createTenant({ users: chaosSettings.users, paused: true });
  const ready = async () => ((await api.request("GET", "/readyz")).status === 200 ? true : undefined);
  await waitFor("/readyz to answer 200 before the outage", ready, {
    timeoutMs: chaosSettings.boundMs,
    intervalMs: 250,
  });

  await stack.redis.stop();
  const downAt = Date.now();
  const call = (method: string, path: string, userId?: string, body?: unknown) =>
    api.request(method, path, { ...(userId ? { userId } : {}), ...(body ? { body } : {}) }).catch((e: Error) => e);
  const healthz = await call("GET", "/healthz");
  const readyz = await call("GET", "/readyz");
  const runs = await call("GET", `/v1/tenants/${tenant.id}/runs`, tenant.ownerId);
  const started = await call("POST", `/v1/tenants/${tenant.id}/runs`, tenant.ownerId, { dryRun: false });
  const degraded = {
    healthz: gist(healthz),
    readyz: readyz instanceof Error ? gist(readyz) : `${readyz.status} names Redis: ${namesRedisDown(readyz)}`,
    listRuns: gist(runs),
    syncNow: gist(started),
  };

  await new Promise((resolve) => setTimeout(resolve, Math.max(0, chaosSettings.outageMs - (Date.now() - downAt))));
  await stack.redis.start();
  const causeEndedAt = Date.now();

  await measureRecovery(5, causeEndedAt, async () => {
    await waitFor("/readyz to answer 200", ready, { timeoutMs: chaosSettings.boundMs, intervalMs: 250 });
    return syncAgain(stack, api, tenant, causeEndedAt + chaosSettings.boundMs);
  });
  // What the API answered while Redis was down (asserted after the recovery, so that is measured either way).
  expect(degraded).toEqual({
    healthz: "200 ok",
    readyz: "503 names Redis: true",
    listRuns: "200",
    syncNow: expect.stringMatching(/^503 /),
  });
  await expectSettledAndConverged(stack, api, tenant);
});
