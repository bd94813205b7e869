// Run ownership against a real Postgres: one claim wins, leases expire and are reaped, a lost lease writes nothing,
// a person's cancel reaches the lease holder, and writes wait out a short database outage.
import type { PrismaClient } from "@techsync/db";
import { createTestDatabase, type TestDatabase } from "@techsync/db/testing";
import { cancelRun } from "./cancel-run";
import { retryWhileDatabaseDown } from "./database-retry";
import { keepLease } from "./lease-keeper";
import { listWaitingRuns, reapExpiredRuns } from "./reap-runs";
import { claimRun, MAX_RUN_ATTEMPTS, renewLease, settleRun } from "./run-lease";

let db: TestDatabase;
let prisma: PrismaClient;

beforeAll(async () => {
  db = await createTestDatabase();
  prisma = db.prisma;
});
afterAll(() => db.drop());

async function newRun(status: "queued" | "running" = "queued") {
  const tenant = await prisma.tenant.create({
    data: { name: "Contoso", dataKeyWrapped: "unused", dataKeyMasterKeyId: "unused" },
  });
  const run = await prisma.syncRun.create({ data: { tenantId: tenant.id, trigger: "portal", dryRun: false, status } });
  return { tenantId: tenant.id, runId: run.id, ref: { id: run.id, tenantId: tenant.id } };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("claimRun", () => {
  it("lets exactly one of many simultaneous claims execute a run; the others wait", async () => {
    const { tenantId, runId } = await newRun();
    const claims = await Promise.all(
      Array.from({ length: 6 }, (_, i) => claimRun(prisma, { tenantId, runId, owner: `w${i}`, leaseMs: 30_000 })),
    );
    expect(claims.filter((claim) => claim.outcome === "claimed")).toHaveLength(1);
    expect(claims.filter((claim) => claim.outcome === "wait")).toHaveLength(5);
    const run = await prisma.syncRun.findUniqueOrThrow({ where: { id: runId } });
    expect(run.status).toBe("running");
    expect(run.attempts).toBe(1);
  });

  it("takes over a running run only once its lease has expired, and says it resumes", async () => {
    const { tenantId, runId } = await newRun();
    expect((await claimRun(prisma, { tenantId, runId, owner: "dead", leaseMs: 3000 })).outcome).toBe("claimed");
    expect((await claimRun(prisma, { tenantId, runId, owner: "next", leaseMs: 30_000 })).outcome).toBe("wait");
    await sleep(3100);
    const taken = await claimRun(prisma, { tenantId, runId, owner: "next", leaseMs: 30_000 });
    expect(taken).toMatchObject({ outcome: "claimed", resumed: true });
    // The dead owner's late writes are refused: it no longer owns the run.
    expect(await settleRun(prisma, { id: runId, tenantId }, { owner: "dead" }, { status: "failed" })).toBe(false);
    expect(await renewLease(prisma, runId, { owner: "dead", leaseMs: 30_000 })).toEqual({ held: false });
    expect((await prisma.syncRun.findUniqueOrThrow({ where: { id: runId } })).status).toBe("running");
    expect(await settleRun(prisma, { id: runId, tenantId }, { owner: "next" }, { status: "succeeded" })).toBe(true);
    const run = await prisma.syncRun.findUniqueOrThrow({ where: { id: runId } });
    expect(run).toMatchObject({ status: "succeeded", leaseOwner: null, leaseExpiresAt: null });
  });

  it("makes a second run of the tenant wait while the first executes, and says so on the waiting run", async () => {
    const first = await newRun();
    const second = await prisma.syncRun.create({
      data: { tenantId: first.tenantId, trigger: "portal", dryRun: false, status: "queued" },
    });
    await claimRun(prisma, { tenantId: first.tenantId, runId: first.runId, owner: "a", leaseMs: 30_000 });
    const waiting = await claimRun(prisma, { tenantId: first.tenantId, runId: second.id, owner: "b", leaseMs: 30_000 });
    expect(waiting).toEqual({ outcome: "wait", behindRunId: first.runId });
    expect((await prisma.syncRun.findUniqueOrThrow({ where: { id: second.id } })).phase).toBe(
      `waiting for run ${first.runId} of this tenant to finish`,
    );
  });

  it("never claims a finished or blocked run", async () => {
    const { tenantId, runId } = await newRun();
    for (const status of ["succeeded", "blocked", "interrupted"] as const) {
      await prisma.syncRun.update({ where: { id: runId }, data: { status } });
      expect((await claimRun(prisma, { tenantId, runId, owner: "w", leaseMs: 1000 })).outcome).toBe("skipped");
    }
  });
});

describe("reaper", () => {
  it("requeues a running run whose lease expired, and leaves a live one alone", async () => {
    const expired = await newRun();
    const live = await newRun();
    await claimRun(prisma, { ...expired, owner: "gone", leaseMs: 200 });
    await claimRun(prisma, { ...live, owner: "alive", leaseMs: 60_000 });
    await sleep(300);
    const reaped = await reapExpiredRuns(prisma);
    expect(reaped.requeued).toContainEqual(expired.ref);
    expect(reaped.requeued).not.toContainEqual(live.ref);
    const run = await prisma.syncRun.findUniqueOrThrow({ where: { id: expired.runId } });
    expect(run).toMatchObject({ status: "queued", leaseOwner: null });
    expect(await listWaitingRuns(prisma, 0)).toContainEqual(expired.ref);
  });

  it(`ends a run as interrupted, with a reason, once it has been claimed ${MAX_RUN_ATTEMPTS} times`, async () => {
    const { tenantId, runId, ref } = await newRun();
    for (let attempt = 1; attempt <= MAX_RUN_ATTEMPTS; attempt += 1) {
      expect((await claimRun(prisma, { tenantId, runId, owner: `w${attempt}`, leaseMs: 50 })).outcome).toBe("claimed");
      await sleep(80);
      if (attempt < MAX_RUN_ATTEMPTS) expect((await reapExpiredRuns(prisma)).requeued).toContainEqual(ref);
    }
    expect((await reapExpiredRuns(prisma)).interrupted).toContainEqual(ref);
    const run = await prisma.syncRun.findUniqueOrThrow({ where: { id: runId } });
    expect(run.status).toBe("interrupted");
    expect(run.error).toContain("never finished");
    expect(run.finishedAt).not.toBeNull();
  });

  it("lists a queued run only once it is older than the grace period", async () => {
    const { ref } = await newRun();
    expect(await listWaitingRuns(prisma, 60_000)).not.toContainEqual(ref);
    expect(await listWaitingRuns(prisma, 0)).toContainEqual(ref);
  });
});

describe("lease keeper and cancel", () => {
  it("renews the lease while the run executes, and stops the run when a person cancels it", async () => {
    const { tenantId, runId } = await newRun();
    await claimRun(prisma, { tenantId, runId, owner: "w", leaseMs: 600 });
    const lease = keepLease(prisma, runId, { owner: "w", leaseMs: 600 }, () => undefined);
    try {
      await sleep(1000);
      // Renewed: past its first expiry it is still this worker's run, and the reaper leaves it alone.
      expect((await reapExpiredRuns(prisma)).requeued.map((run) => run.id)).not.toContain(runId);
      expect(lease.signal.aborted).toBe(false);
      expect(await cancelRun(prisma, { tenantId, runId, requestedBy: "member:m1" })).toMatchObject({
        outcome: "cancel_requested",
      });
      for (let i = 0; i < 40 && !lease.signal.aborted; i += 1) await sleep(50);
      expect(lease.signal.reason).toBe("cancel-requested");
    } finally {
      lease.stop();
    }
  });

  it("cancels a queued run at once; a finished run cannot be cancelled", async () => {
    const { tenantId, runId } = await newRun();
    expect((await cancelRun(prisma, { tenantId, runId, requestedBy: "member:m1" })).outcome).toBe("cancelled");
    expect((await prisma.syncRun.findUniqueOrThrow({ where: { id: runId } })).status).toBe("cancelled");
    expect(await cancelRun(prisma, { tenantId, runId, requestedBy: "member:m1" })).toEqual({
      outcome: "not_cancellable",
      status: "cancelled",
    });
    const other = await newRun();
    expect((await cancelRun(prisma, { tenantId: other.tenantId, runId, requestedBy: "x" })).outcome).toBe("not_found");
  });
});

describe("retryWhileDatabaseDown", () => {
  const unreachable = Object.assign(new Error("Can't reach database server at 127.0.0.1:5432"), { code: "P1001" });

  it("waits out a database outage while the lease allows, then writes", async () => {
    let calls = 0;
    const value = await retryWhileDatabaseDown(
      async () => {
        calls += 1;
        if (calls < 3) throw unreachable;
        return "written";
      },
      { until: () => Date.now() + 10_000 },
    );
    expect(value).toBe("written");
    expect(calls).toBe(3);
  });

  it("gives up once the lease has run out, and never retries a bad query", async () => {
    let calls = 0;
    const deadline = Date.now() + 300;
    await expect(
      retryWhileDatabaseDown(
        async () => {
          calls += 1;
          throw unreachable;
        },
        { until: () => deadline },
      ),
    ).rejects.toBe(unreachable);
    expect(Date.now()).toBeGreaterThanOrEqual(deadline);
    const bad = Object.assign(new Error("column does not exist"), { code: "42703" });
    let badCalls = 0;
    await expect(
      retryWhileDatabaseDown(
        async () => {
          badCalls += 1;
          throw bad;
        },
        { until: () => Date.now() + 10_000 },
      ),
    ).rejects.toBe(bad);
    expect(badCalls).toBe(1);
    expect(calls).toBeGreaterThan(1);
  });
});
