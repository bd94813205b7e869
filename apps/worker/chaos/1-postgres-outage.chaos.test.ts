// Scenario 1: Postgres goes away in the middle of a run (every connection of the worker and the API cut, new ones
// refused), then comes back. The run must not stay `running` (nor its tenant stuck behind it): within the bound
// after Postgres is back, "Sync now" gives a run that succeeds, and the tenant ends converged. Twice: a short outage
// (CHAOS_OUTAGE_MS), and one that outlasts the queue's own retries of the failed job (CHAOS_LONG_OUTAGE_MS).
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
} from "./harness/chaos-checks";
import { chaosSettings, scenarioTimeoutMs } from "./harness/chaos-settings";
import { type ChaosStack, createChaosStack } from "./harness/chaos-stack";

jest.setTimeout(scenarioTimeoutMs() + chaosSettings.longOutageMs);

let stack: ChaosStack;
let api: ApiProcess;

beforeAll(async () => {
  stack = await createChaosStack("postgres-outage");
  await stack.startWorker();
  api = await stack.startApi();
});
afterAll(async () => {
  await stack?.close();
});

test.each([
  ["short", chaosSettings.outageMs],
  ["long", chaosSettings.longOutageMs],
])(
  "Postgres down mid-run (%s outage, %i ms), then back: the run does not stay running and the tenant syncs again",
  async (length, outageMs) => {
    const tenant = await stack.createTenant({
      users: chaosSettings.users,
      paused: true,
      rescueLatencyMs: chaosSettings.rescueLatencyMs,
    });
    const started = await syncNow(api, tenant);
    expect(started.status).toBe(202);
    const runId = (started.body as { run: { id: string } }).run.id;

    // Mid-run: technicians are being created.
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
    stack.postgres.down();
    expect(tenant.rescue.organisation.technicians().length).toBeLessThan(chaosSettings.users);
    await new Promise((resolve) => setTimeout(resolve, outageMs));
    stack.postgres.restore();
    const causeEndedAt = Date.now();

    const synced = await measureRecovery(`1 (${length} outage)`, causeEndedAt, () =>
      syncAgain(stack, api, tenant, causeEndedAt + chaosSettings.boundMs),
    );
    expect(synced.runId).toBeDefined();
    // The run cut by the outage ended (resumed to an end, or interrupted with a reason): none is left active.
    await expectEndedWithReason(stack, runId);
    expect(await activeRuns(stack, tenant.id)).toEqual([]);
    await expectSettledAndConverged(stack, api, tenant);
  },
);
