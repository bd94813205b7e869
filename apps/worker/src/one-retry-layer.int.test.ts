// A run's adapters as the worker builds them, against the emulators: a Rescue ERROR burst or a Graph 503 burst is
// retried by exactly one layer (the engine's retry policy), so a burst costs one call per try and a burst longer than
// the policy costs maxAttempts calls, never attempts × attempts.
import { loadTenantSyncConfig } from "@techsync/db";
import { type GroupMapping, type RunRecorder, runSync, systemClock } from "@techsync/sync-core";
import { createSyncWorld, createTestTenant, type SyncWorld, type TestTenant } from "../test/sync-world";
import { buildTenantAdapters } from "./tenant-adapters";

jest.setTimeout(60_000);

const POLICY = { maxAttempts: 5, baseDelayMs: 1, maxDelayMs: 5 };

const recorder: RunRecorder = {
  recordPlan: async () => undefined,
  recordOutcomes: async () => undefined,
  recordLinks: async () => undefined,
  removeLinks: async () => undefined,
  log: () => undefined,
  progress: () => undefined,
};

let world: SyncWorld;
let tenant: TestTenant;

beforeAll(async () => {
  world = await createSyncWorld("one-retry-layer");
  tenant = await createTestTenant(world, { users: 3 });
});
afterAll(async () => {
  await world?.close();
});
afterEach(() => {
  tenant.rescue.faults.reset();
  world.graph.admin.setFaults({});
});

/** One dry run of the tenant with fresh adapters; what it cost, per Rescue method and in Graph requests. */
async function dryRun() {
  const config = await loadTenantSyncConfig({ prisma: world.db.prisma, secretBox: world.secretBox }, tenant.id);
  const adapters = buildTenantAdapters(
    { sandboxMode: config.sandboxMode, entra: config.entra!, rescue: config.rescue! },
    { outbound: world.outbound, onBackoff: () => undefined },
  );
  const mappings: GroupMapping[] = [
    { id: "m1", entraGroupId: tenant.groupId, rescueGroupId: tenant.rescueGroupId, priority: 10, transitive: false },
  ];
  const graphBefore = world.graph.admin.stats.graphRequests;
  const outcome = await runSync(
    { directory: adapters.directory, rescue: adapters.rescue, recorder, clock: systemClock },
    { mappings, links: [], dryRun: true, defaultPassword: "Techsync-Default-2026!", retry: POLICY },
  ).then(
    () => "ok" as const,
    (error: unknown) => error,
  );
  return {
    outcome,
    rescueCalls: adapters.rescue.callCounts(),
    graphRequests: world.graph.admin.stats.graphRequests - graphBefore,
  };
}

describe("one retry layer inside a run", () => {
  it("retries a Rescue ERROR burst once per try: 3 ERRORs then OK cost 3 calls more than a clean run", async () => {
    const clean = await dryRun();
    expect(clean.outcome).toBe("ok");
    tenant.rescue.faults.set({ script: [1, 2, 3].map(() => ({ method: "getHierarchy_v2", kind: "error" as const })) });
    const burst = await dryRun();
    expect(burst.outcome).toBe("ok");
    expect(burst.rescueCalls.getHierarchy_v2).toBe((clean.rescueCalls.getHierarchy_v2 ?? 0) + 3);
  });

  it("stops a Rescue ERROR burst longer than the policy after exactly maxAttempts calls", async () => {
    tenant.rescue.faults.set({
      script: Array.from({ length: 30 }, () => ({ method: "getHierarchy_v2", kind: "error" as const })),
    });
    const burst = await dryRun();
    expect(burst.outcome).toMatchObject({ code: "ERROR", retryable: true });
    expect(burst.rescueCalls.getHierarchy_v2).toBe(POLICY.maxAttempts);
  });

  it("retries a Graph 503 burst once per try: 3 503s then OK cost 3 requests more than a clean run", async () => {
    const clean = await dryRun();
    expect(clean.outcome).toBe("ok");
    world.graph.admin.setFaults({ unavailable: { count: 3 } });
    const burst = await dryRun();
    expect(burst.outcome).toBe("ok");
    expect(world.graph.admin.stats.unavailable).toBeGreaterThanOrEqual(3);
    expect(burst.graphRequests).toBe(clean.graphRequests + 3);
  });

  it("stops a Graph 503 burst longer than the policy after exactly maxAttempts requests", async () => {
    world.graph.admin.setFaults({ unavailable: { count: 30 } });
    const burst = await dryRun();
    expect(burst.outcome).toMatchObject({ retryable: true });
    expect(burst.graphRequests).toBe(POLICY.maxAttempts);
  });
});
