import { SyncPortError } from "../ports";
import { FakeClock } from "./fake-clock";
import { administratorNode, directoryUser } from "./fixtures";
import { InMemoryDirectorySource } from "./in-memory-directory-source";
import { InMemoryRescueDirectory } from "./in-memory-rescue-directory";

const fields = (email: string) => ({ name: "Ann", nick: "ann", email, ssoId: "ann@corp" });
const PASSWORD = "Default-Pa55word!";

describe("InMemoryRescueDirectory re-implements Rescue's rules", () => {
  const rescue = () => InMemoryRescueDirectory.withTechnicianGroups([10], [administratorNode(60, "Boss@example.com")]);

  it("refuses a technician email already used by a technician or an administrator, case-insensitively", async () => {
    const fake = rescue();
    const results = await fake.createTechnicians([
      { ref: "a", parentId: 10, fields: fields("ann@example.com"), password: PASSWORD },
      { ref: "b", parentId: 10, fields: fields("ANN@example.com"), password: PASSWORD },
      { ref: "c", parentId: 10, fields: fields("boss@EXAMPLE.com"), password: PASSWORD },
    ]);
    expect(results.map((r) => (r.ok ? "ok" : r.error.code))).toEqual([
      "ok",
      "INVALIDPARAM_EMAIL_ALREADY_IN_USE",
      "INVALIDPARAM_EMAIL_ALREADY_IN_USE",
    ]);
    const refused = results[2]!;
    expect(!refused.ok && refused.error.retryable).toBe(false);
    const created = results[0]!;
    if (!created.ok) throw new Error("expected a create");
    await expect(fake.updateTechnician(created.nodeId, fields("boss@example.com"))).rejects.toMatchObject({
      code: "INVALIDPARAM_EMAIL_ALREADY_IN_USE",
    });
    // its own email is not a clash, and a freed email can be taken again
    await fake.updateTechnician(created.nodeId, fields("ann.lee@example.com"));
    const again = await fake.createTechnicians([
      { ref: "d", parentId: 10, fields: fields("ann@example.com"), password: PASSWORD },
    ]);
    expect(again[0]?.ok).toBe(true);
  });

  it("puts technicians only in technician groups and updates only technicians", async () => {
    const fake = rescue();
    const [inCategory] = await fake.createTechnicians([
      { ref: "a", parentId: 4, fields: fields("a@example.com"), password: PASSWORD },
    ]);
    expect(inCategory).toMatchObject({ ok: false, error: { code: "INVALIDPARAM_PARENT" } });
    await expect(fake.updateTechnician(60, fields("x@example.com"))).rejects.toMatchObject({
      code: "INVALIDPARAM_NODE",
    });
    await expect(fake.setTechnicianStatus(10, "disabled")).rejects.toMatchObject({ code: "INVALIDPARAM_NODE" });
  });

  it("refuses a bulk create over its limit as a whole call", async () => {
    const fake = InMemoryRescueDirectory.withTechnicianGroups([10], [], { maxCreateBatch: 1 });
    await expect(
      fake.createTechnicians([
        { ref: "a", parentId: 10, fields: fields("a@example.com"), password: PASSWORD },
        { ref: "b", parentId: 10, fields: fields("b@example.com"), password: PASSWORD },
      ]),
    ).rejects.toBeInstanceOf(SyncPortError);
  });

  it("returns a tree without nick and SSO id, as getHierarchy_v2 does, and keeps them inside", async () => {
    const fake = rescue();
    const [created] = await fake.createTechnicians([
      { ref: "a", parentId: 10, fields: fields("a@example.com"), password: PASSWORD },
    ]);
    const id = created?.ok ? created.nodeId : -1;
    const inTree = (await fake.getTree()).find((n) => n.id === id);
    expect(inTree).toMatchObject({ name: "Ann", email: "a@example.com", status: "enabled" });
    expect(inTree?.nick).toBeUndefined();
    expect(fake.node(id)).toMatchObject({ nick: "ann", ssoId: "ann@corp" });
  });

  it("expires the session after N calls until renewed, counts every call, and sleeps its latency on the clock", async () => {
    const clock = new FakeClock();
    const fake = InMemoryRescueDirectory.withTechnicianGroups([10], [], {
      sessionExpiresAfterCalls: 2,
      latencyMs: 25,
      clock,
    });
    await fake.getTree();
    await fake.getTree();
    await expect(fake.getTree()).rejects.toMatchObject({ code: "NOTLOGGEDIN", sessionExpired: true });
    await fake.renewSession();
    await fake.getTree();
    expect(fake.callCount()).toBe(5);
    expect(clock.sleeps).toEqual([25, 25, 25, 25, 25]);
  });

  it("injects transient, retryable failures at the configured rate", async () => {
    const fake = InMemoryRescueDirectory.withTechnicianGroups([10], [], {
      failureRate: 0.5,
      seed: 42,
      failureRetryAfterMs: 100,
    });
    const outcomes = await Promise.all(
      Array.from({ length: 200 }, () =>
        fake.getTree().then(
          () => "ok",
          (e: SyncPortError) => e,
        ),
      ),
    );
    const failures = outcomes.filter((o): o is SyncPortError => o !== "ok");
    expect(failures.length).toBeGreaterThan(60);
    expect(failures.length).toBeLessThan(140);
    expect(failures[0]).toMatchObject({ code: "ERROR", retryable: true, retryAfterMs: 100 });
  });
});

