import type { PrismaClient } from "@techsync/db";
import { createTestDatabase, type TestDatabase } from "@techsync/db/testing";
import { approveBlockedRun } from "./approve-run";
import { createRun } from "./create-run";

let db: TestDatabase;
let prisma: PrismaClient;

beforeAll(async () => {
  db = await createTestDatabase();
  prisma = db.prisma;
});
afterAll(() => db.drop());

async function newTenant(): Promise<string> {
  return (
    await prisma.tenant.create({ data: { name: "Contoso", dataKeyWrapped: "unused", dataKeyMasterKeyId: "unused" } })
  ).id;
}

describe("createRun", () => {
  it("gives one run to many simultaneous triggers of a tenant; the others get that run back", async () => {
    const tenantId = await newTenant();
    const results = await Promise.all(
      Array.from({ length: 3 }, (_, i) =>
        createRun(prisma, { tenantId, trigger: i % 2 === 0 ? "portal" : "schedule", dryRun: false }),
      ),
    );
    expect(results.filter((r) => r.outcome === "created")).toHaveLength(1);
    const ids = new Set(results.map((r) => (r.outcome === "refused" ? null : r.run.id)));
    expect(ids.size).toBe(1);
    expect(await prisma.syncRun.count({ where: { tenantId } })).toBe(1);
  }, 30_000);

  it("creates a new run once the previous one finished, and never looks at another tenant's runs", async () => {
    const tenantId = await newTenant();
    const other = await newTenant();
    await createRun(prisma, { tenantId: other, trigger: "api", dryRun: true });
    const first = await createRun(prisma, { tenantId, trigger: "api", dryRun: true, requestedBy: "api_key:k1" });
    expect(first.outcome).toBe("created");
    if (first.outcome !== "created") return;
    expect(first.run).toMatchObject({ trigger: "api", dryRun: true, status: "queued", requestedBy: "api_key:k1" });
    await prisma.syncRun.update({ where: { id: first.run.id }, data: { status: "succeeded" } });
    const second = await createRun(prisma, { tenantId, trigger: "schedule", dryRun: false });
    expect(second.outcome).toBe("created");
  });

  it("records the mode asked for (default full); a change notification's run is incremental", async () => {
    const tenantId = await newTenant();
    const plain = await createRun(prisma, { tenantId, trigger: "portal", dryRun: false });
    expect(plain.outcome === "created" && plain.run.mode).toBe("full");
    if (plain.outcome !== "created") return;
    await prisma.syncRun.update({ where: { id: plain.run.id }, data: { status: "succeeded" } });
    const notified = await createRun(prisma, { tenantId, trigger: "notification", dryRun: false, mode: "incremental" });
    expect(notified.outcome === "created" && notified.run).toMatchObject({ mode: "incremental", modeReason: null });
  });

  it("refuses without writing when the trigger's check says no, even with no run active", async () => {
    const tenantId = await newTenant();
    const result = await createRun(prisma, {
      tenantId,
      trigger: "schedule",
      dryRun: false,
      refuse: async () => "the tenant is paused",
    });
    expect(result).toEqual({ outcome: "refused", reason: "the tenant is paused" });
    expect(await prisma.syncRun.count({ where: { tenantId } })).toBe(0);
  });
});

describe("approveBlockedRun", () => {
  it("queues a blocked run again under the same id and records who approved it", async () => {
    const tenantId = await newTenant();
    const blocked = await prisma.syncRun.create({
      data: { tenantId, trigger: "schedule", dryRun: false, status: "blocked" },
    });
    const seen: string[] = [];
    const result = await approveBlockedRun(prisma, {
      tenantId,
      runId: blocked.id,
      approvedBy: "portal_user:u1",
      onApproved: async (_tx, run) => {
        seen.push(run.status);
      },
    });
    expect(result.outcome).toBe("approved");
    expect(seen).toEqual(["queued"]);
    const row = await prisma.syncRun.findUniqueOrThrow({ where: { id: blocked.id } });
    expect(row).toMatchObject({ status: "queued", approvedBy: "portal_user:u1" });
    expect(row.approvedAt).toBeInstanceOf(Date);
  });

  it("leaves the run blocked when the hook fails, and refuses runs that are not blocked or not the tenant's", async () => {
    const tenantId = await newTenant();
    const blocked = await prisma.syncRun.create({
      data: { tenantId, trigger: "schedule", dryRun: false, status: "blocked" },
    });
    const failing = approveBlockedRun(prisma, {
      tenantId,
      runId: blocked.id,
      approvedBy: "portal_user:u1",
      onApproved: async () => {
        throw new Error("queue down");
      },
    });
    await expect(failing).rejects.toThrow("queue down");
    expect((await prisma.syncRun.findUniqueOrThrow({ where: { id: blocked.id } })).status).toBe("blocked");

    const noop = async () => {};
    const other = await newTenant();
    expect(
      await approveBlockedRun(prisma, { tenantId: other, runId: blocked.id, approvedBy: "x:y", onApproved: noop }),
    ).toEqual({ outcome: "not_found" });
    await prisma.syncRun.update({ where: { id: blocked.id }, data: { status: "succeeded" } });
    expect(
      await approveBlockedRun(prisma, { tenantId, runId: blocked.id, approvedBy: "x:y", onApproved: noop }),
    ).toEqual({ outcome: "not_blocked", status: "succeeded" });
  });
});
