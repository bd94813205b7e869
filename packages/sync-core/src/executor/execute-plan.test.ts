import type { DirectoryUser, Link, RescueNode } from "../domain";
import type { Plan } from "../plan";
import { planRun } from "../planner/plan-run";
import { SyncPortError } from "../ports";
import {
  defaultFields,
  directorySnapshot,
  directoryUser,
  FakeClock,
  groupMapping,
  InMemoryRescueDirectory,
  RecordingRunRecorder,
  seededRandom,
  technicianNode,
} from "../testing";
import { backoffDelay, DEFAULT_RETRY_POLICY } from "./call-with-retry";
import { executePlan } from "./execute-plan";

const GROUP_A = 10;
const GROUP_B = 11;
const PASSWORD = "Default-Pa55word!";

async function world(
  users: DirectoryUser[],
  options: { nodes?: RescueNode[]; links?: Link[]; maxCreateBatch?: number; sessionExpiresAfterCalls?: number } = {},
) {
  const clock = new FakeClock();
  const rescue = InMemoryRescueDirectory.withTechnicianGroups([GROUP_A, GROUP_B], options.nodes ?? [], {
    clock,
    ...(options.maxCreateBatch ? { maxCreateBatch: options.maxCreateBatch } : {}),
    ...(options.sessionExpiresAfterCalls ? { sessionExpiresAfterCalls: options.sessionExpiresAfterCalls } : {}),
  });
  const recorder = new RecordingRunRecorder(options.links ?? []);
  const mappings = [groupMapping("m1", "g1", GROUP_A)];
  const makePlan = async (): Promise<Plan> =>
    planRun({
      mappings,
      directory: directorySnapshot({ m1: users }),
      tree: await rescue.getTree(),
      links: recorder.links(),
    });
  const plan = await makePlan();
  const execute = (p: Plan, extra: Partial<Parameters<typeof executePlan>[2]> = {}) =>
    executePlan(p, { rescue, recorder, clock }, { defaultPassword: PASSWORD, random: seededRandom(7), ...extra });
  return { clock, rescue, recorder, plan, makePlan, execute };
}

const users = (n: number, from = 0) => Array.from({ length: n }, (_, i) => directoryUser(`u${from + i}`));

