// The technicians list, one technician's history, the sync log and the audit log, read back from what the worker's
// own recorder (DatabaseRunRecorder) writes for two runs: a first run creates two technicians, a second renames one
// and disables the other.
import { randomUUID } from "node:crypto";
import { DatabaseRunRecorder } from "@techsync/runs";
import type { Plan, SyncAction } from "@techsync/sync-core";
import { type ApiHarness, startApiHarness } from "../../../test/api-harness";

let api: ApiHarness;
beforeAll(async () => {
  api = await startApiHarness();
});
afterAll(() => api.close());

const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const GROUP = { id: 11, name: "Support Tier 1" };

function planOf(actions: SyncAction[]): Plan {
  const counts = { create: 0, adopt: 0, update: 0, enable: 0, disable: 0 };
  for (const action of actions) counts[action.kind] += 1;
  return {
    status: "ready",
    actions,
    warnings: [],
    staleLinks: [],
    counts,
    safety: { disableCount: counts.disable, linkedCount: 2, allowed: 5, blocked: false },
    usersInScope: 2,
    skippedMembers: [],
    releasedHolds: [],
  };
}

/** One real run as the worker records it: the plan, the links of creates, then every action's outcome. */
async function recordRun(tenantId: string, actions: SyncAction[], nodeOf: (a: SyncAction) => number) {
  const run = await api.prisma.syncRun.create({
    data: { tenantId, trigger: "portal", dryRun: false, status: "running" },
  });
  const recorder = new DatabaseRunRecorder({ prisma: api.prisma, tenantId, runId: run.id, log: quiet });
  await recorder.recordPlan(planOf(actions), { dryRun: false });
  // The executor records the links of creates and updates (with their new key data) before their outcomes.
  const written = actions.flatMap((a) => (a.kind === "create" || a.kind === "update" ? [a] : []));
  if (written.length > 0) {
    await recorder.recordLinks(
      written.map((a) => ({ entraUserId: a.entraUserId, rescueNodeId: nodeOf(a), fields: a.fields })),
    );
  }
  await recorder.recordOutcomes(
    actions.map((a) => ({
      actionId: a.id,
      kind: a.kind,
      entraUserId: a.entraUserId,
      rescueNodeId: nodeOf(a),
      status: "succeeded" as const,
      attempts: 1,
      finishedAt: new Date(),
    })),
  );
  await recorder.flush();
  await api.prisma.syncRun.update({ where: { id: run.id }, data: { status: "succeeded", finishedAt: new Date() } });
  return run.id;
}

async function tenantWithTwoRuns() {
  const owner = await api.ownerWithTenant("Contoso");
  const mapping = await api.prisma.groupMapping.create({
    data: {
      tenantId: owner.tenantId,
      entraGroupId: "g-1",
      entraGroupName: "Helpdesk",
      rescueGroupId: GROUP.id,
      rescueGroupName: GROUP.name,
    },
  });
  const pair = { mappingId: mapping.id, priority: 100, entraGroupId: "g-1", entraGroupName: "Helpdesk" };
  const alex = randomUUID();
  const sam = randomUUID();
  const fields = (name: string, email: string) => ({ name, nick: name.split(" ")[0] ?? name, email, ssoId: email });
  const nodes: Record<string, number> = { [alex]: 501, [sam]: 502 };
  const node = (a: SyncAction) => nodes[a.entraUserId] ?? 0;
  const firstRun = await recordRun(
    owner.tenantId,
    [
      {
        id: `create:${alex}`,
        kind: "create",
        entraUserId: alex,
        mappingId: mapping.id,
        rescueGroupId: GROUP.id,
        rescueGroup: GROUP,
        fields: fields("Alex Morgn", "alex@contoso.test"),
        subject: { name: "Alex Morgn", email: "alex@contoso.test" },
        reason: "In Helpdesk, no technician yet",
        cause: { code: "in-scope", sentence: "In Helpdesk, no technician yet", pair },
      } as SyncAction,
      {
        id: `create:${sam}`,
        kind: "create",
        entraUserId: sam,
        mappingId: mapping.id,
        rescueGroupId: GROUP.id,
        rescueGroup: GROUP,
        fields: fields("Sam Lee", "sam@contoso.test"),
        subject: { name: "Sam Lee", email: "sam@contoso.test" },
        reason: "In Helpdesk, no technician yet",
        cause: { code: "in-scope", sentence: "In Helpdesk, no technician yet", pair },
      } as SyncAction,
    ],
    node,
  );
  const secondRun = await recordRun(
    owner.tenantId,
    [
      {
        id: `update:${alex}`,
        kind: "update",
        entraUserId: alex,
        rescueNodeId: 501,
        rescueGroup: GROUP,
        fields: fields("Alex Morgan", "alex@contoso.test"),
        changes: [{ field: "name", before: "Alex Morgn", after: "Alex Morgan" }],
        stage: 0,
        subject: { name: "Alex Morgan", email: "alex@contoso.test" },
        reason: "The name changed in Entra",
      } as SyncAction,
      {
        id: `disable:${sam}`,
        kind: "disable",
        entraUserId: sam,
        rescueNodeId: 502,
        rescueGroup: GROUP,
        disableReason: "out-of-scope",
        subject: { name: "Sam Lee", email: "sam@contoso.test" },
        reason: "No longer in a mapped group",
      } as SyncAction,
    ],
    node,
  );
  return { owner, mapping, alex, sam, firstRun, secondRun };
}

