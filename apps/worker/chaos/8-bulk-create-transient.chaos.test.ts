// Scenario 8: Rescue's creates fail transiently (HTTP 503) while a scheduled run creates technicians in bulk
// (createUsers, learned available for this organisation). When only createUsers fails, the run finishes on the
// confirmed path (createUser + setUser_v2). When every create fails for longer than the run's own retries (at least
// CHAOS_OUTAGE_MS, and until the run has given up on them), nobody presses anything once Rescue answers again:
// within the bound every in-scope user has exactly one technician, and the tenant ends settled and converged.
import type { ApiProcess } from "./harness/api-process";
import {
  activeRuns,
  expectSettledAndConverged,
  measureRecovery,
  technicianState,
  waitFor,
  waitForRunToSettle,
} from "./harness/chaos-checks";
import { chaosSettings, scenarioTimeoutMs } from "./harness/chaos-settings";
import { type ChaosStack, type ChaosTenant, createChaosStack } from "./harness/chaos-stack";

jest.setTimeout(scenarioTimeoutMs());

let stack: ChaosStack;
let api: ApiProcess;

beforeAll(async () => {
  stack = await createChaosStack("bulk-create-transient");
  api = await stack.startApi();
});
afterAll(async () => {
  await stack?.close();
});

/** A scheduled tenant whose Rescue takes createUsers, as an earlier run learned; its creates then fail with 503. */
async function tenantWithFailingCreates(seed: number, methods: string[]) {
  const tenant = await stack.createTenant({
    users: chaosSettings.users,
    seed,
    rescueBehaviour: { createUsers: "enabled" },
  });
  await stack.world.db.prisma.rescueConnection.update({
    where: { tenantId: tenant.id },
    data: {
      bulkCreate: "available",
      bulkCreateReason: "createUsers created 10 technicians",
      bulkCreateCheckedAt: new Date(),
    },
  });
  const healthy = { ...tenant.rescue.faults.current };
  tenant.rescue.faults.set({ ...healthy, http503Rate: 1, methods });
  return { tenant, heal: () => tenant.rescue.faults.set(healthy) };
}

/** The tenant's first run: the one its schedule fires when a worker reconciles it at start. */
function scheduledRun(tenant: ChaosTenant) {
  return waitFor(
    "the tenant's scheduled run",
    async () => (await stack.world.db.prisma.syncRun.findFirst({ where: { tenantId: tenant.id } })) ?? undefined,
    { timeoutMs: chaosSettings.boundMs },
  );
}

test("only createUsers failing: the run creates every technician on the confirmed path", async () => {
  const { tenant, heal } = await tenantWithFailingCreates(81, ["createUsers"]);
  const worker = await stack.startWorker();
  const run = await waitForRunToSettle(stack, (await scheduledRun(tenant)).id, chaosSettings.boundMs);
  heal();
  expect(run.status).toBe("succeeded");
  await expectSettledAndConverged(stack, api, tenant);
  await worker.stop();
});

test("every create failing for a while: the failed creates are made once Rescue answers, without a person", async () => {
  const { tenant, heal } = await tenantWithFailingCreates(82, ["createUsers", "createUser"]);
  const faultStartedAt = Date.now();
  await stack.startWorker();
  const run = await scheduledRun(tenant);
  let last = "";
  await waitFor(
    "the scheduled run to give up on the failing creates, and the outage to last its length",
    async () => {
      const now = await stack.world.db.prisma.syncRun.findUniqueOrThrow({ where: { id: run.id } });
      last = `run ${now.status} (phase ${now.phase})`;
      const failed = await stack.world.db.prisma.syncAction.count({
        where: { runId: run.id, kind: "create", status: "failed" },
      });
      const over = !["queued", "running"].includes(now.status);
      return (failed > 0 || over) && Date.now() - faultStartedAt >= chaosSettings.outageMs ? true : undefined;
    },
    { timeoutMs: chaosSettings.outageMs + chaosSettings.boundMs, lastSeen: () => last },
  );
  heal();
  const causeEndedAt = Date.now();
  expect((await technicianState(stack, tenant)).missing.length).toBeGreaterThan(0);

  let state = "";
  await measureRecovery(8, causeEndedAt, () =>
    waitFor(
      "every in-scope user to have exactly one technician, with nobody pressing Sync now",
      async () => {
        const now = await technicianState(stack, tenant);
        state = `${now.missing.length} missing, ${now.duplicated.length} duplicated, ${now.blank} blank`;
        return now.missing.length === 0 && now.duplicated.length === 0 && now.blank === 0
          ? { at: Date.now() }
          : undefined;
      },
      { timeoutMs: chaosSettings.boundMs, intervalMs: 250, lastSeen: () => state },
    ),
  );
  await waitFor(
    "the tenant's runs to settle",
    async () => ((await activeRuns(stack, tenant.id)).length === 0 ? true : undefined),
    { timeoutMs: chaosSettings.boundMs },
  );
  await expectSettledAndConverged(stack, api, tenant);
});
