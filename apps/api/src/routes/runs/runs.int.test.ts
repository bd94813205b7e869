import type { AddressInfo } from "node:net";
import { SYNC_QUEUE } from "@techsync/jobs";
import { Worker } from "bullmq";
import { type ApiHarness, startApiHarness } from "../../../test/api-harness";

let api: ApiHarness;
beforeAll(async () => {
  api = await startApiHarness({ runEventsPollMs: 30 });
});
afterAll(() => api.close());

describe("starting runs", () => {
  test("a run is created queued, enqueued under its id, and counted", async () => {
    const owner = await api.ownerWithTenant();
    const res = await api.call(owner.token, {
      method: "POST",
      url: `/v1/tenants/${owner.tenantId}/runs`,
      payload: { dryRun: true },
    });
    expect(res.statusCode).toBe(202);
    const { run, deduplicated } = res.json();
    expect(deduplicated).toBe(false);
    expect(run).toMatchObject({
      status: "queued",
      dryRun: true,
      trigger: "portal",
      requestedBy: `portal_user:${owner.userId}`,
    });
    const job = await api.syncQueue.getJob(run.id);
    expect(job?.data).toEqual({ tenantId: owner.tenantId, runId: run.id });
    const metrics = await api.app.inject({ method: "GET", url: "/metrics" });
    expect(metrics.body).toMatch(/techsync_api_runs_started_total\{trigger="portal",dry_run="true"\} 1/);
  });

  test("two simultaneous 'sync now' give one run; the second caller gets the first one's run", async () => {
    const owner = await api.ownerWithTenant("Contoso", { activated: true });
    const start = () =>
      api.call(owner.token, { method: "POST", url: `/v1/tenants/${owner.tenantId}/runs`, payload: { dryRun: false } });
    const [a, b, c] = await Promise.all([start(), start(), start()]);
    const replies = [a, b, c].map((r) => r.json());
    expect(new Set(replies.map((r) => r.run.id)).size).toBe(1);
    expect(replies.filter((r) => r.deduplicated)).toHaveLength(2);
    expect(await api.prisma.syncRun.count({ where: { tenantId: owner.tenantId } })).toBe(1);

    // Once it has finished, the next request starts a new run.
    await api.prisma.syncRun.update({ where: { id: replies[0].run.id }, data: { status: "succeeded" } });
    await api.syncQueue.remove(replies[0].run.id);
    const next = (await start()).json();
    expect(next.deduplicated).toBe(false);
    expect(next.run.id).not.toBe(replies[0].run.id);
  });

  test("an API key needs the run scope and its runs say so; viewers cannot start runs", async () => {
    const owner = await api.ownerWithTenant();
    const url = `/v1/tenants/${owner.tenantId}/runs`;
    const { key } = (
      await api.call(owner.token, {
        method: "POST",
        url: `/v1/tenants/${owner.tenantId}/api-keys`,
        payload: { name: "scheduler", scopes: ["run"] },
      })
    ).json();
    const viaKey = await api.call(key, { method: "POST", url, payload: { dryRun: true } });
    expect(viaKey.statusCode).toBe(202);
    expect(viaKey.json().run.trigger).toBe("api");
    const viewer = await api.memberOf(owner.tenantId, "viewer");
    expect((await api.call(viewer.token, { method: "POST", url, payload: { dryRun: true } })).statusCode).toBe(403);
  });
});

