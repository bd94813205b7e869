// Fault tests: latency, ERROR bursts, HTTP 503, dropped sessions, timeouts and lost replies. Operations still
// succeed or fail with the right typed error, and a retried create never makes a duplicate technician (rule 12).
import { RescueError } from "../src/index";
import {
  createRequest,
  type EmulatedRescue,
  groupId,
  startEmulatedRescue,
  techniciansByEmail,
} from "./emulated-rescue";

let rescue: EmulatedRescue;
beforeEach(async () => {
  rescue = await startEmulatedRescue();
});
afterEach(async () => {
  await rescue.emulator.close();
});

function expectNoDuplicates() {
  for (const [email, count] of techniciansByEmail(rescue.emulator)) expect([email, count]).toEqual([email, 1]);
}

describe("transient failures", () => {
  it("works through per-call latency", async () => {
    rescue.emulator.faults.set({ latencyMs: 20 });
    const client = rescue.client({ concurrency: 2 });
    const tier1 = groupId(rescue.emulator, "Support Tier 1");
    const results = await client.createTechnicians([createRequest(tier1, 1)]);
    expect(results[0]?.ok).toBe(true);
    expect((await client.getTree()).some((n) => n.email === "tech.1@contoso-demo.example")).toBe(true);
  });

  it("retries an ERROR burst, then gives up with a retryable ERROR", async () => {
    rescue.emulator.faults.set({
      script: [1, 2, 3].map(() => ({ method: "getHierarchy_v2", kind: "error" as const })),
    });
    const client = rescue.client();
    expect((await client.getTree()).length).toBeGreaterThan(5);
    expect(client.callCounts().getHierarchy_v2).toBe(4);

    rescue.emulator.faults.set({ script: [1, 2, 3, 4].map(() => ({ kind: "error" as const })) });
    await expect(client.getAccount()).rejects.toMatchObject({ code: "ERROR", retryable: true, method: "getAccount" });
  });

  it("honours Retry-After on HTTP 503 and 429", async () => {
    rescue.emulator.faults.set({ retryAfterSeconds: 7, script: [{ kind: "http503" }, { kind: "http429" }] });
    const started = rescue.clock.now().getTime();
    const client = rescue.client();
    await client.getAccount();
    expect(rescue.clock.sleeps.slice(-2).every((ms) => ms >= 7_000)).toBe(true);
    expect(rescue.clock.now().getTime() - started).toBeGreaterThanOrEqual(14_000);
  });

  it("fails with HTTP_503 once out of retries", async () => {
    rescue.emulator.faults.set({ http503Rate: 1 });
    await expect(rescue.client({ maxAttempts: 2 }).getTree()).rejects.toMatchObject({
      code: "HTTP_503",
      retryable: true,
    });
  });

  it("survives sessions dropped every 2 calls, logging in again by itself", async () => {
    rescue.emulator.faults.set({ dropSessionsAfterCalls: 2 });
    const client = rescue.client({ apiToken: undefined });
    const alex = rescue.emulator.organisation.findByEmail("alex.morgan@contoso-demo.example")[0]!;
    for (let i = 0; i < 3; i++) {
      await client.setTechnicianStatus(alex.id, "disabled");
      await client.setTechnicianStatus(alex.id, "enabled");
    }
    expect(alex.enabled).toBe(true);
    expect(client.callCounts().login).toBeGreaterThanOrEqual(5);
  });

  it("surfaces a session that expires again at once as sessionExpired", async () => {
    rescue.emulator.faults.set({
      script: [
        { method: "getHierarchy_v2", kind: "dropSession" },
        { method: "getHierarchy_v2", kind: "dropSession" },
      ],
    });
    const client = rescue.client({ apiToken: undefined });
    await client.renewSession();
    await expect(client.getTree()).rejects.toMatchObject({ code: "NOTLOGGEDIN", sessionExpired: true });
  });

  it("retries a call that timed out, and reports TIMEOUT when every try does", async () => {
    rescue.emulator.faults.set({ slowResponseMs: 400, script: [{ method: "getAccount", kind: "slow" }] });
    const client = rescue.client({ timeoutMs: 100 });
    expect((await client.getAccount()).accountId).toBe(560961);
    expect(client.callCounts().getAccount).toBe(2);

    rescue.emulator.faults.set({ slowResponseMs: 400, slowRate: 1 });
    const error = await client.getTree().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RescueError);
    expect(error).toMatchObject({ code: "TIMEOUT", retryable: true });
  });
});

