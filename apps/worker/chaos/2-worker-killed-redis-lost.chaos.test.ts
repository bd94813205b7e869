// Scenario 2: a host restart. The worker running a run is killed (SIGKILL) part-way, and Redis comes back empty (its
// data lost: the job, its lock, the stalled-job bookkeeping); then a worker starts again. The run must not stay
// `running`: within the bound "Sync now" gives a run that succeeds, and the tenant ends converged.
import type { ApiProcess } from "./harness/api-process";
import {
  describeRun,
  expectEndedWithReason,
  expectSettledAndConverged,
  measureRecovery,
  runOf,
  syncAgain,
  syncNow,
  waitFor,
} from "./harness/chaos-checks";
import { chaosSettings, scenarioTimeoutMs } from "./harness/chaos-settings";
import { type ChaosStack, createChaosStack } from "./harness/chaos-stack";

jest.setTimeout(scenarioTimeoutMs());

let stack: ChaosStack;
let api: ApiProcess;

beforeAll(async () => {
  stack = await createChaosStack("worker-killed-redis-lost");
  api = await stack.startApi();
});
afterAll(async () => {
  await stack?.close();
});

test("a worker killed mid-run while Redis loses its data: the run does not stay running and the tenant syncs again", async () => {
  const tenant = await stack.createTenant({
    users: chaosSettings.users,
    paused: true,
    rescueLatencyMs: chaosSettings.rescueLatencyMs,
  });
  const first = await stack.startWorker();
  const started = await syncNow(api, tenant);
  expect(started.status).toBe(202);
  const runId = (started.body as { run: { id: string } }).run.id;
  let last = "";
  await waitFor(
    "the run to be part-way through its creates",
    async () => {
      const run = await runOf(stack, runId);
      last = describeRun(run);
      if (run.status !== "running" && run.status !== "queued") throw new Error(`the run ended first: ${last}`);
      return tenant.rescue.organisation.technicians().length > 0 ? run : undefined;
    },
    { timeoutMs: chaosSettings.boundMs, intervalMs: 20, lastSeen: () => last },
  );

  await first.stop("SIGKILL");
  await stack.redis.stop();
  expect(tenant.rescue.organisation.technicians().length).toBeLessThan(chaosSettings.users);
  expect((await runOf(stack, runId)).status).toBe("running");
  await stack.redis.start();
  await stack.startWorker();
  const causeEndedAt = Date.now();

  await measureRecovery(2, causeEndedAt, () => syncAgain(stack, api, tenant, causeEndedAt + chaosSettings.boundMs));
  await expectEndedWithReason(stack, runId);
  await expectSettledAndConverged(stack, api, tenant);
});
