import { generateMasterKey, parseMasterKeyring, SecretBox } from "@techsync/db";
import { createTestDatabase, type TestDatabase } from "@techsync/db/testing";
import { listenToRunEvents } from "@techsync/runs/testing";
import pino from "pino";
import { Registry } from "prom-client";
import { runTenantSync } from "./run-tenant-sync";
import { createWorkerMetrics } from "./worker-metrics";

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.drop());

test("a run's status changes (claimed, then failed) and its log lines are announced to open run pages", async () => {
  const tenant = await db.prisma.tenant.create({
    data: { name: "Contoso", dataKeyWrapped: "unused", dataKeyMasterKeyId: "unused" },
  });
  const run = await db.prisma.syncRun.create({
    data: { tenantId: tenant.id, trigger: "portal", dryRun: false, status: "queued" },
  });
  const listening = await listenToRunEvents(db.url);
  try {
    // A tenant with no connections: the run is claimed, then fails before any call, which quarantines the tenant.
    const result = await runTenantSync(
      {
        prisma: db.prisma,
        secretBox: new SecretBox(parseMasterKeyring(`k1:${generateMasterKey()}`, "k1")),
        log: pino({ level: "silent" }),
        metrics: createWorkerMetrics(new Registry()),
        adapters: {},
        rescheduleTenant: async () => {},
        workerId: "test-worker",
        leaseMs: 30_000,
      },
      { tenantId: tenant.id, runId: run.id },
    );
    expect(result.kind).toBe("failed");
    const deadline = Date.now() + 10_000;
    while (listening.events.length < 4 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    // In commit order: claimed, "run failed", failed, "the tenant is quarantined".
    expect(listening.events).toEqual(
      ["status", "log", "status", "log"].map((change) => ({ runId: run.id, tenantId: tenant.id, change })),
    );
  } finally {
    await listening.close();
  }
});
