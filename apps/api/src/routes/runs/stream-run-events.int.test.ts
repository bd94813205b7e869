import { createTestDatabase, type TestDatabase } from "@techsync/db/testing";
import { streamRunEvents } from "./stream-run-events";

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.drop());

test("an open stream of a run that does not change sends a heartbeat comment every interval until the client leaves", async () => {
  const tenant = await db.prisma.tenant.create({
    data: { name: "Contoso", dataKeyWrapped: "unused", dataKeyMasterKeyId: "unused" },
  });
  const run = await db.prisma.syncRun.create({
    data: { tenantId: tenant.id, trigger: "portal", dryRun: false, status: "queued" },
  });
  const lines: string[] = [];
  let leave = () => {};
  const closed = new Promise<void>((resolve) => {
    leave = resolve;
  });
  const streaming = streamRunEvents(
    { prisma: db.prisma, runEventsPollMs: 5_000, runEventsHeartbeatMs: 40 },
    tenant.id,
    run.id,
    { send: (event) => lines.push(event), heartbeat: () => lines.push("heartbeat"), closed },
  );
  await new Promise((resolve) => setTimeout(resolve, 400));
  leave();
  await streaming;
  const beats = lines.filter((l) => l === "heartbeat").length;
  expect(lines).toContain("progress");
  expect(beats).toBeGreaterThanOrEqual(3);
  // Once the client has left, no more heartbeats are written.
  await new Promise((resolve) => setTimeout(resolve, 150));
  expect(lines.filter((l) => l === "heartbeat")).toHaveLength(beats);
});