describe("executePlan", () => {
  it("creates in bulk calls of at most maxCreateBatch and records each link with the fields written", async () => {
    const { rescue, recorder, plan, execute } = await world(users(7), { maxCreateBatch: 3 });
    const before = rescue.callCount();
    const report = await execute(plan);
    expect(rescue.callCount() - before).toBe(3);
    expect(report.calls.rescue).toBe(3);
    expect(report.status).toBe("succeeded");
    expect(report.counts.create).toEqual({ planned: 7, succeeded: 7, failed: 0, cancelled: 0, skipped: 0 });
    expect(rescue.technicians()).toHaveLength(7);
    const links = recorder.links();
    expect(links).toHaveLength(7);
    for (const link of links) {
      const node = rescue.node(link.rescueNodeId)!;
      expect(node.parentId).toBe(GROUP_A);
      expect(link.fields).toEqual({ name: node.name, nick: node.nick, email: node.email, ssoId: node.ssoId });
    }
  });

  it("records a created technician's link before its outcome (rule 12: a crash in between adopts, not duplicates)", async () => {
    const { recorder, plan, execute } = await world(users(2));
    const order: string[] = [];
    const recordLinks = recorder.recordLinks.bind(recorder);
    const recordOutcomes = recorder.recordOutcomes.bind(recorder);
    recorder.recordLinks = async (links) => {
      order.push("links");
      await recordLinks(links);
    };
    recorder.recordOutcomes = async (outcomes) => {
      order.push("outcomes");
      await recordOutcomes(outcomes);
    };
    await execute(plan);
    expect(order).toEqual(["links", "outcomes"]);
  });

  it("rule 16: an update that may only fill an empty SSO id keeps the one Rescue has, and the link remembers it", async () => {
    const user = directoryUser("u0");
    const nodes = [technicianNode(100, GROUP_A, { name: "old", email: user.mail! }, { ssoId: "idp-subject-1" })];
    const { rescue, recorder, execute } = await world([user], {
      nodes,
      links: [{ entraUserId: "u0", rescueNodeId: 100 }],
    });
    // The tree the planner reads has no SSO id (as getHierarchy_v2): the write must check it.
    const plan = planRun({
      mappings: [groupMapping("m1", "g1", GROUP_A)],
      directory: directorySnapshot({ m1: [user] }),
      tree: (await rescue.getTree()).map(({ ssoId: _hidden, nick: _nick, ...node }) => node),
      links: recorder.links(),
    });
    const update = plan.actions.find((a) => a.kind === "update");
    expect(update).toMatchObject({ keepSsoIdIfSet: true, fields: { ssoId: user.userPrincipalName } });
    const report = await execute(plan);
    expect(report.status).toBe("succeeded");
    expect(rescue.technicians()[0]).toMatchObject({ name: user.displayName, ssoId: "idp-subject-1" });
    expect(recorder.links()[0]?.fields).toMatchObject({ name: user.displayName, ssoId: "idp-subject-1" });
  });

  it("an undocumented refusal is recorded with holdUntilInputChanges, so the worker can hold it", async () => {
    const { rescue, recorder, plan, execute } = await world(users(1));
    rescue.failNext(new SyncPortError("Rescue answered NEWCODE", { code: "NEWCODE", holdUntilInputChanges: true }));
    const report = await execute(plan);
    expect(report.status).toBe("completed-with-failures");
    expect(recorder.outcomes).toContainEqual(
      expect.objectContaining({
        status: "failed",
        attempts: 1,
        error: expect.objectContaining({ code: "NEWCODE", holdUntilInputChanges: true }),
      }),
    );
  });

  it("runs updates and status changes with bounded concurrency", async () => {
    const nodes = users(12).map((u, i) =>
      technicianNode(100 + i, GROUP_A, { name: "old", email: u.mail! }, { status: "disabled" }),
    );
    const links = nodes.map((node, i) => ({ entraUserId: `u${i}`, rescueNodeId: node.id }));
    const { rescue, plan, execute } = await world(users(12), { nodes, links });
    let inFlight = 0;
    let most = 0;
    const update = rescue.updateTechnician.bind(rescue);
    rescue.updateTechnician = async (nodeId, fields) => {
      inFlight += 1;
      most = Math.max(most, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 2));
      inFlight -= 1;
      return update(nodeId, fields);
    };
    const report = await execute(plan, { concurrency: 3 });
    expect(most).toBe(3);
    expect(report.counts.update.succeeded).toBe(12);
    expect(report.counts.enable.succeeded).toBe(12);
    expect(rescue.technicians().every((t) => t.status === "enabled")).toBe(true);
  });

  it("retries transient errors with exponential backoff and jitter, honouring Retry-After", async () => {
    const { clock, rescue, recorder, plan, execute } = await world(users(1));
    rescue.failNext(
      new SyncPortError("busy", { code: "ERROR", retryable: true }),
      new SyncPortError("throttled", { code: "ERROR", retryable: true, retryAfterMs: 5000 }),
    );
    const report = await execute(plan, { retry: { baseDelayMs: 100, maxDelayMs: 10_000 } });
    expect(report.status).toBe("succeeded");
    expect(clock.sleeps).toHaveLength(2);
    expect(clock.sleeps[0]).toBeGreaterThanOrEqual(50);
    expect(clock.sleeps[0]).toBeLessThanOrEqual(100);
    expect(clock.sleeps[1]).toBe(5000);
    expect(rescue.technicians()).toHaveLength(1);
    expect(recorder.outcomes).toEqual([expect.objectContaining({ actionId: "create:u0", attempts: 3 })]);
    // the report times the run on the run's clock, waits included
    expect(report.durationMs).toBe(clock.sleeps[0]! + 5000);
  });

  it("draws the backoff's jitter from the run's random source", async () => {
    const { clock, rescue, plan, execute } = await world(users(1));
    rescue.failNext(new SyncPortError("busy", { code: "ERROR", retryable: true }));
    await execute(plan, { retry: { baseDelayMs: 100 }, random: () => 0 });
    expect(clock.sleeps).toEqual([50]);
  });

  it("gives up after maxAttempts and fails only that action", async () => {
    const nodes = [technicianNode(100, GROUP_A, { name: "old", email: "u0@example.com" })];
    const { rescue, recorder, plan, execute } = await world(users(2), {
      nodes,
      links: [{ entraUserId: "u0", rescueNodeId: 100 }],
    });
    const transient = () => new SyncPortError("busy", { code: "ERROR", retryable: true });
    rescue.failNext(transient(), transient(), transient());
    const report = await execute(plan, { retry: { maxAttempts: 3 } });
    expect(report.status).toBe("completed-with-failures");
    expect(report.failures).toEqual([expect.objectContaining({ actionId: "update:u0", code: "ERROR" })]);
    expect(recorder.outcomes.find((o) => o.actionId === "update:u0")).toMatchObject({ status: "failed", attempts: 3 });
    expect(report.counts.create.succeeded).toBe(1);
  });

  it("renews an expired session once and repeats the call; concurrent expiries share one renewal", async () => {
    const nodes = users(6).map((u, i) => technicianNode(100 + i, GROUP_A, { name: "old", email: u.mail! }));
    const links = nodes.map((node, i) => ({ entraUserId: `u${i}`, rescueNodeId: node.id }));
    const { rescue, plan, execute } = await world(users(6), { nodes, links });
    let renewals = 0;
    const renew = rescue.renewSession.bind(rescue);
    rescue.renewSession = async () => {
      renewals += 1;
      await renew();
    };
    const expired = () => new SyncPortError("expired", { code: "NOTLOGGEDIN", sessionExpired: true });
    rescue.failNext(expired(), expired(), expired());
    const report = await execute(plan, { concurrency: 3 });
    expect(report.status).toBe("succeeded");
    expect(renewals).toBe(1);
    expect(report.counts.update.succeeded).toBe(6);
  });

  it("fails the action when the session expires again right after renewal", async () => {
    const { rescue, plan, execute } = await world(users(1));
    const expired = () => new SyncPortError("expired", { code: "NOTLOGGEDIN", sessionExpired: true });
    rescue.failNext(expired(), expired());
    const report = await execute(plan);
    expect(report.failures).toEqual([expect.objectContaining({ code: "NOTLOGGEDIN" })]);
  });

  it("survives a session that expires every few calls over a long run", async () => {
    const nodes = users(20).map((u, i) => technicianNode(100 + i, GROUP_A, { name: "old", email: u.mail! }));
    const links = nodes.map((node, i) => ({ entraUserId: `u${i}`, rescueNodeId: node.id }));
    const { rescue, plan, execute } = await world(users(25), { nodes, links, sessionExpiresAfterCalls: 4 });
    const report = await execute(plan, { concurrency: 2 });
    expect(report.status).toBe("succeeded");
    expect(rescue.technicians().filter((t) => t.name === "old")).toEqual([]);
    expect(rescue.technicians()).toHaveLength(25);
  });

  it("batches outcomes for the recorder and reports progress", async () => {
    const { recorder, plan, execute } = await world(users(25), { maxCreateBatch: 10 });
    await execute(plan, { outcomeBatchSize: 10 });
    expect(recorder.outcomeBatches.reduce((a, b) => a + b, 0)).toBe(25);
    expect(Math.max(...recorder.outcomeBatches)).toBeLessThanOrEqual(10);
    expect(recorder.progressEvents.at(-1)).toEqual({ phase: "apply", done: 25, total: 25 });
  });

  it("tries a technician whose create failed transiently again, and keeps a final refusal final", async () => {
    const { rescue, recorder, plan, execute } = await world(users(3));
    const create = rescue.createTechnicians.bind(rescue);
    const sent: string[][] = [];
    let transientLeft = 2;
    rescue.createTechnicians = async (requests) => {
      sent.push(requests.map((r) => r.ref));
      const results = await create(requests.filter((r) => r.ref !== "u0" || transientLeft === 0));
      const refusals = requests
        .filter((r) => r.ref === "u1")
        .map((r) => ({ ref: r.ref, ok: false as const, error: new SyncPortError("taken", { code: "TAKEN" }) }));
      if (requests.some((r) => r.ref === "u0") && transientLeft > 0) {
        transientLeft -= 1;
        results.push({ ref: "u0", ok: false, error: new SyncPortError("busy", { code: "ERROR", retryable: true }) });
      }
      return [...results.filter((r) => r.ref !== "u1"), ...refusals];
    };
    const report = await execute(plan);
    expect(sent).toEqual([["u0", "u1", "u2"], ["u0"], ["u0"]]);
    expect(report.counts.create).toEqual({ planned: 3, succeeded: 2, failed: 1, cancelled: 0, skipped: 0 });
    expect(recorder.outcomes.find((o) => o.entraUserId === "u1")).toMatchObject({
      status: "failed",
      error: { code: "TAKEN" },
    });
  });

  it("a create that stays transiently failed is reported failed, retryable, after the policy's tries", async () => {
    const { rescue, plan, execute } = await world(users(1));
    let calls = 0;
    rescue.createTechnicians = async (requests) => {
      calls += 1;
      return requests.map((r) => ({
        ref: r.ref,
        ok: false as const,
        error: new SyncPortError("busy", { code: "ERROR", retryable: true }),
      }));
    };
    const report = await execute(plan, { retry: { maxAttempts: 3 } });
    expect(calls).toBe(3);
    expect(report.counts.create.failed).toBe(1);
    expect(report.failures).toEqual([
      expect.objectContaining({ actionId: "create:u0", code: "ERROR", retryable: true }),
    ]);
  });

  it("stops at a batch boundary when aborted, recording what did not start as cancelled", async () => {
    const { rescue, recorder, plan, execute } = await world(users(6), { maxCreateBatch: 2 });
    const controller = new AbortController();
    const create = rescue.createTechnicians.bind(rescue);
    rescue.createTechnicians = async (requests) => {
      controller.abort();
      return create(requests);
    };
    const report = await execute(plan, { signal: controller.signal });
    expect(report.status).toBe("cancelled");
    expect(report.counts.create).toEqual({ planned: 6, succeeded: 2, failed: 0, cancelled: 4, skipped: 0 });
    expect(rescue.technicians()).toHaveLength(2);
    expect(recorder.outcomes.filter((o) => o.status === "cancelled")).toHaveLength(4);
  });

  it("stops the run when the recorder fails, since it cannot go on without a trace: nothing more is written", async () => {
    const { rescue, recorder, plan, execute } = await world(users(3), { maxCreateBatch: 1 });
    recorder.recordLinks = async () => {
      throw new Error("database down");
    };
    await expect(execute(plan)).rejects.toThrow("database down");
    expect(rescue.technicians()).toHaveLength(1);
  });

  it("stops updates and status changes too when the recorder fails, and applies no later phase", async () => {
    const nodes = users(4).map((u, i) => technicianNode(100 + i, GROUP_A, { name: "old", email: u.mail! }));
    const links = nodes.map((node, i) => ({ entraUserId: `u${i}`, rescueNodeId: node.id }));
    const { rescue, recorder, plan, execute } = await world(users(5), { nodes, links });
    expect(plan.counts).toMatchObject({ update: 4, create: 1 });
    let failures = 1;
    const recordOutcomes = recorder.recordOutcomes.bind(recorder);
    recorder.recordOutcomes = async (outcomes) => {
      if (failures-- > 0) throw new Error("database down");
      await recordOutcomes(outcomes);
    };
    await expect(execute(plan, { concurrency: 1, outcomeBatchSize: 1 })).rejects.toThrow("database down");
    expect(rescue.technicians().filter((t) => t.name !== "old")).toHaveLength(1);
    expect(rescue.technicians()).toHaveLength(4);
  });

  it("runs at most createConcurrency bulk creates at once", async () => {
    const { rescue, plan, execute } = await world(users(8), { maxCreateBatch: 2 });
    let inFlight = 0;
    let most = 0;
    const create = rescue.createTechnicians.bind(rescue);
    rescue.createTechnicians = async (requests) => {
      inFlight += 1;
      most = Math.max(most, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 2));
      inFlight -= 1;
      return create(requests);
    };
    const report = await execute(plan, { createConcurrency: 2 });
    expect(report.counts.create.succeeded).toBe(8);
    expect(most).toBe(2);
  });

  it("fails as NO_RESULT a technician Rescue's bulk reply says nothing about, and creates the rest", async () => {
    const { rescue, recorder, plan, execute } = await world(users(3));
    const create = rescue.createTechnicians.bind(rescue);
    rescue.createTechnicians = async (requests) => create(requests.filter((r) => r.ref !== "u1"));
    const report = await execute(plan);
    expect(report.counts.create).toMatchObject({ succeeded: 2, failed: 1 });
    expect(report.failures).toEqual([
      expect.objectContaining({
        actionId: "create:u1",
        code: "NO_RESULT",
        message: "Rescue returned no result for this technician",
      }),
    ]);
    expect(recorder.links().map((l) => l.entraUserId)).toEqual(["u0", "u2"]);
  });

  it("renews the session once for all creates that met it expired, and waits the longest Retry-After", async () => {
    const { clock, rescue, plan, execute } = await world(users(4));
    let renewals = 0;
    const renew = rescue.renewSession.bind(rescue);
    rescue.renewSession = async () => {
      renewals += 1;
      await renew();
    };
    const create = rescue.createTechnicians.bind(rescue);
    let round = 0;
    rescue.createTechnicians = async (requests) => {
      round += 1;
      if (round > 1) return create(requests);
      const expired = new SyncPortError("expired", { code: "NOTLOGGEDIN", sessionExpired: true });
      const busy = (retryAfterMs: number) =>
        new SyncPortError("busy", { code: "ERROR", retryable: true, retryAfterMs });
      return [
        { ref: "u0", ok: false, error: expired },
        { ref: "u1", ok: false, error: expired },
        { ref: "u2", ok: false, error: busy(3000) },
        ...(await create(requests.filter((r) => r.ref === "u3"))),
      ];
    };
    const report = await execute(plan, { retry: { baseDelayMs: 100 } });
    expect(report.counts.create.succeeded).toBe(4);
    expect(renewals).toBe(1);
    expect(clock.sleeps).toEqual([3000]);
  });

  it("renews again for a create that meets the session expired again in a later round", async () => {
    const { rescue, plan, execute } = await world(users(1));
    let renewals = 0;
    rescue.renewSession = async () => {
      renewals += 1;
    };
    const create = rescue.createTechnicians.bind(rescue);
    let expiries = 2;
    rescue.createTechnicians = async (requests) => {
      if (expiries-- > 0) {
        return requests.map((r) => ({
          ref: r.ref,
          ok: false as const,
          error: new SyncPortError("expired", { code: "NOTLOGGEDIN", sessionExpired: true }),
        }));
      }
      return create(requests);
    };
    const report = await execute(plan);
    expect(report.counts.create.succeeded).toBe(1);
    expect(renewals).toBe(2);
  });

  it("does not log in again for a create that failed only transiently", async () => {
    const { rescue, plan, execute } = await world(users(1));
    let renewals = 0;
    rescue.renewSession = async () => {
      renewals += 1;
    };
    const create = rescue.createTechnicians.bind(rescue);
    let transient = 1;
    rescue.createTechnicians = async (requests) =>
      transient-- > 0
        ? requests.map((r) => ({
            ref: r.ref,
            ok: false as const,
            error: new SyncPortError("busy", { code: "ERROR", retryable: true }),
          }))
        : create(requests);
    const report = await execute(plan);
    expect(report.counts.create.succeeded).toBe(1);
    expect(renewals).toBe(0);
  });

  it("when cancelled mid-way, fails the call in flight without waiting to retry it and cancels what did not start", async () => {
    const nodes = users(3).map((u, i) => technicianNode(100 + i, GROUP_A, { name: "old", email: u.mail! }));
    const links = nodes.map((node, i) => ({ entraUserId: `u${i}`, rescueNodeId: node.id }));
    const { clock, rescue, recorder, plan, execute } = await world(users(3), { nodes, links });
    const controller = new AbortController();
    rescue.updateTechnician = async () => {
      controller.abort();
      throw new SyncPortError("busy", { code: "ERROR", retryable: true, retryAfterMs: 1000 });
    };
    const report = await execute(plan, { concurrency: 1, signal: controller.signal });
    expect(report.status).toBe("cancelled");
    expect(report.counts.update).toEqual({ planned: 3, succeeded: 0, failed: 1, cancelled: 2, skipped: 0 });
    expect(clock.sleeps).toEqual([]);
    expect(recorder.outcomes.filter((o) => o.status === "cancelled")).toEqual([
      expect.objectContaining({ actionId: "update:u1", rescueNodeId: 101, attempts: 0 }),
      expect.objectContaining({ actionId: "update:u2", rescueNodeId: 102, attempts: 0 }),
    ]);
  });

  it("rule 3: adopting an identical technician records the link with its key data and writes nothing", async () => {
    const user = users(1)[0]!;
    const nodes = [
      technicianNode(100, GROUP_B, defaultFields(user), { nick: "Givenu0", ssoId: user.userPrincipalName }),
    ];
    const { rescue, recorder, execute } = await world([user], { nodes });
    // planned from the full tree (as an adapter that reads nick and SSO id with getUser)
    const plan = planRun({
      mappings: [groupMapping("m1", "g1", GROUP_A)],
      directory: directorySnapshot({ m1: [user] }),
      tree: rescue.allNodes(),
      links: [],
    });
    expect(plan.actions.map((a) => a.id)).toEqual(["adopt:u0"]);
    const writes = rescue.writeCount();
    const report = await execute(plan);
    expect(report.counts.adopt).toEqual({ planned: 1, succeeded: 1, failed: 0, cancelled: 0, skipped: 0 });
    expect(recorder.outcomes).toEqual([
      expect.objectContaining({ actionId: "adopt:u0", status: "succeeded", rescueNodeId: 100, attempts: 0 }),
    ]);
    expect(recorder.links()).toEqual([{ entraUserId: "u0", rescueNodeId: 100, fields: defaultFields(user) }]);
    expect(rescue.writeCount()).toBe(writes);
  });

  it("ends the sync log with the run's outcome: info when everything succeeded, warn when an action failed", async () => {
    const ok = await world(users(1));
    await ok.execute(ok.plan);
    expect(ok.recorder.logs.at(-1)).toEqual({
      level: "info",
      message: "run succeeded",
      context: { failures: 0, rescueCalls: 1 },
    });

    const failing = await world(users(2));
    failing.rescue.adminAddNode({
      ...technicianNode(60, 3, { name: "Boss", email: "u1@example.com" }),
      kind: "administrator",
    });
    await failing.execute(failing.plan);
    expect(failing.recorder.logs.at(-1)).toEqual({
      level: "warn",
      message: "run completed-with-failures",
      context: { failures: 1, rescueCalls: 1 },
    });
  });

  it("forgets stale links and records adoptions as links", async () => {
    const nodes = [technicianNode(100, GROUP_B, { name: "User u0", email: "u0@example.com" })];
    const { recorder, plan, execute } = await world(users(1), {
      nodes,
      links: [{ entraUserId: "u0", rescueNodeId: 999 }],
    });
    expect(plan.actions.map((a) => a.kind)).toEqual(["adopt", "update"]);
    await execute(plan);
    expect(recorder.links()).toEqual([{ entraUserId: "u0", rescueNodeId: 100, fields: defaultFields(users(1)[0]!) }]);
  });
});

