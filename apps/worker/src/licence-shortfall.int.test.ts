// Rescue does not say how many technician licences are free. Against the emulator with a licence limit (answering
// a bare ERROR, its default): the first create Rescue keeps refusing stops the run's other creates, which are
// recorded as not applied with one reason, instead of one failure each; the run and its actions say so.
import {
  createSyncWorld,
  createTestTenant,
  requestRun,
  type SyncWorld,
  startTestWorker,
  waitForRun,
} from "../test/sync-world";
import type { SyncWorker } from "./sync-worker";

jest.setTimeout(60_000);

let world: SyncWorld;
let worker: SyncWorker;

beforeAll(async () => {
  world = await createSyncWorld("licence");
  worker = startTestWorker(world, { retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 5 } });
});
afterAll(async () => {
  await worker?.close();
  await world?.close();
});

test("creates beyond the free licences: one failure with Rescue's answer, the rest not applied with one reason", async () => {
  const tenant = await createTestTenant(world, { users: 12 });
  // The master account holder's seat and 4 more: 4 of the 12 creates fit.
  const org = tenant.rescue.organisation;
  org.account.technicianLicences = org.enabledTechnicians() + 4;

  const run = await waitForRun(world, await requestRun(world, tenant.id));
  expect(run.status).toBe("partial");
  const report = run.report as {
    licenceShortfall?: { creates: number; enables: number; message: string };
    failureCount: number;
    warnings: { code: string; message: string }[];
  };
  expect(report.licenceShortfall).toMatchObject({ creates: 7, enables: 0 });
  expect(report.failureCount).toBe(1);
  expect(report.warnings).toContainEqual(expect.objectContaining({ code: "licence-shortfall" }));
  expect(run.error).toBe(
    "Rescue refused a technician licence; 7 creates and 0 enables were not applied: free licences or add more, then run again.",
  );

  const actions = await world.db.prisma.syncAction.findMany({ where: { runId: run.id }, orderBy: { seq: "asc" } });
  const byStatus = (status: string) => actions.filter((a) => a.status === status);
  expect(byStatus("succeeded")).toHaveLength(4);
  expect(byStatus("failed")).toEqual([expect.objectContaining({ kind: "create", errorCode: "ERROR" })]);
  expect(byStatus("failed")[0]?.error).toMatch(/licence/);
  expect(byStatus("skipped")).toHaveLength(7);
  for (const skipped of byStatus("skipped")) {
    expect(skipped).toMatchObject({ kind: "create", errorCode: "LICENCE_REFUSED" });
    expect(skipped.error).toMatch(/^Not applied: Rescue refused a technician licence earlier in this run\./);
  }
  // Each action names its Rescue group and its cause.
  expect(actions.every((a) => a.rescueGroupName === "Helpdesk" && a.cause !== null)).toBe(true);
  expect(org.technicians().filter((t) => t.enabled && t.email.includes(tenant.id.slice(0, 8)))).toHaveLength(4);

  // Licences freed: the next run creates the rest, reusing the blank users the refused creates left.
  org.account.technicianLicences += 10;
  const next = await waitForRun(world, await requestRun(world, tenant.id));
  expect(next.status).toBe("succeeded");
  expect(org.technicians().filter((t) => t.email.includes(tenant.id.slice(0, 8)))).toHaveLength(12);
  expect(org.technicians().filter((t) => t.name === "")).toHaveLength(0);
  await tenant.rescue.close();
});
