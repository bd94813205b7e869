// Scenario 7: the same run executed twice at once. A worker stops (SIGTERM) in the middle of a scheduled run: the run
// goes back to `queued` and its scheduled job waits (behind two other tenants' runs asked for meanwhile); a worker
// then starts and reconciles the queued runs while that job still waits. Only one execution may own the run: it is
// never seen `failed` on its way to `succeeded`, its log has no error, and the tenant ends converged with one
// technician per user.
import type { ApiProcess } from "./harness/api-process";
import {
  describeRun,
  expectSettledAndConverged,
  measureRecovery,
  runOf,
  syncAgain,
  syncNow,
  waitFor,
  waitForRunToSettle,
  watchRunStatus,
} from "./harness/chaos-checks";
import { chaosSettings, scenarioTimeoutMs } from "./harness/chaos-settings";
import { type ChaosStack, type ChaosTenant, createChaosStack } from "./harness/chaos-stack";

jest.setTimeout(scenarioTimeoutMs());

let stack: ChaosStack;
let api: ApiProcess;

beforeAll(async () => {
  stack = await createChaosStack("double-execution");
  api = await stack.startApi();
});
afterAll(async () => {
  await stack?.close();
});

test("a worker starting while an interrupted scheduled run waits: the run executes once", async () => {
  // A slow Rescue while the run starts, so the worker is stopped before the run applies anything; a run that had
  // already started applying its single batch of creates would finish it first.
  const tenant = await stack.createTenant({ users: chaosSettings.users, rescueLatencyMs: 1500 });
  // Its schedule is reconciled at the worker's start and fires at once.
  const first = await stack.startWorker({ concurrency: 1 });
  let last = "";
  const run = await waitFor(
    "the scheduled run to be claimed",
    async () => {
      const found = await stack.world.db.prisma.syncRun.findFirst({ where: { tenantId: tenant.id } });
      if (!found) return undefined;
      last = describeRun(found);
      if (found.status !== "running" && found.status !== "queued") throw new Error(`the run ended first: ${last}`);
      return found.status === "running" ? found : undefined;
    },
    { timeoutMs: chaosSettings.boundMs, intervalMs: 20, lastSeen: () => last },
  );
  expect(run.trigger).toBe("schedule");

  await first.stop("SIGTERM");
  tenant.rescue.faults.set({ ...tenant.rescue.faults.current, latencyMs: chaosSettings.rescueLatencyMs });
  // Stopped before it applied anything (today: back to queued, phase interrupted, its scheduled job waiting).
  expect((await runOf(stack, run.id)).status).not.toBe("succeeded");
  expect(tenant.rescue.organisation.technicians()).toEqual([]);

  // Two other tenants' runs, asked for while no worker is up, are taken first by the next worker's two slots.
  const others = [
    await stack.createTenant({ users: 5, paused: true, seed: 11, rescueLatencyMs: 1500 }),
    await stack.createTenant({ users: 5, paused: true, seed: 12, rescueLatencyMs: 1500 }),
  ];
  for (const other of others) expect((await syncNow(api, other)).status).toBe(202);

  const statuses = watchRunStatus(stack, run.id);
  // It reconciles the queued runs as it starts, while the scheduled job waits behind the other two.
  await stack.startWorker({ concurrency: 2 });
  const causeEndedAt = Date.now();
  // One slot frees first and takes the run's first job; the second slot frees once the run is running, for the other.
  const release = (tenant: ChaosTenant) => tenant.rescue.faults.set({ ...tenant.rescue.faults.current, latencyMs: 0 });
  release(others[1]!);
  await waitFor(
    "the run to be claimed again",
    async () => ((await runOf(stack, run.id)).status === "queued" ? undefined : true),
    {
      timeoutMs: chaosSettings.boundMs,
      intervalMs: 20,
    },
  );
  release(others[0]!);
  // The tenant syncs again: the run resumed to the end, or ended with a reason and a following run succeeds.
  await measureRecovery(7, causeEndedAt, async () => {
    const settled = await waitForRunToSettle(stack, run.id);
    if (settled.status === "succeeded") return { at: Date.now() };
    return syncAgain(stack, api, tenant, causeEndedAt + chaosSettings.boundMs);
  });
  // A second execution may still be going: wait until the worker holds no job.
  await waitFor(
    "the worker to have no job left",
    async () => ((await stack.world.queue.getActiveCount()) === 0 ? true : undefined),
    { timeoutMs: chaosSettings.boundMs },
  );
  const seen = await statuses.stop();
  const errors = await stack.world.db.prisma.logEntry.findMany({
    where: { runId: run.id, level: "error" },
    select: { message: true },
  });
  // One execution: the run settles once (succeeded, or interrupted with a reason), never failed or partial on the
  // way, and nothing in its log is an error (a second execution fails on the first one's actions).
  const settled = seen.filter((status) => status !== "queued" && status !== "running");
  expect({ settled, errors: errors.map((entry) => entry.message.slice(0, 200)) }).toEqual({
    settled: [expect.stringMatching(/^(succeeded|interrupted)$/)],
    errors: [],
  });
  expect((await runOf(stack, run.id)).status).toBe(settled[0]);
  await expectSettledAndConverged(stack, api, tenant);
});