describe("executePlan: session renewal and errors that are not Rescue's", () => {
  const linkedWorld = async (count: number) => {
    const nodes = users(count).map((u, i) => technicianNode(100 + i, GROUP_A, { name: "old", email: u.mail! }));
    const links = nodes.map((node, i) => ({ entraUserId: `u${i}`, rescueNodeId: node.id }));
    return world(users(count), { nodes, links });
  };
  const expired = () => new SyncPortError("expired", { code: "NOTLOGGEDIN", sessionExpired: true });

  it("repeats the call at once after renewing the session: no backoff, and not counted against the tries", async () => {
    const { clock, rescue, plan, execute } = await linkedWorld(1);
    rescue.failNext(expired());
    const report = await execute(plan, { retry: { maxAttempts: 1 } });
    expect(report.status).toBe("succeeded");
    expect(clock.sleeps).toEqual([]);
  });

  it("a call that met the expired session before a renewal finished does not log in again after it", async () => {
    const { rescue, plan, execute } = await linkedWorld(2);
    let renewals = 0;
    const renew = rescue.renewSession.bind(rescue);
    rescue.renewSession = async () => {
      renewals += 1;
      await renew();
    };
    const update = rescue.updateTechnician.bind(rescue);
    const expiredOnce = new Set<number>();
    rescue.updateTechnician = async (nodeId, fields, options) => {
      if (!expiredOnce.has(nodeId)) {
        expiredOnce.add(nodeId);
        // technician 101's call is slower: its failure arrives after 100's renewal is done
        if (nodeId === 101) await new Promise((resolve) => setTimeout(resolve, 5));
        throw expired();
      }
      return update(nodeId, fields, options);
    };
    const report = await execute(plan, { concurrency: 2 });
    expect(report.counts.update.succeeded).toBe(2);
    expect(renewals).toBe(1);
  });

  it("fails the action with the login's error when renewing the session fails, and goes on", async () => {
    const { rescue, plan, execute } = await linkedWorld(2);
    rescue.renewSession = async () => {
      throw new SyncPortError("login refused", { code: "INVALID_SECRETAUTHCODE" });
    };
    rescue.failNext(expired());
    const report = await execute(plan, { concurrency: 1 });
    expect(report.status).toBe("completed-with-failures");
    expect(report.failures).toEqual([
      expect.objectContaining({ actionId: "update:u0", code: "INVALID_SECRETAUTHCODE" }),
    ]);
    expect(report.counts.update.succeeded).toBe(1);
  });

  it("fails an action once, as UNEXPECTED with the error's message, when the adapter throws something else", async () => {
    const { clock, rescue, recorder, plan, execute } = await linkedWorld(2);
    const update = rescue.updateTechnician.bind(rescue);
    rescue.updateTechnician = async (nodeId, fields, options) => {
      if (nodeId === 100) throw new TypeError("cannot read properties of undefined");
      return update(nodeId, fields, options);
    };
    const report = await execute(plan);
    expect(report.failures).toEqual([
      expect.objectContaining({
        actionId: "update:u0",
        code: "UNEXPECTED",
        message: "cannot read properties of undefined",
      }),
    ]);
    expect(recorder.outcomes.find((o) => o.actionId === "update:u0")).toMatchObject({ status: "failed", attempts: 1 });
    expect(clock.sleeps).toEqual([]);
    expect(report.counts.update.succeeded).toBe(1);
  });
});