describe("reading runs", () => {
  let owner: { tenantId: string; token: string };
  let base: string;
  let runIds: string[];
  beforeAll(async () => {
    owner = await api.ownerWithTenant();
    base = `/v1/tenants/${owner.tenantId}`;
    runIds = [];
    for (let i = 0; i < 7; i++) {
      const run = await api.prisma.syncRun.create({
        data: {
          tenantId: owner.tenantId,
          trigger: "schedule",
          dryRun: false,
          status: i % 2 === 0 ? "succeeded" : "failed",
          queuedAt: new Date(Date.UTC(2026, 10, 20, 10, i)),
          progressDone: i,
          progressTotal: 10,
          counts: { create: i },
        },
      });
      runIds.unshift(run.id);
    }
    const run = runIds[0] as string;
    await api.prisma.syncAction.createMany({
      data: Array.from({ length: 25 }, (_, seq) => ({
        runId: run,
        tenantId: owner.tenantId,
        seq,
        kind: seq % 5 === 0 ? ("disable" as const) : ("create" as const),
        status: seq % 7 === 0 ? ("failed" as const) : ("succeeded" as const),
        displayName: `Tech ${seq}`,
        email: seq === 13 ? "Lucky.Thirteen@Contoso.test" : `tech${seq}@contoso.test`,
        reason: "in scope of Helpdesk",
        changes: seq % 5 === 1 ? [{ field: "name", before: "a", after: "b" }] : undefined,
        // Seq 13 as the worker records it now (its Rescue group and cause); the rest as older runs did.
        ...(seq === 13
          ? {
              rescueGroupId: 7,
              rescueGroupName: "Support",
              cause: { code: "in-scope", sentence: 'New technician in Rescue group "Support" (7)' },
            }
          : {}),
      })),
    });
    await api.prisma.logEntry.createMany({
      data: [
        { tenantId: owner.tenantId, runId: run, level: "info", message: "run started" },
        { tenantId: owner.tenantId, runId: run, level: "warn", message: "a long name was cut", context: { seq: 3 } },
        { tenantId: owner.tenantId, runId: run, level: "error", message: "Rescue refused one create" },
        { tenantId: owner.tenantId, runId: runIds[1] as string, level: "info", message: "older run" },
      ],
    });
  });

  test("runs come newest first, paged by cursor and filtered by status", async () => {
    const first = (await api.call(owner.token, { method: "GET", url: `${base}/runs?limit=3` })).json();
    expect(first.runs.map((r: { id: string }) => r.id)).toEqual(runIds.slice(0, 3));
    // The row was stored in the old flat shape ({ create: 6 }): the API answers it in the contract's one shape.
    expect(first.runs[0]).toMatchObject({ progress: { done: 6, total: 10 }, counts: { create: { succeeded: 6 } } });
    const second = (
      await api.call(owner.token, { method: "GET", url: `${base}/runs?limit=3&cursor=${first.nextCursor}` })
    ).json();
    expect(second.runs.map((r: { id: string }) => r.id)).toEqual(runIds.slice(3, 6));
    const last = (
      await api.call(owner.token, { method: "GET", url: `${base}/runs?limit=3&cursor=${second.nextCursor}` })
    ).json();
    expect(last.runs).toHaveLength(1);
    expect(last.nextCursor).toBeUndefined();

    const failed = (await api.call(owner.token, { method: "GET", url: `${base}/runs?status=failed` })).json();
    expect(failed.runs.map((r: { status: string }) => r.status)).toEqual(["failed", "failed", "failed"]);

    const other = await api.ownerWithTenant();
    const foreignCursor = await api.call(other.token, {
      method: "GET",
      url: `/v1/tenants/${other.tenantId}/runs?cursor=${runIds[0]}`,
    });
    expect(foreignCursor.statusCode).toBe(400);
    expect(foreignCursor.json().message).toContain("cursor");
  });

  test("one run, with its timings and progress", async () => {
    const res = await api.call(owner.token, { method: "GET", url: `${base}/runs/${runIds[0]}` });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ id: runIds[0], status: "succeeded", queuedAt: "2026-11-20T10:06:00.000Z" });
  });

  test("actions are filtered by kind, outcome and a name/email search, and paged by seq", async () => {
    const url = `${base}/runs/${runIds[0]}/actions`;
    const disables = (await api.call(owner.token, { method: "GET", url: `${url}?kind=disable` })).json();
    expect(disables.actions.map((a: { seq: number }) => a.seq)).toEqual([0, 5, 10, 15, 20]);
    const failedCreates = (
      await api.call(owner.token, { method: "GET", url: `${url}?kind=create&status=failed` })
    ).json();
    expect(failedCreates.actions.map((a: { seq: number }) => a.seq)).toEqual([7, 14, 21]);
    const lucky = (await api.call(owner.token, { method: "GET", url: `${url}?q=lucky.thirteen` })).json();
    expect(lucky.actions).toHaveLength(1);
    expect(lucky.actions[0]).toMatchObject({
      seq: 13,
      email: "Lucky.Thirteen@Contoso.test",
      reason: "in scope of Helpdesk",
      rescueGroupId: 7,
      rescueGroupName: "Support",
      cause: { code: "in-scope", sentence: 'New technician in Rescue group "Support" (7)' },
    });
    const byName = (await api.call(owner.token, { method: "GET", url: `${url}?q=TECH 2` })).json();
    expect(byName.actions.map((a: { seq: number }) => a.seq)).toEqual([2, 20, 21, 22, 23, 24]);

    for (const wildcard of ["%25", "_", "%5C"]) {
      const literal = (await api.call(owner.token, { method: "GET", url: `${url}?q=${wildcard}` })).json();
      expect({ wildcard, found: literal.actions.length }).toEqual({ wildcard, found: 0 });
    }

    const page1 = (await api.call(owner.token, { method: "GET", url: `${url}?limit=10` })).json();
    const page2 = (
      await api.call(owner.token, { method: "GET", url: `${url}?limit=10&cursor=${page1.nextCursor}` })
    ).json();
    const page3 = (
      await api.call(owner.token, { method: "GET", url: `${url}?limit=10&cursor=${page2.nextCursor}` })
    ).json();
    expect([...page1.actions, ...page2.actions, ...page3.actions].map((a: { seq: number }) => a.seq)).toEqual(
      Array.from({ length: 25 }, (_, i) => i),
    );
    expect(page3.nextCursor).toBeUndefined();
    expect(page1.actions[1].changes).toEqual([{ field: "name", before: "a", after: "b" }]);
    // An action of an older run has neither: it still answers, with nulls.
    expect(page1.actions[1]).toMatchObject({ rescueGroupName: null, cause: null });
  });

  test("a run's log, and the tenant's sync log filtered by level floor and run, also as NDJSON", async () => {
    const log = (await api.call(owner.token, { method: "GET", url: `${base}/runs/${runIds[0]}/log` })).json();
    expect(log.entries.map((e: { message: string }) => e.message)).toEqual([
      "run started",
      "a long name was cut",
      "Rescue refused one create",
    ]);
    const warnings = (await api.call(owner.token, { method: "GET", url: `${base}/logs?level=warn` })).json();
    expect(warnings.entries.map((e: { level: string }) => e.level)).toEqual(["error", "warn"]);
    const ofRun = (await api.call(owner.token, { method: "GET", url: `${base}/logs?runId=${runIds[1]}` })).json();
    expect(ofRun.entries.map((e: { message: string }) => e.message)).toEqual(["older run"]);
    const paged = (await api.call(owner.token, { method: "GET", url: `${base}/logs?limit=2` })).json();
    const rest = (
      await api.call(owner.token, { method: "GET", url: `${base}/logs?limit=2&cursor=${paged.nextCursor}` })
    ).json();
    expect([...paged.entries, ...rest.entries]).toHaveLength(4);

    const file = await api.call(owner.token, { method: "GET", url: `${base}/logs/download?level=info` });
    expect(file.statusCode).toBe(200);
    expect(file.headers["content-type"]).toContain("application/x-ndjson");
    expect(file.headers["content-disposition"]).toContain("attachment");
    const lines = file.body
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(lines.map((l) => l.message)).toEqual([
      "run started",
      "a long name was cut",
      "Rescue refused one create",
      "older run",
    ]);
  });

  test("the linked technicians, searchable and paged", async () => {
    await api.prisma.link.createMany({
      data: ["Ann", "Bob", "Cat"].map((name, i) => ({
        tenantId: owner.tenantId,
        entraUserId: `user-${i}`,
        rescueNodeId: 100 + i,
        name,
        nick: name,
        email: `${name.toLowerCase()}@contoso.test`,
        ssoId: name,
        lastOutcome: "created",
        lastRunId: runIds[0],
      })),
    });
    const url = `${base}/technicians`;
    const page1 = (await api.call(owner.token, { method: "GET", url: `${url}?limit=2` })).json();
    expect(page1.technicians.map((t: { name: string }) => t.name)).toEqual(["Ann", "Bob"]);
    expect(page1.technicians[0]).toMatchObject({ entraUserId: "user-0", rescueNodeId: 100, lastOutcome: "created" });
    const page2 = (
      await api.call(owner.token, { method: "GET", url: `${url}?limit=2&cursor=${page1.nextCursor}` })
    ).json();
    expect(page2.technicians.map((t: { name: string }) => t.name)).toEqual(["Cat"]);
    const found = (await api.call(owner.token, { method: "GET", url: `${url}?q=BOB@` })).json();
    expect(found.technicians.map((t: { name: string }) => t.name)).toEqual(["Bob"]);
  });
});

