// Scenario 3: Redis loses its data (FLUSHALL) while a run waits in the queue behind another tenant's run (the
// worker's only slot is busy). The waiting run's job is gone; the run must not stay `queued` until some worker
// restarts: within the bound it runs (or is ended with a reason and "Sync now" gives a run that succeeds), with no
// worker restarted.
import type { ApiProcess } from "./harness/api-process";
import {
  activeRuns,
  describeRun,
  expectEndedWithReason,
  expectSettledAndConverged,
  measureRecovery,
  runOf,
  syncAgain,
  syncNow,
  waitFor,
  waitForRunToSettle,
} from "./harness/chaos-checks";
import { chaosSettings, scenarioTimeoutMs } from "./harness/chaos-settings";
import { type ChaosStack, createChaosStack } from "./harness/chaos-stack";

jest.setTimeout(scenarioTimeoutMs());

let stack: ChaosStack;
let api: ApiProcess;

beforeAll(async () => {
  stack = await createChaosStack("redis-lost-while-queued");
  // One slot, so a second tenant's run waits in the queue.
  await stack.startWorker({ concurrency: 1 });
  api = await stack.startApi();
});
afterAll(async () => {
  await stack?.close();
});

test("Redis flushed while a run waits in the queue: the run does not stay queued and the tenant syncs again", async () => {
  const busy = await stack.createTenant({ users: 20, paused: true, rescueLatencyMs: 1000 });
  const tenant = await stack.createTenant({
    users: chaosSettings.users,
    paused: true,
    rescueLatencyMs: chaosSettings.rescueLatencyMs,
  });
  const busyRun = await syncNow(api, busy);
  expect(busyRun.status).toBe(202);
  const busyRunId = (busyRun.body as { run: { id: string } }).run.id;
  await waitFor(
    "the other tenant's run to take the worker's slot",
    async () => {
      const run = await runOf(stack, busyRunId);
      return run.status === "running" ? run : undefined;
    },
    { timeoutMs: chaosSettings.boundMs },
  );

  const waiting = await syncNow(api, tenant);
  expect(waiting.status).toBe(202);
  const runId = (waiting.body as { run: { id: string } }).run.id;
  expect((await stack.world.queue.getJob(runId))?.id).toBe(runId);
  expect(describeRun(await runOf(stack, runId))).toBe(describeRun({ id: runId, status: "queued", phase: null }));

  await stack.redis.flushAll();
  const causeEndedAt = Date.now();
  // The busy run may finish now.
  busy.rescue.faults.set({ ...busy.rescue.faults.current, latencyMs: 0 });

  await measureRecovery(3, causeEndedAt, () => syncAgain(stack, api, tenant, causeEndedAt + chaosSettings.boundMs));
  await expectEndedWithReason(stack, runId);
  await expectSettledAndConverged(stack, api, tenant);
  // The run that held the slot through the flush ended too.
  await waitForRunToSettle(stack, busyRunId);
  expect(await activeRuns(stack, busy.id)).toEqual([]);
  await expectSettledAndConverged(stack, api, busy);
});
