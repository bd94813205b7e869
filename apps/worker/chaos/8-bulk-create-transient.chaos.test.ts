// Scenario 8: Rescue's creates fail transiently (HTTP 503) for CHAOS_OUTAGE_MS while a run creates technicians in bulk
// (createUsers, learned available for this organisation), longer than the run's own retries. Once Rescue answers
// again, nobody presses anything: within the bound every in-scope user has exactly one technician, and the tenant
// ends settled and converged.
import type { ApiProcess } from "./harness/api-process";
import {
  activeRuns,
  expectSettledAndConverged,
  measureRecovery,
  technicianState,
  waitFor,
} from "./harness/chaos-checks";
import { chaosSettings, scenarioTimeoutMs } from "./harness/chaos-settings";
import { type ChaosStack, createChaosStack } from "./harness/chaos-stack";

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

test("createUsers failing transiently for a while: the failed creates are made once Rescue answers, without a person", async () => {
  const tenant = await stack.createTenant({ users: chaosSettings.users, rescueBehaviour: { createUsers: "enabled" } });
  // An earlier run learned that this organisation's createUsers works.
  await stack.world.db.prisma.rescueConnection.update({
    where: { tenantId: tenant.id },
    data: {
      bulkCreate: "available",
      bulkCreateReason: "createUsers created 10 technicians",
      bulkCreateCheckedAt: new Date(),
    },
  });
  const healthy = { ...tenant.rescue.faults.current };
  tenant.rescue.faults.set({ ...healthy, http503Rate: 1, methods: ["createUsers", "createUser"] });
  const faultStartedAt = Date.now();

  // Its schedule is reconciled at the worker's start and fires at once: the run meets the failing creates.
  await stack.startWorker();
  let last = "";
  await waitFor(
    "the scheduled run to meet the failing creates and the outage to last its length",
    async () => {
      const run = await stack.world.db.prisma.syncRun.findFirst({ where: { tenantId: tenant.id } });
      last = run ? `run ${run.status} (phase ${run.phase})` : "no run yet";
      const failed = await stack.world.db.prisma.syncAction.count({
        where: { tenantId: tenant.id, kind: "create", status: "failed" },
      });
      const over = run && !["queued", "running"].includes(run.status);
      return (failed > 0 || over) && Date.now() - faultStartedAt >= chaosSettings.outageMs ? true : undefined;
    },
    { timeoutMs: chaosSettings.outageMs + chaosSettings.boundMs, lastSeen: () => last },
  );
  tenant.rescue.faults.set(healthy);
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
    {
      timeoutMs: chaosSettings.boundMs,
    },
  );
  await expectSettledAndConverged(stack, api, tenant);
});
