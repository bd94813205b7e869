import type { PrismaClient } from "@techsync/db";
import { createTestDatabase, type TestDatabase } from "@techsync/db/testing";
import type { Plan } from "@techsync/sync-core";
import { Client } from "pg";
import { approveBlockedRun } from "./approve-run";
import { DatabaseRunRecorder, type RecorderLog } from "./database-run-recorder";
import { RunEventListener } from "./run-event-listener";
import { notifyRunEvent, parseRunEvent, RUN_EVENTS_CHANNEL, type RunEvent, writeWithRunEvent } from "./run-events";

let db: TestDatabase;
let prisma: PrismaClient;
/** A plain LISTEN connection: every notification on the channel, payload as sent. */
let listening: Client;
const heard: { event: RunEvent | null; payload: string }[] = [];

beforeAll(async () => {
  db = await createTestDatabase();
  prisma = db.prisma;
  listening = new Client({ connectionString: db.url });
  await listening.connect();
  listening.on("notification", (message) => {
    if (message.channel !== RUN_EVENTS_CHANNEL) return;
    heard.push({ event: parseRunEvent(message.payload), payload: message.payload ?? "" });
  });
  await listening.query(`LISTEN ${RUN_EVENTS_CHANNEL}`);
});
afterAll(async () => {
  await listening.end();
  await db.drop();
});

const quiet: RecorderLog = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