describe("rule 4: a chain of email changes converges in one run", () => {
  it("frees each email before it is taken, and creates a user on an email freed in the same run", async () => {
    const u1 = directoryUser("u1", { mail: "b@example.com" });
    const u2 = directoryUser("u2", { mail: "c@example.com" });
    const u3 = directoryUser("u3", { mail: "a@example.com" });
    const nodes = [
      technicianNode(50, GROUP_A, { name: "User u1", email: "a@example.com" }),
      technicianNode(51, GROUP_A, { name: "User u2", email: "b@example.com" }),
    ];
    const links = [
      { entraUserId: "u1", rescueNodeId: 50, fields: { ...defaultFields(u1), email: "a@example.com" } },
      { entraUserId: "u2", rescueNodeId: 51, fields: { ...defaultFields(u2), email: "b@example.com" } },
    ];
    const { rescue, plan, makePlan, execute } = await world([u1, u2, u3], { nodes, links });
    expect(plan.actions.map((a) => a.id)).toEqual(["create:u3", "update:u1", "update:u2"]);
    const report = await execute(plan, { concurrency: 4 });
    expect(report.failures).toEqual([]);
    expect(rescue.node(50)?.email).toBe("b@example.com");
    expect(rescue.node(51)?.email).toBe("c@example.com");
    expect(
      rescue
        .technicians()
        .map((t) => t.email)
        .sort(),
    ).toEqual(["a@example.com", "b@example.com", "c@example.com"]);
    expect((await makePlan()).actions).toEqual([]);
  });
});

