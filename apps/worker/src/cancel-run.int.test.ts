// A person cancels a run while a worker is applying it: the worker sees the request at its next lease renewal,
// stops at the next action, ends the run `cancelled`, and applies nothing more. What it applied stays applied.
import { cancelRun } from "@techsync/runs";
import {
  createSyncWorld,
  createTestTenant,
  requestRun,
  type SyncWorld,
  startTestWorker,
  techniciansByEmail,
  waitForRun,
} from "../test/sync-world";
import type { SyncWorker } from "./sync-worker";

jest.setTimeout(60_000);

let world: SyncWorld;
let worker: SyncWorker | undefined;
beforeAll(async () => {
  world = await createSyncWorld("cancel");
});
afterAll(async () => {
  await worker?.close();
  await world?.close();
});

const USERS = 80;

test("a running run with a cancel request ends cancelled at its next lease renewal and applies nothing more", async () => {
  // Every Rescue call is slow and technicians are created five at a time (the engine's batch, where it checks for
  // a stop), so the run is still creating technicians when the person cancels it.
  const tenant = await createTestTenant(world, { users: USERS, rescueFaults: { latencyMs: 100 } });
  worker = startTestWorker(world, {
    runLeaseMs: 1500,
    adapters: { outbound: world.outbound, rescueRetryDelayMs: 20, graphBaseBackoffMs: 20, rescueCreateBatchSize: 5 },
  });
  const runId = await requestRun(world, tenant.id);

  // Cancel once the first technicians exist: the run is applying its plan.
  for (let i = 0; i < 600; i += 1) {
    if ((await world.db.prisma.link.count({ where: { tenantId: tenant.id } })) > 0) break;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  const cancel = await cancelRun(world.db.prisma, { tenantId: tenant.id, runId, requestedBy: "portal_user:test" });
  expect(cancel.outcome).toBe("cancel_requested");

  const run = await waitForRun(world, runId);
  expect(run.status).toBe("cancelled");
  expect(run.cancelRequestedBy).toBe("portal_user:test");
  expect(run.leaseOwner).toBeNull();

  // What it applied before stopping is recorded and stays; the rest was not started.
  const atEnd = techniciansByEmail(tenant).size;
  expect(atEnd).toBeGreaterThan(0);
  expect(atEnd).toBeLessThan(USERS);
  const actions = await world.db.prisma.syncAction.groupBy({
    by: ["status"],
    where: { runId, kind: "create" },
    _count: { _all: true },
  });
  const byStatus = Object.fromEntries(actions.map((group) => [group.status, group._count._all]));
  expect(byStatus.succeeded).toBe(atEnd);
  expect(byStatus.skipped).toBe(USERS - atEnd);
  expect(await world.db.prisma.link.count({ where: { tenantId: tenant.id } })).toBe(atEnd);

  // Nothing more reaches Rescue once the run has ended: no call still in flight, no later job of it.
  await new Promise((resolve) => setTimeout(resolve, 1000));
  expect(techniciansByEmail(tenant).size).toBe(atEnd);
  expect((await world.db.prisma.syncRun.findUniqueOrThrow({ where: { id: runId } })).status).toBe("cancelled");
  await tenant.rescue.close();
});
