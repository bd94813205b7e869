// Scenario 4: Redis loses its data (FLUSHALL) and with it every tenant's job scheduler. The schedules must come back
// from Postgres (the system of record) within the bound, with no worker restarted and nobody saving settings; a
// paused tenant stays without one. The tenants' runs end settled and converged.
import { tenantSchedulerId } from "@techsync/jobs";
import type { ApiProcess } from "./harness/api-process";
import { activeRuns, expectSettledAndConverged, measureRecovery, waitFor } from "./harness/chaos-checks";
import { chaosSettings, scenarioTimeoutMs } from "./harness/chaos-settings";
import { type ChaosStack, type ChaosTenant, createChaosStack } from "./harness/chaos-stack";

jest.setTimeout(scenarioTimeoutMs());

let stack: ChaosStack;
let api: ApiProcess;

beforeAll(async () => {
  stack = await createChaosStack("redis-lost-schedules");
  api = await stack.startApi();
});
afterAll(async () => {
  await stack?.close();
});

/** Each tenant's scheduler as Redis holds it: its interval in minutes, or null when it has none. */
async function schedules(tenants: ChaosTenant[]): Promise<Record<string, number | null>> {
  const found: Record<string, number | null> = {};
  for (const tenant of tenants) {
    const scheduler = await stack.world.queue.getJobScheduler(tenantSchedulerId(tenant.id));
    found[tenant.id] = scheduler?.every ? scheduler.every / 60_000 : null;
  }
  return found;
}

async function waitUntilSettled(tenants: ChaosTenant[]) {
  await waitFor(
    "every tenant's runs to settle",
    async () => {
      for (const tenant of tenants) if ((await activeRuns(stack, tenant.id)).length > 0) return undefined;
      return true;
    },
    { timeoutMs: chaosSettings.boundMs },
  );
}

test("Redis flushed: every tenant's schedule comes back from Postgres without a worker restart", async () => {
  const scheduled = [
    await stack.createTenant({ users: 5, seed: 1 }),
    await stack.createTenant({ users: 5, seed: 2 }),
    await stack.createTenant({ users: 5, seed: 3 }),
  ];
  await stack.world.db.prisma.tenant.update({ where: { id: scheduled[2]!.id }, data: { scheduleIntervalMinutes: 60 } });
  const paused = await stack.createTenant({ users: 5, seed: 4, paused: true });
  const expected = {
    [scheduled[0]!.id]: 30,
    [scheduled[1]!.id]: 30,
    [scheduled[2]!.id]: 60,
    [paused.id]: null,
  };
  // The worker reconciles the schedules at its start; their first runs start at once.
  await stack.startWorker();
  expect(await schedules([...scheduled, paused])).toEqual(expected);
  await waitUntilSettled(scheduled);

  await stack.redis.flushAll();
  const causeEndedAt = Date.now();
  expect(await schedules([...scheduled, paused])).toEqual({
    [scheduled[0]!.id]: null,
    [scheduled[1]!.id]: null,
    [scheduled[2]!.id]: null,
    [paused.id]: null,
  });

  let last: Record<string, number | null> = {};
  await measureRecovery(4, causeEndedAt, () =>
    waitFor(
      "every tenant's schedule to be back in Redis",
      async () => {
        last = await schedules([...scheduled, paused]);
        return JSON.stringify(last) === JSON.stringify(expected) ? { at: Date.now() } : undefined;
      },
      { timeoutMs: chaosSettings.boundMs, lastSeen: () => JSON.stringify(last) },
    ),
  );
  await waitUntilSettled([...scheduled, paused]);
  for (const tenant of scheduled) await expectSettledAndConverged(stack, api, tenant);
});