describe("rule 9: a Rescue rule that refuses an action fails that one action with a clear reason", () => {
  it("fails the create whose email an administrator took after the plan, and creates the rest", async () => {
    const { rescue, plan, execute } = await world(users(3));
    rescue.adminAddNode({
      id: 60,
      parentId: 3,
      kind: "administrator",
      name: "Boss",
      email: "u1@example.com",
      status: "enabled",
    });
    const report = await execute(plan);
    expect(report.status).toBe("completed-with-failures");
    expect(report.failures).toEqual([
      expect.objectContaining({
        actionId: "create:u1",
        code: "INVALIDPARAM_EMAIL_ALREADY_IN_USE",
        message: "the email belongs to an administrator",
      }),
    ]);
    expect(report.counts.create).toMatchObject({ succeeded: 2, failed: 1 });
  });

  it("does not retry a refusal", async () => {
    const nodes = [technicianNode(100, GROUP_A, { name: "old", email: "u0@example.com" })];
    const { rescue, clock, plan, execute } = await world(users(1), {
      nodes,
      links: [{ entraUserId: "u0", rescueNodeId: 100 }],
    });
    const hint = "Check the technician in the Rescue Admin Center";
    rescue.refuseWritesTo(100, new SyncPortError("bad node", { code: "INVALIDPARAM_NODE", hint }));
    const report = await execute(plan);
    expect(report.failures).toEqual([
      expect.objectContaining({ code: "INVALIDPARAM_NODE", message: "bad node", hint }),
    ]);
    expect(clock.sleeps).toEqual([]);
    // a documented refusal is neither held for later runs nor worth a sooner re-run
    expect(report.failures[0]).not.toHaveProperty("holdUntilInputChanges");
    expect(report.failures[0]).not.toHaveProperty("retryable");
  });
});