describe("blocked runs", () => {
  /** Moves the run's job to BullMQ's completed set, where the worker leaves it after blocking the run. */
  async function completeJobOf(runId: string): Promise<void> {
    const job = await api.syncQueue.getJob(runId);
    if (!job) throw new Error("the run has no job");
    const worker = new Worker(SYNC_QUEUE, null, {
      connection: api.syncQueue.opts.connection,
      prefix: api.syncQueue.opts.prefix,
    });
    try {
      // Earlier tests of this file left jobs waiting too: take them in order until this run's.
      for (let taken = await worker.getNextJob("test-token"); taken; taken = await worker.getNextJob("test-token")) {
        await taken.moveToCompleted("done", "test-token", false);
        if (taken.id === runId) break;
      }
    } finally {
      await worker.close();
    }
    expect(await api.syncQueue.getJobState(runId)).toBe("completed");
  }

  async function blockedRun() {
    const owner = await api.ownerWithTenant("Contoso", { activated: true });
    const started = (
      await api.call(owner.token, {
        method: "POST",
        url: `/v1/tenants/${owner.tenantId}/runs`,
        payload: { dryRun: false },
      })
    ).json();
    // What the worker does when the safety threshold stops a run (rule 11): the run is blocked, its job done.
    await api.prisma.syncRun.update({
      where: { id: started.run.id },
      data: { status: "blocked", finishedAt: new Date() },
    });
    await completeJobOf(started.run.id);
    return { owner, runId: started.run.id as string, base: `/v1/tenants/${owner.tenantId}/runs/${started.run.id}` };
  }

  test("approve queues the same run again, once, and names who approved", async () => {
    const { owner, runId, base } = await blockedRun();
    const res = await api.call(owner.token, { method: "POST", url: `${base}/approve` });
    expect(res.statusCode).toBe(202);
    expect(res.json()).toMatchObject({ id: runId, status: "queued", approvedBy: `portal_user:${owner.userId}` });
    const waiting = (await api.syncQueue.getWaiting()).filter((job) => job.data.runId === runId);
    expect(waiting.map((job) => job.data)).toEqual([{ tenantId: owner.tenantId, runId }]);
    const again = await api.call(owner.token, { method: "POST", url: `${base}/approve` });
    expect(again.statusCode).toBe(409);
    expect(again.json().message).toContain("only a blocked run");
  });

  test("dismiss cancels a blocked run; viewers can do neither", async () => {
    const { owner, base } = await blockedRun();
    const viewer = await api.memberOf(owner.tenantId, "viewer");
    expect((await api.call(viewer.token, { method: "POST", url: `${base}/approve` })).statusCode).toBe(403);
    expect((await api.call(viewer.token, { method: "POST", url: `${base}/dismiss` })).statusCode).toBe(403);
    // The portal posts an empty JSON object to action routes that take no body.
    const res = await api.call(owner.token, { method: "POST", url: `${base}/dismiss`, payload: {} });
    expect(res.statusCode).toBe(200);
    expect(res.json().status).toBe("cancelled");
    const audit = (
      await api.call(owner.token, { method: "GET", url: `/v1/tenants/${owner.tenantId}/audit-events?limit=1` })
    ).json();
    expect(audit.events[0].action).toBe("run.dismissed");
  });
});

