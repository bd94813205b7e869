// Under Graph-style throttling (429 + Retry-After after K requests per window) the source finishes
// large reads, waiting as long as it is told; $batch's inner 429s are resent.
import { generateDirectory, type RunningGraphEmulator } from "@techsync/emulators/graph";
import { createEntraDirectorySource } from "../src";
import { collect, sourceConfig, startTestEmulator, testApp } from "./graph-emulator-fixture";

const tenant = generateDirectory({
  seed: 23,
  tenantId: "90000000-0000-4000-a000-000000000001",
  domain: "throttled.example",
  users: 6000,
  groups: 4,
  apps: [testApp()],
});
const groupIds = tenant.groups.map((group) => group.id);

let emulator: RunningGraphEmulator;

beforeAll(async () => {
  emulator = await startTestEmulator({ tenants: [tenant] });
});
afterAll(async () => {
  await emulator.close();
});
beforeEach(() => {
  emulator.admin.reset();
});

/** Records every wait the source asks for, and really waits, so the emulator sees real timing. */
function recordingSleep() {
  const waits: number[] = [];
  const sleep = (ms: number) => {
    waits.push(ms);
    return new Promise<void>((resolve) => setTimeout(resolve, ms));
  };
  return { waits, sleep };
}

it("reads 6,000 members of 4 groups concurrently under a tight 429 regime, waiting as Retry-After says", async () => {
  emulator.admin.setFaults({ throttle: { limit: 3, windowMs: 10_000, retryAfterSeconds: 1 } });
  const { waits, sleep } = recordingSleep();
  const source = createEntraDirectorySource(sourceConfig(emulator, tenant, { sleep, maxConcurrency: 4 }));
  const started = Date.now();
  const results = await Promise.all(
    groupIds.map((groupId) => collect(source.groupMembers(groupId, { transitive: true }))),
  );
  const elapsed = Date.now() - started;

  expect(results.map((result) => result.items.length)).toEqual([1500, 1500, 1500, 1500]);
  expect(new Set(results.flatMap((result) => result.items.map((member) => member.id))).size).toBe(6000);
  const stats = source.callStats();
  expect(stats.throttled).toBeGreaterThan(0);
  expect(stats.throttled).toBe(emulator.admin.stats.throttled);
  // Every wait is the Retry-After Graph sent (1 s), never a guess shorter than it.
  expect(waits.length).toBe(stats.retries);
  expect(waits.every((ms) => ms === 1000)).toBe(true);
  // 8 pages at 3 per budget: at least two refills.
  expect(elapsed).toBeGreaterThanOrEqual(2000);
  expect(stats.graphCalls).toBe(8 + stats.throttled);
});

it("honours Retry-After given as an HTTP date", async () => {
  emulator.admin.setFaults({ throttle: { limit: 1, retryAfterSeconds: 1, retryAfterAs: "date" } });
  const { waits, sleep } = recordingSleep();
  const source = createEntraDirectorySource(sourceConfig(emulator, tenant, { sleep, maxConcurrency: 1 }));
  const { items } = await collect(source.groupMembers(groupIds[0] as string, { transitive: false }));
  expect(items).toHaveLength(1500);
  expect(waits.length).toBeGreaterThan(0);
  // The date is whole seconds ahead: never less than the second the emulator blocks for.
  expect(waits.every((ms) => ms >= 1000 && ms <= 3000)).toBe(true);
});

it("backs off exponentially, with jitter, when a 503 brings no Retry-After", async () => {
  emulator.admin.setFaults({ unavailable: { count: 3 } });
  const { waits, sleep } = recordingSleep();
  const source = createEntraDirectorySource(sourceConfig(emulator, tenant, { sleep, baseBackoffMs: 40 }));
  expect(await source.getGroup(groupIds[0] as string)).not.toBeNull();
  expect(waits).toHaveLength(3);
  const [first, second, third] = waits as [number, number, number];
  expect(first).toBeGreaterThanOrEqual(20);
  expect(first).toBeLessThanOrEqual(40);
  expect(second).toBeGreaterThanOrEqual(40);
  expect(second).toBeLessThanOrEqual(80);
  expect(third).toBeGreaterThanOrEqual(80);
  expect(third).toBeLessThanOrEqual(160);
});

it("resends only the inner requests of a $batch that were throttled, after their Retry-After", async () => {
  const manyGroups = generateDirectory({
    seed: 29,
    tenantId: "90000000-0000-4000-a000-000000000002",
    domain: "batch.example",
    users: 10,
    groups: 20,
    apps: [testApp()],
  });
  emulator.admin.addTenant(manyGroups);
  emulator.admin.setFaults({ throttle: { limit: 10, retryAfterSeconds: 1 } });
  const { waits, sleep } = recordingSleep();
  const source = createEntraDirectorySource(sourceConfig(emulator, manyGroups, { sleep }));
  const groups = await source.getGroups(manyGroups.groups.map((group) => group.id));
  expect([...groups.values()].every((group) => group !== null)).toBe(true);
  expect(groups.size).toBe(20);
  expect(emulator.admin.stats.throttled).toBe(10);
  expect(emulator.admin.stats.batchRequests).toBe(2);
  expect(emulator.admin.stats.graphRequests).toBe(30);
  expect(waits).toEqual([1000]);
});