describe("rule 10: a dry run records the plan and applies nothing", () => {
  it("makes no Rescue call and records the plan as dry", async () => {
    const { rescue, recorder, plan, execute } = await world(users(3));
    const before = rescue.callCount();
    const report = await execute(plan, { dryRun: true });
    expect(report.status).toBe("dry-run");
    expect(rescue.callCount()).toBe(before);
    expect(recorder.plans).toEqual([{ plan, dryRun: true }]);
    expect(recorder.outcomes).toEqual([]);
    expect(report.counts.create).toEqual({ planned: 3, succeeded: 0, failed: 0, cancelled: 0, skipped: 0 });
    expect(recorder.logs).toEqual([
      {
        level: "info",
        message: expect.stringMatching(/^dry run: .*nothing applied/),
        context: { counts: plan.counts },
      },
    ]);
  });
});

describe("rule 11: over the safety threshold nothing is applied until a person approves", () => {
  const nodes = Array.from({ length: 6 }, (_, i) =>
    technicianNode(100 + i, GROUP_A, { name: `n${i}`, email: `u${i}@example.com` }),
  );
  const links = nodes.map((node, i) => ({ entraUserId: `u${i}`, rescueNodeId: node.id }));

  it("applies nothing for a blocked plan", async () => {
    const { rescue, recorder, plan, execute } = await world([directoryUser("new")], { nodes, links });
    expect(plan.status).toBe("blocked");
    const writes = rescue.writeCount();
    const report = await execute(plan);
    expect(report.status).toBe("blocked");
    // the sync log says why, with the numbers a person weighs before approving
    expect(recorder.logs).toEqual([
      {
        level: "warn",
        message: expect.stringMatching(/safety threshold exceeded: nothing applied until a person approves/),
        context: { safety: { disableCount: 6, linkedCount: 6, allowed: 5, blocked: true } },
      },
    ]);
    expect(rescue.writeCount()).toBe(writes);
    expect(rescue.technicians().every((t) => t.status === "enabled")).toBe(true);
  });

  it("applies it once approved", async () => {
    const { rescue, plan, execute } = await world([directoryUser("new")], { nodes, links });
    const report = await execute(plan, { approved: true });
    expect(report.status).toBe("succeeded");
    expect(report.counts.disable.succeeded).toBe(6);
    expect(rescue.technicians().filter((t) => t.status === "disabled")).toHaveLength(6);
  });
});

describe("backoffDelay", () => {
  it("doubles per attempt up to the maximum, jittered into its upper half", () => {
    const policy = { ...DEFAULT_RETRY_POLICY, baseDelayMs: 100, maxDelayMs: 1000 };
    expect(backoffDelay(1, policy, () => 0)).toBe(50);
    expect(backoffDelay(1, policy, () => 1)).toBe(100);
    expect(backoffDelay(3, policy, () => 1)).toBe(400);
    expect(backoffDelay(10, policy, () => 1)).toBe(1000);
    expect(backoffDelay(1, policy, () => 0, 3000)).toBe(3000);
  });
});