describe("live progress", () => {
  test("Server-Sent Events push each change of the run and end when it settles", async () => {
    const owner = await api.ownerWithTenant();
    const run = await api.prisma.syncRun.create({
      data: { tenantId: owner.tenantId, trigger: "portal", dryRun: false, status: "running", progressTotal: 3 },
    });
    await api.app.listen({ port: 0, host: "127.0.0.1" });
    const { port } = api.app.server.address() as AddressInfo;
    const response = await fetch(`http://127.0.0.1:${port}/v1/tenants/${owner.tenantId}/runs/${run.id}/events`, {
      headers: { authorization: `Bearer ${owner.token}` },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("text/event-stream");
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let text = "";
    const readUntil = async (needle: string) => {
      while (!text.includes(needle)) {
        const { value, done } = await reader.read();
        if (done) break;
        text += decoder.decode(value);
      }
    };
    await readUntil('"done":0');
    await api.prisma.syncRun.update({ where: { id: run.id }, data: { progressDone: 2, phase: "applying" } });
    await readUntil('"done":2');
    await api.prisma.syncRun.update({
      where: { id: run.id },
      data: { status: "succeeded", progressDone: 3, finishedAt: new Date() },
    });
    await readUntil("event: end");
    await readUntil("\n\n");
    const events = text
      .trim()
      .split("\n\n")
      .map((block) => {
        const [eventLine, dataLine] = block.split("\n");
        return { event: eventLine?.slice("event: ".length), run: JSON.parse(dataLine?.slice("data: ".length) ?? "{}") };
      });
    expect(events.map((e) => `${e.event}:${e.run.status}:${e.run.progress.done}`)).toEqual([
      "progress:running:0",
      "progress:running:2",
      "progress:succeeded:3",
      "end:succeeded:3",
    ]);
    expect((await reader.read()).done).toBe(true);
  });

  test("shutting the server down ends open streams rather than waiting for the run", async () => {
    const own = await startApiHarness({ runEventsPollMs: 30 });
    try {
      const owner = await own.ownerWithTenant();
      const run = await own.prisma.syncRun.create({
        data: { tenantId: owner.tenantId, trigger: "portal", dryRun: false, status: "running" },
      });
      await own.app.listen({ port: 0, host: "127.0.0.1" });
      const { port } = own.app.server.address() as AddressInfo;
      const response = await fetch(`http://127.0.0.1:${port}/v1/tenants/${owner.tenantId}/runs/${run.id}/events`, {
        headers: { authorization: `Bearer ${owner.token}` },
      });
      const reader = response.body!.getReader();
      await reader.read();
      const started = Date.now();
      await own.app.close();
      expect(Date.now() - started).toBeLessThan(2000);
      for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
        // drain what was sent before the end
      }
    } finally {
      await own.close();
    }
  });

  test("a run of another tenant is a 404 before any stream starts", async () => {
    const owner = await api.ownerWithTenant();
    const other = await api.ownerWithTenant();
    const run = await api.prisma.syncRun.create({
      data: { tenantId: other.tenantId, trigger: "portal", dryRun: false, status: "running" },
    });
    const res = await api.call(owner.token, {
      method: "GET",
      url: `/v1/tenants/${owner.tenantId}/runs/${run.id}/events`,
    });
    expect(res.statusCode).toBe(404);
  });
});

describe("cancelling a run and running one again", () => {
  type Status = "queued" | "running" | "succeeded" | "partial" | "failed" | "blocked" | "cancelled" | "interrupted";

  /** A run as the worker would have left it: `leaseMs` > 0 is a worker executing it, < 0 one that stopped. */
  async function runOf(tenantId: string, status: Status, options: { dryRun?: boolean; leaseMs?: number } = {}) {
    const executing = options.leaseMs !== undefined;
    return api.prisma.syncRun.create({
      data: {
        tenantId,
        trigger: "schedule",
        dryRun: options.dryRun ?? false,
        status,
        ...(executing
          ? { leaseOwner: "worker-1/claim", leaseExpiresAt: new Date(Date.now() + (options.leaseMs ?? 0)) }
          : {}),
        ...(status === "queued" || status === "running" ? {} : { finishedAt: new Date() }),
      },
    });
  }
  const post = (token: string, url: string) => api.call(token, { method: "POST", url, payload: {} });
  const lastAudit = async (owner: { tenantId: string; token: string }) =>
    (await api.call(owner.token, { method: "GET", url: `/v1/tenants/${owner.tenantId}/audit-events?limit=1` })).json()
      .events[0];

  test("a queued run is cancelled at once (200), and says who asked and when", async () => {
    const owner = await api.ownerWithTenant();
    const run = await runOf(owner.tenantId, "queued");
    const res = await post(owner.token, `/v1/tenants/${owner.tenantId}/runs/${run.id}/cancel`);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ id: run.id, status: "cancelled", cancelRequestedAt: expect.any(String) });
    expect(res.json().finishedAt).not.toBeNull();
    const row = await api.prisma.syncRun.findUniqueOrThrow({ where: { id: run.id } });
    expect(row).toMatchObject({ status: "cancelled", cancelRequestedBy: `portal_user:${owner.userId}` });
    expect(await lastAudit(owner)).toMatchObject({ action: "run.cancelled", target: `run:${run.id}` });
  });

  test("a running run is asked to stop (202): still running, 'cancelling' in every view until its worker ends it", async () => {
    const owner = await api.ownerWithTenant();
    const run = await runOf(owner.tenantId, "running", { leaseMs: 60_000 });
    const url = `/v1/tenants/${owner.tenantId}/runs/${run.id}`;
    const res = await post(owner.token, `${url}/cancel`);
    expect(res.statusCode).toBe(202);
    const { cancelRequestedAt } = res.json();
    expect(res.json()).toMatchObject({ id: run.id, status: "running", finishedAt: null });
    expect(Number.isNaN(Date.parse(cancelRequestedAt))).toBe(false);
    // The worker still owns it: its lease is untouched, so it stops the run itself.
    expect(await api.prisma.syncRun.findUniqueOrThrow({ where: { id: run.id } })).toMatchObject({
      status: "running",
      leaseOwner: "worker-1/claim",
    });
    expect(await lastAudit(owner)).toMatchObject({ action: "run.cancel_requested", target: `run:${run.id}` });

    expect((await api.call(owner.token, { method: "GET", url })).json().cancelRequestedAt).toBe(cancelRequestedAt);
    const listed = (await api.call(owner.token, { method: "GET", url: `/v1/tenants/${owner.tenantId}/runs` })).json();
    expect(listed.runs[0]).toMatchObject({ id: run.id, cancelRequestedAt });

    // Asking again changes nothing: the first request stands.
    const again = await post(owner.token, `${url}/cancel`);
    expect(again.statusCode).toBe(202);
    expect(again.json().cancelRequestedAt).toBe(cancelRequestedAt);
  });

  test("a running run nobody executes any more (lease expired) is cancelled at once", async () => {
    const owner = await api.ownerWithTenant();
    const run = await runOf(owner.tenantId, "running", { leaseMs: -60_000 });
    const res = await post(owner.token, `/v1/tenants/${owner.tenantId}/runs/${run.id}/cancel`);
    expect(res.statusCode).toBe(200);
    expect(res.json().status).toBe("cancelled");
    expect(await api.prisma.syncRun.findUniqueOrThrow({ where: { id: run.id } })).toMatchObject({
      leaseOwner: null,
      leaseExpiresAt: null,
    });
  });

  test("a run that ended, or is blocked, cannot be cancelled (409, saying why); nothing changes", async () => {
    const owner = await api.ownerWithTenant();
    for (const status of ["succeeded", "partial", "failed", "cancelled", "interrupted"] as const) {
      const run = await runOf(owner.tenantId, status);
      const res = await post(owner.token, `/v1/tenants/${owner.tenantId}/runs/${run.id}/cancel`);
      expect({ status, code: res.statusCode, message: res.json().message }).toEqual({
        status,
        code: 409,
        message: `runId: the run already ended (${status}); only a queued or running run can be cancelled.`,
      });
      expect((await api.prisma.syncRun.findUniqueOrThrow({ where: { id: run.id } })).cancelRequestedAt).toBeNull();
    }
    const blocked = await runOf(owner.tenantId, "blocked");
    const res = await post(owner.token, `/v1/tenants/${owner.tenantId}/runs/${blocked.id}/cancel`);
    expect(res.statusCode).toBe(409);
    expect(res.json().message).toContain("dismiss it instead");
  });

  test("another tenant's run id is a 404 for cancel and retry, and that run is left as it was", async () => {
    const owner = await api.ownerWithTenant();
    const other = await api.ownerWithTenant();
    const theirs = await runOf(other.tenantId, "running", { leaseMs: 60_000 });
    const theirFailed = await runOf(other.tenantId, "failed");
    const cancel = await post(owner.token, `/v1/tenants/${owner.tenantId}/runs/${theirs.id}/cancel`);
    expect(cancel.statusCode).toBe(404);
    expect(cancel.json().message).toBe("The run was not found.");
    const retry = await post(owner.token, `/v1/tenants/${owner.tenantId}/runs/${theirFailed.id}/retry`);
    expect(retry.statusCode).toBe(404);
    expect(await api.prisma.syncRun.findUniqueOrThrow({ where: { id: theirs.id } })).toMatchObject({
      status: "running",
      cancelRequestedAt: null,
    });
    expect(await api.prisma.syncRun.count({ where: { tenantId: { in: [owner.tenantId, other.tenantId] } } })).toBe(2);
  });

  test("a viewer may neither cancel nor run again (403); a key with the run scope may", async () => {
    const owner = await api.ownerWithTenant();
    const viewer = await api.memberOf(owner.tenantId, "viewer");
    const running = await runOf(owner.tenantId, "queued");
    const failed = await runOf(owner.tenantId, "failed");
    const base = `/v1/tenants/${owner.tenantId}/runs`;
    expect((await post(viewer.token, `${base}/${running.id}/cancel`)).statusCode).toBe(403);
    expect((await post(viewer.token, `${base}/${failed.id}/retry`)).statusCode).toBe(403);
    expect((await api.prisma.syncRun.findUniqueOrThrow({ where: { id: running.id } })).status).toBe("queued");
    expect(await api.prisma.syncRun.count({ where: { tenantId: owner.tenantId } })).toBe(2);

    const key = async (scopes: string[]) =>
      (
        await api.call(owner.token, {
          method: "POST",
          url: `/v1/tenants/${owner.tenantId}/api-keys`,
          payload: { name: scopes.join("-"), scopes },
        })
      ).json().key as string;
    expect((await post(await key(["read"]), `${base}/${running.id}/cancel`)).statusCode).toBe(403);
    expect((await post(await key(["run"]), `${base}/${running.id}/cancel`)).statusCode).toBe(200);
  });

  test.each(["failed", "interrupted", "cancelled", "partial"] as const)(
    "run again after a run that ended %s: a new run, same dryRun, queued and enqueued, audited",
    async (status) => {
      const owner = await api.ownerWithTenant();
      const previous = await runOf(owner.tenantId, status, { dryRun: true });
      const res = await post(owner.token, `/v1/tenants/${owner.tenantId}/runs/${previous.id}/retry`);
      expect(res.statusCode).toBe(202);
      const { run, deduplicated } = res.json();
      expect(deduplicated).toBe(false);
      expect(run.id).not.toBe(previous.id);
      expect(run).toMatchObject({
        status: "queued",
        dryRun: true,
        trigger: "portal",
        requestedBy: `portal_user:${owner.userId}`,
      });
      expect((await api.syncQueue.getJob(run.id))?.data).toEqual({ tenantId: owner.tenantId, runId: run.id });
      // The run that ended stays as it ended.
      expect((await api.prisma.syncRun.findUniqueOrThrow({ where: { id: previous.id } })).status).toBe(status);
      expect(await lastAudit(owner)).toMatchObject({
        action: "run.retried",
        target: `run:${previous.id}`,
        details: { newRunId: run.id, dryRun: true },
      });
    },
  );

  test("running again while the tenant has a run queued or running answers that run (deduplicated), no second run", async () => {
    const owner = await api.ownerWithTenant("Contoso", { activated: true });
    const previous = await runOf(owner.tenantId, "failed");
    const active = await runOf(owner.tenantId, "running", { leaseMs: 60_000 });
    const res = await post(owner.token, `/v1/tenants/${owner.tenantId}/runs/${previous.id}/retry`);
    expect(res.statusCode).toBe(202);
    expect(res.json()).toMatchObject({ deduplicated: true, run: { id: active.id, status: "running" } });
    expect(await api.prisma.syncRun.count({ where: { tenantId: owner.tenantId } })).toBe(2);
    expect(await api.syncQueue.getJob(active.id)).toBeUndefined();
    expect((await lastAudit(owner))?.action).not.toBe("run.retried");
  });

  test("a run still queued, running or blocked, or one that succeeded, is not run again (409, saying why)", async () => {
    const owner = await api.ownerWithTenant();
    const expected: Record<string, string> = {
      queued: "runId: the run is still queued; it can be run again once it has ended.",
      running: "runId: the run is still running; it can be run again once it has ended.",
      blocked: "runId: a blocked run waits for approval; approve or dismiss it.",
      succeeded: "runId: the run succeeded; start a new run instead of running it again.",
    };
    for (const [status, message] of Object.entries(expected)) {
      const run = await runOf(owner.tenantId, status as Status);
      const res = await post(owner.token, `/v1/tenants/${owner.tenantId}/runs/${run.id}/retry`);
      expect({ status, code: res.statusCode, message: res.json().message }).toEqual({ status, code: 409, message });
    }
    expect(await api.prisma.syncRun.count({ where: { tenantId: owner.tenantId } })).toBe(4);
  });
});