describe("InMemoryDirectorySource serves members as Graph does", () => {
  it("pages members, one counted call per page, and flattens nested groups once each", async () => {
    const users = Array.from({ length: 5 }, (_, i) => directoryUser(`u${i}`));
    const source = new InMemoryDirectorySource({
      users,
      pageSize: 2,
      groups: [
        { id: "top", displayName: "Top", memberIds: ["u0", "u1"], childGroupIds: ["child"] },
        { id: "child", displayName: "Child", memberIds: ["u1", "u2", "u3", "u4"], childGroupIds: ["top"] },
      ],
    });
    const pages: string[][] = [];
    for await (const page of source.groupMembers("top", { transitive: true })) pages.push(page.map((u) => u.id));
    expect(pages).toEqual([["u0", "u1"], ["u2", "u3"], ["u4"]]);
    expect(source.callCount()).toBe(3);
    const direct: string[] = [];
    for await (const page of source.groupMembers("top", { transitive: false })) direct.push(...page.map((u) => u.id));
    expect(direct).toEqual(["u0", "u1"]);
  });

  it("answers an empty group with one empty page and an unknown group with a non-retryable error", async () => {
    const source = new InMemoryDirectorySource({
      users: [],
      groups: [{ id: "empty", displayName: "Empty", memberIds: [] }],
    });
    const pages: unknown[] = [];
    for await (const page of source.groupMembers("empty", { transitive: true })) pages.push(page);
    expect(pages).toEqual([[]]);
    const read = async () => {
      for await (const _ of source.groupMembers("nope", { transitive: true })) {
        // drain
      }
    };
    await expect(read()).rejects.toMatchObject({ code: "Request_ResourceNotFound", retryable: false });
  });

  it("searches groups by name, page by page", async () => {
    const source = new InMemoryDirectorySource({
      users: [],
      groups: ["Support EU", "Support US", "Sales"].map((name, i) => ({
        id: `g${i}`,
        displayName: name,
        memberIds: [],
      })),
    });
    const first = await source.searchGroups("support", { pageSize: 1 });
    expect(first.groups.map((g) => g.displayName)).toEqual(["Support EU"]);
    const second = await source.searchGroups("support", { pageSize: 1, pageToken: first.nextPageToken! });
    expect(second).toEqual({ groups: [{ id: "g1", displayName: "Support US" }] });
    expect(await source.getGroup("g2")).toEqual({ id: "g2", displayName: "Sales" });
    expect(await source.getGroup("missing")).toBeNull();
  });
});