async function until(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Waits until `count` notifications about the run have arrived and answers the changes they name. */
async function changesOf(runId: string, count: number): Promise<string[]> {
  const ofRun = () => heard.filter((h) => h.event?.runId === runId);
  await until(() => ofRun().length >= count, `${count} notifications of run ${runId}`);
  return ofRun().map((h) => h.event!.change);
}

async function newRun(status: "running" | "blocked" = "running") {
  const tenant = await prisma.tenant.create({
    data: { name: "Contoso", dataKeyWrapped: "unused", dataKeyMasterKeyId: "unused" },
  });
  const run = await prisma.syncRun.create({ data: { tenantId: tenant.id, trigger: "portal", dryRun: false, status } });
  return { tenantId: tenant.id, runId: run.id };
}

function onePlan(): Plan {
  return {
    status: "ready",
    actions: [
      {
        kind: "disable",
        id: "disable:u1",
        entraUserId: "u1",
        reason: "left the group",
        rescueNodeId: 11,
        disableReason: "out-of-scope",
      },
    ],
    warnings: [],
    staleLinks: [],
    counts: { create: 0, adopt: 0, update: 0, enable: 0, disable: 1 },
    safety: { disableCount: 1, linkedCount: 10, allowed: 5, blocked: false },
    usersInScope: 9,
    skippedMembers: [],
    releasedHolds: [],
  };
}

test("the recorder announces each write a run page shows, with a payload of ids and a word only", async () => {
  const { tenantId, runId } = await newRun();
  const recorder = new DatabaseRunRecorder({ prisma, tenantId, runId, log: quiet });

  await recorder.recordPlan(onePlan(), { dryRun: false });
  expect(await changesOf(runId, 1)).toEqual(["progress"]);

  await recorder.recordOutcomes([
    {
      actionId: "disable:u1",
      kind: "disable",
      entraUserId: "u1",
      rescueNodeId: 11,
      status: "succeeded",
      attempts: 1,
      finishedAt: new Date(),
    },
  ]);
  expect(await changesOf(runId, 2)).toEqual(["progress", "actions"]);

  recorder.progress({ phase: "apply", done: 1, total: 1 });
  await recorder.flush();
  expect(await changesOf(runId, 3)).toEqual(["progress", "actions", "progress"]);

  // A burst of lines logged together is one write and one notification, in the order they were logged.
  recorder.log("info", "first");
  recorder.log("warn", "second", { code: "X" });
  recorder.log("info", "third");
  await recorder.flush();
  expect(await changesOf(runId, 4)).toEqual(["progress", "actions", "progress", "log"]);
  const lines = await prisma.logEntry.findMany({ where: { runId }, orderBy: { id: "asc" } });
  expect(lines.map((line) => line.message)).toEqual(["first", "second", "third"]);

  const payloads = heard.filter((h) => h.event?.runId === runId).map((h) => h.payload);
  for (const payload of payloads) {
    expect(Object.keys(JSON.parse(payload)).sort()).toEqual(["change", "runId", "tenantId"]);
    expect(Buffer.byteLength(payload)).toBeLessThan(200);
  }
  expect(JSON.parse(payloads[0]!)).toEqual({ runId, tenantId, change: "progress" });
});

test("a write that fails announces nothing: the notification commits with the write or not at all", async () => {
  const { tenantId, runId } = await newRun();
  const missing = "00000000-0000-4000-8000-000000000000";
  await expect(
    writeWithRunEvent(
      prisma,
      { runId: missing, tenantId, change: "status" },
      prisma.syncRun.update({ where: { id: missing }, data: { status: "failed" } }),
    ),
  ).rejects.toThrow();
  // Inside an interactive transaction that rolls back, too.
  await expect(
    prisma.$transaction(async (tx) => {
      await notifyRunEvent(tx, { runId: missing, tenantId, change: "status" });
      throw new Error("rolled back");
    }),
  ).rejects.toThrow("rolled back");
  const before = heard.length;
  await writeWithRunEvent(
    prisma,
    { runId, tenantId, change: "status" },
    prisma.syncRun.update({ where: { id: runId }, data: { status: "failed" } }),
  );
  // Notifications arrive in commit order: the first one after the failures is the committed write's.
  await until(() => heard.length > before, "the committed write's notification");
  expect(heard.slice(before)[0]?.event).toEqual({ runId, tenantId, change: "status" });
  expect(heard.some((h) => h.event?.runId === missing)).toBe(false);
});

test("approving a blocked run announces its status change", async () => {
  const { tenantId, runId } = await newRun("blocked");
  const result = await approveBlockedRun(prisma, {
    tenantId,
    runId,
    approvedBy: "user:u1",
    onApproved: async () => {},
  });
  expect(result.outcome).toBe("approved");
  expect(await changesOf(runId, 1)).toEqual(["status"]);
});

test("a log line Postgres refuses costs only itself: the lines around it are written", async () => {
  const { tenantId, runId } = await newRun();
  const errors: string[] = [];
  const recorder = new DatabaseRunRecorder({
    prisma,
    tenantId,
    runId,
    log: { ...quiet, error: (_details, message) => errors.push(message) },
  });
  recorder.log("info", "before");
  recorder.log("info", "a NUL byte \u0000 Postgres text cannot hold");
  recorder.log("info", "after");
  await recorder.flush();
  const lines = await prisma.logEntry.findMany({ where: { runId }, orderBy: { id: "asc" } });
  expect(lines.map((line) => line.message)).toEqual(["before", "after"]);
  expect(errors).toEqual(["could not write a sync log entry"]);
});

test("the listener calls the watchers of the notified run only, and ignores what is not a run event", async () => {
  const a = await newRun();
  const b = await newRun();
  const listener = new RunEventListener({ connectionString: db.url });
  try {
    await listener.start();
    expect(listener.connected).toBe(true);
    const calls = { a1: 0, a2: 0, b: 0 };
    const leaveA1 = listener.subscribe(a.runId, () => calls.a1++);
    listener.subscribe(a.runId, () => calls.a2++);
    listener.subscribe(b.runId, () => calls.b++);
    await prisma.$executeRaw`SELECT pg_notify(${RUN_EVENTS_CHANNEL}, 'not json')`;
    await prisma.$executeRaw`SELECT pg_notify(${RUN_EVENTS_CHANNEL}, ${JSON.stringify({ runId: b.runId, tenantId: b.tenantId, change: "bogus" })})`;
    await writeWithRunEvent(
      prisma,
      { ...a, change: "progress" },
      prisma.syncRun.update({ where: { id: a.runId }, data: { progressDone: 1 } }),
    );
    await until(() => calls.a1 === 1, "the first watcher of run a");
    leaveA1();
    await writeWithRunEvent(
      prisma,
      { ...a, change: "progress" },
      prisma.syncRun.update({ where: { id: a.runId }, data: { progressDone: 2 } }),
    );
    await until(() => calls.a2 === 2, "the second watcher of run a, twice");
    expect(calls).toEqual({ a1: 1, a2: 2, b: 0 });
  } finally {
    await listener.close();
  }
  expect(listener.connected).toBe(false);
});