describe("technicians", () => {
  test("lists each technician with its status, group and the run that last changed it; filters narrow", async () => {
    const { owner, mapping, secondRun } = await tenantWithTwoRuns();
    const url = `/v1/tenants/${owner.tenantId}/technicians`;
    const all = (await api.call(owner.token, { method: "GET", url })).json().technicians;
    expect(all.map((t: { name: string; status: string }) => [t.name, t.status])).toEqual([
      ["Alex Morgan", "enabled"],
      ["Sam Lee", "disabled"],
    ]);
    expect(all[0]).toMatchObject({ rescueGroupName: GROUP.name, mappingId: mapping.id, changedByRunId: secondRun });
    const disabled = await api.call(owner.token, { method: "GET", url: `${url}?status=disabled` });
    expect(disabled.json().technicians.map((t: { name: string }) => t.name)).toEqual(["Sam Lee"]);
    const search = await api.call(owner.token, { method: "GET", url: `${url}?q=ALEX` });
    expect(search.json().technicians.map((t: { name: string }) => t.name)).toEqual(["Alex Morgan"]);
    const otherGroup = await api.call(owner.token, { method: "GET", url: `${url}?rescueGroupId=99` });
    expect(otherGroup.json().technicians).toEqual([]);
    const page = await api.call(owner.token, { method: "GET", url: `${url}?limit=1` });
    const next = await api.call(owner.token, { method: "GET", url: `${url}?limit=1&cursor=${page.json().nextCursor}` });
    expect(next.json().technicians.map((t: { name: string }) => t.name)).toEqual(["Sam Lee"]);

    const summary = (
      await api.call(owner.token, { method: "GET", url: `/v1/tenants/${owner.tenantId}/summary` })
    ).json();
    expect(summary).toMatchObject({ linkedTechnicians: 2, enabledTechnicians: 1, disabledTechnicians: 1 });
  });

  test("a bad filter is refused in words", async () => {
    const owner = await api.ownerWithTenant();
    const res = await api.call(owner.token, {
      method: "GET",
      url: `/v1/tenants/${owner.tenantId}/technicians?status=gone`,
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toContain("must be enabled or disabled");
  });

  test("a technician's history shows old → new values by run, newest first; a foreign tenant's technician is 404", async () => {
    const { owner, firstRun, secondRun } = await tenantWithTwoRuns();
    const alex = (
      await api.call(owner.token, { method: "GET", url: `/v1/tenants/${owner.tenantId}/technicians?q=alex` })
    ).json().technicians[0];
    const res = await api.call(owner.token, {
      method: "GET",
      url: `/v1/tenants/${owner.tenantId}/technicians/${alex.id}/history`,
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().entries).toEqual([
      expect.objectContaining({
        runId: secondRun,
        kind: "update",
        status: "succeeded",
        changes: [{ field: "name", before: "Alex Morgn", after: "Alex Morgan" }],
        reason: "The name changed in Entra",
      }),
      expect.objectContaining({ runId: firstRun, kind: "create", rescueGroupName: GROUP.name }),
    ]);
    const stranger = await api.ownerWithTenant("Fabrikam");
    const foreign = await api.call(stranger.token, {
      method: "GET",
      url: `/v1/tenants/${stranger.tenantId}/technicians/${alex.id}/history`,
    });
    expect(foreign.statusCode).toBe(404);
  });
});

describe("sync log", () => {
  test("one entry per action with filters, and CSV and NDJSON downloads of the same lines", async () => {
    const { owner, secondRun } = await tenantWithTwoRuns();
    const url = `/v1/tenants/${owner.tenantId}/activity`;
    const all = (await api.call(owner.token, { method: "GET", url })).json().entries;
    expect(all.map((e: { kind: string }) => e.kind)).toEqual(["disable", "update", "create", "create"]);
    const ofRun = await api.call(owner.token, { method: "GET", url: `${url}?runId=${secondRun}&kind=update` });
    expect(ofRun.json().entries.map((e: { displayName: string }) => e.displayName)).toEqual(["Alex Morgan"]);
    const bySam = await api.call(owner.token, { method: "GET", url: `${url}?q=sam%40contoso` });
    expect(bySam.json().entries).toHaveLength(2);
    const future = await api.call(owner.token, { method: "GET", url: `${url}?from=2999-01-01` });
    expect(future.json().entries).toEqual([]);

    const csv = await api.call(owner.token, { method: "GET", url: `${url}/download?format=csv` });
    expect(csv.statusCode).toBe(200);
    expect(csv.headers["content-type"]).toContain("text/csv");
    const lines = csv.body.trim().split("\r\n");
    expect(lines).toHaveLength(5);
    expect(lines[0]).toContain("Time (UTC),User,Email,Change");
    expect(lines[2]).toContain("Name: Alex Morgn → Alex Morgan");
    expect(lines[1]).toContain("Disabled");
    const ndjson = await api.call(owner.token, { method: "GET", url: `${url}/download?format=ndjson&kind=create` });
    expect(
      ndjson.body
        .trim()
        .split("\n")
        .map((line) => JSON.parse(line).kind),
    ).toEqual(["create", "create"]);
  });

  test("bad filters are refused in words before any download starts", async () => {
    const owner = await api.ownerWithTenant();
    const url = `/v1/tenants/${owner.tenantId}/activity`;
    const kind = await api.call(owner.token, { method: "GET", url: `${url}?kind=delete` });
    expect(kind.statusCode).toBe(400);
    expect(kind.json().message).toContain("must be an action kind");
    const range = await api.call(owner.token, {
      method: "GET",
      url: `${url}/download?from=2026-05-02&to=2026-05-01`,
    });
    expect(range.statusCode).toBe(400);
    expect(range.json().message).toContain("must be before the end of the date range");
    const date = await api.call(owner.token, { method: "GET", url: `${url}?to=yesterday` });
    expect(date.statusCode).toBe(400);
    expect(date.json().message).toContain("must be a date");
  });
});

describe("audit log", () => {
  test("names the actor by email, filters by actor, kind and date, and downloads as CSV and NDJSON", async () => {
    const owner = await api.ownerWithTenant("Contoso");
    const admin = await api.memberOf(owner.tenantId, "admin");
    await api.call(admin.token, {
      method: "PATCH",
      url: `/v1/tenants/${owner.tenantId}`,
      payload: { name: '=HYPERLINK("http://evil.test")' },
    });
    await api.call(owner.token, {
      method: "POST",
      url: `/v1/tenants/${owner.tenantId}/api-keys`,
      payload: { name: "reporting", scopes: ["read"] },
    });
    const url = `/v1/tenants/${owner.tenantId}/audit-events`;
    const all = (await api.call(owner.token, { method: "GET", url })).json().events;
    const adminEmail = (await api.prisma.portalUser.findUniqueOrThrow({ where: { id: admin.userId } })).email;
    expect(all.find((e: { action: string }) => e.action === "tenant.updated")).toMatchObject({
      actorName: adminEmail,
    });
    const byAdmin = await api.call(owner.token, {
      method: "GET",
      url: `${url}?actor=${encodeURIComponent(adminEmail.slice(0, 12))}`,
    });
    expect(byAdmin.json().events.map((e: { action: string }) => e.action)).toEqual(["tenant.updated"]);
    const keys = await api.call(owner.token, { method: "GET", url: `${url}?kind=api_key` });
    expect(keys.json().events.map((e: { action: string }) => e.action)).toEqual(["api_key.created"]);
    const past = await api.call(owner.token, { method: "GET", url: `${url}?to=2001-01-01` });
    expect(past.json().events).toEqual([]);

    const csv = await api.call(owner.token, { method: "GET", url: `${url}/download?format=csv&kind=tenant` });
    expect(csv.statusCode).toBe(200);
    expect(csv.headers["content-disposition"]).toContain("techsync-audit-log.csv");
    const line = csv.body.split("\r\n").find((l) => l.includes("tenant.updated")) ?? "";
    // The new name is a formula: the cell holding it starts with an apostrophe, so a spreadsheet shows it as text.
    expect(line).toContain(adminEmail);
    expect(line).not.toMatch(/,"?=HYPERLINK/);
    const ndjson = await api.call(owner.token, { method: "GET", url: `${url}/download?format=ndjson` });
    expect(ndjson.body.trim().split("\n").length).toBe(all.length);

    const bad = await api.call(owner.token, { method: "GET", url: `${url}?kind=DROP%20TABLE` });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().message).toContain("must be a kind of change");
  });
});