describe("no duplicate from a retried create (rule 12)", () => {
  it("createUsers applied but its reply lost: the retry finds the users by email", async () => {
    rescue.emulator.setBehaviour({ createUsers: "enabled" });
    rescue.emulator.faults.set({ script: [{ method: "createUsers", kind: "lostReply" }] });
    const client = rescue.client();
    const tier1 = groupId(rescue.emulator, "Support Tier 1");
    const results = await client.createTechnicians([1, 2, 3].map((n) => createRequest(tier1, n)));
    expect(results.every((r) => r.ok)).toBe(true);
    expect(client.callCounts()).toEqual({ createUsers: 1, getHierarchy_v2: 1 });
    for (const r of results) {
      if (r.ok) expect(rescue.emulator.organisation.nodes.get(r.nodeId)?.email).toMatch(/^tech\.\d@/);
    }
    expectNoDuplicates();
  });

  it("createUsers applied but answered after the client's timeout", async () => {
    rescue.emulator.setBehaviour({ createUsers: "enabled" });
    rescue.emulator.faults.set({ slowResponseMs: 300, script: [{ method: "createUsers", kind: "slow" }] });
    const client = rescue.client({ timeoutMs: 100 });
    const tier1 = groupId(rescue.emulator, "Support Tier 1");
    const results = await client.createTechnicians([1, 2].map((n) => createRequest(tier1, n)));
    expect(results.every((r) => r.ok)).toBe(true);
    expectNoDuplicates();
    expect(rescue.emulator.organisation.technicians()).toHaveLength(5);
  });

  it("learned createUsers refused with ERROR before applying: the retry creates them once", async () => {
    rescue.emulator.setBehaviour({ createUsers: "enabled" });
    rescue.emulator.faults.set({ script: [{ method: "createUsers", kind: "error" }] });
    const client = rescue.client({ bulkCreate: { capability: "available", reason: null, checkedAt: new Date() } });
    const tier1 = groupId(rescue.emulator, "Support Tier 1");
    const results = await client.createTechnicians([1, 2].map((n) => createRequest(tier1, n)));
    expect(results.every((r) => r.ok)).toBe(true);
    expect(client.callCounts()).toEqual({ createUsers: 2, getHierarchy_v2: 1 });
    expectNoDuplicates();
  });

  it("createUser's reply lost: the retry claims the blank user instead of making another", async () => {
    rescue.emulator.faults.set({ script: [{ method: "createUser", kind: "lostReply" }] });
    const client = rescue.client({
      email: "sam.admin@contoso-demo.example",
      password: "Sam-Admin-2026!",
      apiToken: undefined,
    });
    const tier2 = groupId(rescue.emulator, "Support Tier 2");
    const [result] = await client.createTechnicians([createRequest(tier2, 1)]);
    expect(result?.ok).toBe(true);
    expect(client.callCounts().createUser).toBe(1);
    expect(rescue.emulator.organisation.technicians().filter((t) => t.parentId === tier2)).toHaveLength(2);
    expect(rescue.emulator.organisation.technicians().filter((t) => t.name === "")).toHaveLength(0);
  });

  it("setUser_v2's reply lost during a create: re-sending it is harmless", async () => {
    rescue.emulator.faults.set({ script: [{ method: "setUser_v2", kind: "lostReply" }] });
    const client = rescue.client({
      email: "sam.admin@contoso-demo.example",
      password: "Sam-Admin-2026!",
      apiToken: undefined,
    });
    const tier2 = groupId(rescue.emulator, "Support Tier 2");
    const [result] = await client.createTechnicians([createRequest(tier2, 1)]);
    expect(result?.ok).toBe(true);
    expect(client.callCounts().setUser_v2).toBe(2);
    expectNoDuplicates();
  });

  it("a second createTechnicians for the same people (a re-run after a crash) adopts instead of duplicating", async () => {
    const client = rescue.client({
      email: "sam.admin@contoso-demo.example",
      password: "Sam-Admin-2026!",
      apiToken: undefined,
    });
    const tier2 = groupId(rescue.emulator, "Support Tier 2");
    const [first] = await client.createTechnicians([createRequest(tier2, 1)]);
    const [again] = await client.createTechnicians([createRequest(tier2, 1)]);
    expect(again).toEqual(first);
    expectNoDuplicates();
  });

  it("random ERROR, 503 and lost replies (seeded): every create and update lands once", async () => {
    rescue.emulator.faults.set({ seed: 42, errorRate: 0.15, http503Rate: 0.1, lostReplyRate: 0.15 });
    const client = rescue.client({ createBatchSize: 5, maxAttempts: 8 });
    const tier1 = groupId(rescue.emulator, "Support Tier 1");
    const north = groupId(rescue.emulator, "Field Engineers North");
    const requests = Array.from({ length: 30 }, (_, n) => createRequest(n % 2 ? tier1 : north, n));
    const results = await client.createTechnicians(requests);
    expect(results.filter((r) => !r.ok)).toEqual([]);
    for (const r of results.slice(0, 5)) {
      if (r.ok)
        await client.updateTechnician(r.nodeId, {
          name: `Renamed ${r.ref}`,
          nick: "",
          email: `${r.ref}@contoso-demo.example`,
          ssoId: "",
        });
    }
    expectNoDuplicates();
    // The faults did happen: more calls than the 6 createUsers + 5 getUser_v3 + 5 setUser_v2 minimum.
    expect(client.callCount()).toBeGreaterThan(16);
    expect(rescue.emulator.organisation.technicians()).toHaveLength(33);
    expect(rescue.emulator.organisation.findByEmail("entra-0@contoso-demo.example")[0]?.name).toBe("Renamed entra-0");
  });
});
