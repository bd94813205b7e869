import type { AddressInfo } from "node:net";
import { createPrismaClient, type PrismaClient } from "@techsync/db";
import { createTestDatabase, type TestDatabase } from "@techsync/db/testing";
import { DatabaseRunRecorder, type RecorderLog, RunEventListener, writeWithRunEvent } from "@techsync/runs";
import { terminateRunEventListeners } from "@techsync/runs/testing";
import { startApiHarness } from "../../../test/api-harness";
import { RUN_EVENTS_COALESCE_MS, streamRunEvents } from "./stream-run-events";

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

describe("pushed by Postgres notifications", () => {
  /** Another connection pool, as the worker's: its writes reach the API only through Postgres. */
  let writer: PrismaClient;
  let listener: RunEventListener;
  beforeAll(() => {
    writer = createPrismaClient({ url: db.url, maxConnections: 2 });
  });
  afterAll(() => writer.$disconnect());
  /** Streams a test opened: left after each test, passed or failed, so none keeps the process alive. */
  const openStreams: (() => Promise<void>)[] = [];
  afterEach(async () => {
    await Promise.all(openStreams.splice(0).map((leave) => leave()));
    await listener?.close();
  });

  const quiet: RecorderLog = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };
  /** Polling so slow that only a notification can explain an event within a test. */
  const NEVER_POLL_MS = 60_000;

  async function until(check: () => boolean, what: string): Promise<void> {
    const deadline = Date.now() + 15_000;
    while (!check()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  async function newRun() {
    const tenant = await db.prisma.tenant.create({
      data: { name: "Contoso", dataKeyWrapped: "unused", dataKeyMasterKeyId: "unused" },
    });
    const run = await db.prisma.syncRun.create({
      data: { tenantId: tenant.id, trigger: "portal", dryRun: false, status: "running", progressTotal: 200 },
    });
    return { tenantId: tenant.id, runId: run.id };
  }

  /** The stream's reads of the run, counted. */
  function countingPrisma(): { prisma: PrismaClient; reads: () => number } {
    let reads = 0;
    const prisma = {
      syncRun: {
        findFirst: (args: Parameters<PrismaClient["syncRun"]["findFirst"]>[0]) => {
          reads += 1;
          return db.prisma.syncRun.findFirst(args);
        },
      },
    } as unknown as PrismaClient;
    return { prisma, reads: () => reads };
  }

  function openStream(deps: Parameters<typeof streamRunEvents>[0], run: { tenantId: string; runId: string }) {
    const events: { event: string; done: number; status: string }[] = [];
    let leave = () => {};
    const closed = new Promise<void>((resolve) => {
      leave = resolve;
    });
    const streaming = streamRunEvents(deps, run.tenantId, run.runId, {
      send: (event, data) => {
        const view = JSON.parse(data);
        events.push({ event, done: view.progress.done, status: view.status });
      },
      heartbeat: () => {},
      closed,
    });
    const leaveStream = async () => {
      leave();
      await streaming;
    };
    openStreams.push(leaveStream);
    return { events, streaming, last: () => events[events.length - 1], leave: leaveStream };
  }

  test("a change written by another connection reaches an open stream at once, without waiting for a poll", async () => {
    const run = await newRun();
    listener = new RunEventListener({ connectionString: db.url });
    await listener.start();
    const stream = openStream({ prisma: db.prisma, runEvents: listener, runEventsPollMs: NEVER_POLL_MS }, run);
    await until(() => stream.events.length === 1, "the first event");

    // What the worker does: the recorder writes progress, then the run finishes.
    const recorder = new DatabaseRunRecorder({ prisma: writer, ...run, log: quiet });
    recorder.progress({ phase: "apply", done: 120, total: 200 });
    await recorder.flush();
    await until(() => stream.last()?.done === 120, "the recorded progress");
    await writeWithRunEvent(
      writer,
      { ...run, change: "status" },
      writer.syncRun.update({ where: { id: run.runId }, data: { status: "succeeded", progressDone: 200 } }),
    );
    await stream.streaming;
    expect(stream.events.map((e) => `${e.event}:${e.status}:${e.done}`)).toEqual([
      "progress:running:0",
      "progress:running:120",
      "progress:succeeded:200",
      "end:succeeded:200",
    ]);
  });

  test("a burst of 200 announced updates costs the stream a bounded number of reads, and the last one arrives", async () => {
    const run = await newRun();
    listener = new RunEventListener({ connectionString: db.url });
    await listener.start();
    const { prisma, reads } = countingPrisma();
    const stream = openStream({ prisma, runEvents: listener, runEventsPollMs: NEVER_POLL_MS }, run);
    await until(() => stream.events.length === 1, "the first event");
    const readsBefore = reads();
    const started = Date.now();
    for (let done = 1; done <= 200; done += 1) {
      await writeWithRunEvent(
        writer,
        { ...run, change: "progress" },
        writer.syncRun.update({ where: { id: run.runId }, data: { progressDone: done } }),
      );
    }
    await until(() => stream.last()?.done === 200, "the last update");
    const elapsed = Date.now() - started;
    await stream.leave();
    // One read per coalescing window at most, plus the one a window's notifications leave for after it.
    expect(reads() - readsBefore).toBeLessThanOrEqual(Math.ceil(elapsed / RUN_EVENTS_COALESCE_MS) + 2);
    expect(reads() - readsBefore).toBeLessThan(200);
  });

  test("a killed listener connection reconnects; the stream re-reads once then and still gets later updates", async () => {
    const run = await newRun();
    // A second or so before reconnecting: time to write while nobody listens.
    listener = new RunEventListener({ connectionString: db.url, reconnectMinMs: 2_000, reconnectMaxMs: 2_000 });
    await listener.start();
    const { prisma, reads } = countingPrisma();
    const stream = openStream({ prisma, runEvents: listener, runEventsPollMs: NEVER_POLL_MS }, run);
    await until(() => stream.events.length === 1, "the first event");

    const readsBefore = reads();
    expect(await terminateRunEventListeners(db.prisma)).toHaveLength(1);
    await until(() => !listener.connected, "the listener to notice");
    // The stream reads once as the listener goes down (it switches to its timer) ...
    await until(() => reads() > readsBefore, "the stream's read when the listener went down");
    // ... so this change, written while nobody listens and never announced, only the re-read on reconnect can find.
    await writer.syncRun.update({ where: { id: run.runId }, data: { progressDone: 7 } });
    await until(() => listener.connected, "the listener to reconnect");
    await until(() => stream.last()?.done === 7, "the re-read after the reconnect");

    await writeWithRunEvent(
      writer,
      { ...run, change: "progress" },
      writer.syncRun.update({ where: { id: run.runId }, data: { progressDone: 8 } }),
    );
    await until(() => stream.last()?.done === 8, "an update after the reconnect");
    await stream.leave();
  });

  test("while the listener cannot connect, the stream re-reads on its timer", async () => {
    const run = await newRun();
    const nowhere = new URL(db.url);
    nowhere.port = "1";
    listener = new RunEventListener({ connectionString: nowhere.toString(), reconnectMinMs: 50, reconnectMaxMs: 100 });
    await listener.start();
    expect(listener.connected).toBe(false);
    const stream = openStream({ prisma: db.prisma, runEvents: listener, runEventsPollMs: 100 }, run);
    await until(() => stream.events.length === 1, "the first event");
    await writer.syncRun.update({ where: { id: run.runId }, data: { progressDone: 3 } });
    await until(() => stream.last()?.done === 3, "the polled update");
    await stream.leave();
  });

  test("over HTTP: progress and end events in the portal's format, heartbeat comments while nothing changes", async () => {
    const api = await startApiHarness({ runEvents: true, runEventsPollMs: NEVER_POLL_MS, runEventsHeartbeatMs: 50 });
    const apiWriter = createPrismaClient({ url: api.db.url, maxConnections: 1 });
    try {
      const owner = await api.ownerWithTenant();
      const run = await api.prisma.syncRun.create({
        data: { tenantId: owner.tenantId, trigger: "portal", dryRun: false, status: "running", progressTotal: 3 },
      });
      await api.app.listen({ port: 0, host: "127.0.0.1" });
      const { port } = api.app.server.address() as AddressInfo;
      const response = await fetch(`http://127.0.0.1:${port}/v1/tenants/${owner.tenantId}/runs/${run.id}/events`, {
        headers: { authorization: `Bearer ${owner.token}` },
      });
      expect(response.headers.get("content-type")).toContain("text/event-stream");
      const reader = response.body!.getReader();
      const decoder = new TextDecoder();
      let text = "";
      const readUntil = async (needle: string) => {
        while (!text.includes(needle)) {
          const { value, done } = await reader.read();
          if (done) throw new Error(`the stream ended before ${needle}`);
          text += decoder.decode(value);
        }
      };
      await readUntil('"done":0');
      await readUntil(": heartbeat\n\n");
      const event = { runId: run.id, tenantId: owner.tenantId } as const;
      await writeWithRunEvent(
        apiWriter,
        { ...event, change: "progress" },
        apiWriter.syncRun.update({ where: { id: run.id }, data: { progressDone: 2 } }),
      );
      await readUntil('"done":2');
      await writeWithRunEvent(
        apiWriter,
        { ...event, change: "status" },
        apiWriter.syncRun.update({ where: { id: run.id }, data: { status: "succeeded", progressDone: 3 } }),
      );
      await readUntil("event: end");
      await readUntil("\n\n");
      const blocks = text.trim().split("\n\n");
      expect(blocks.filter((block) => block === ": heartbeat").length).toBeGreaterThanOrEqual(1);
      const events = blocks
        .filter((block) => !block.startsWith(":"))
        .map((block) => {
          const [eventLine, dataLine] = block.split("\n");
          const view = JSON.parse(dataLine?.slice("data: ".length) ?? "{}");
          return `${eventLine?.slice("event: ".length)}:${view.status}:${view.progress.done}`;
        });
      expect(events).toEqual(["progress:running:0", "progress:running:2", "progress:succeeded:3", "end:succeeded:3"]);
      expect((await reader.read()).done).toBe(true);
    } finally {
      await apiWriter.$disconnect();
      await api.close();
    }
  });
});
