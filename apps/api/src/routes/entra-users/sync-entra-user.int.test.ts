// "Sync this user now" end to end: the API creates a run of one user, a real worker executes it against the Graph
// and Rescue emulators, and the API answers the decision step by step.
import { randomUUID } from "node:crypto";
import { entraSecretField, rescueSecretField, SECRET_FIELDS, tenantDataKey } from "@techsync/db";
import { type RunningGraphEmulator, startGraphEmulator } from "@techsync/emulators/graph";
import { type StartedRescueEmulator, startRescueEmulator } from "@techsync/emulators/rescue";
import pino from "pino";
import { Registry } from "prom-client";
import { type SyncWorker, startSyncWorker } from "../../../../worker/src/sync-worker";
import { type ApiHarness, startApiHarness } from "../../../test/api-harness";

const REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
const SECRET = "Od8Q~OnDemandTestSecretValue00000000000001";
const MAH = {
  name: "Dana Holder",
  email: "mah@ondemand.example",
  password: "Mah-Password-2026!",
  apiToken: "api-token-ondemand",
};

const directoryId = randomUUID();
const clientId = randomUUID();
const ids = { sales: randomUUID(), nested: randomUUID(), helpdesk: randomUUID(), nightShift: randomUUID() };

let graph: RunningGraphEmulator;
let rescue: StartedRescueEmulator;
let api: ApiHarness;
let worker: SyncWorker;
let supportGroupId: number;

const user = (id: string, name: string, department: string) => ({
  id,
  displayName: name,
  givenName: name.split(" ")[0] ?? name,
  surname: "Tester",
  mail: `${name.split(" ")[0]?.toLowerCase()}@ondemand.example`,
  userPrincipalName: `${name.split(" ")[0]?.toLowerCase()}@ondemand.example`,
  accountEnabled: true,
  department,
});

beforeAll(async () => {
  const prefix = `test-ondemand-${process.pid}-${Date.now()}`;
  graph = await startGraphEmulator({
    port: 0,
    tenants: [
      {
        tenantId: directoryId,
        domain: "ondemand.example",
        apps: [
          {
            clientId,
            displayName: "TechSync",
            secrets: [{ id: randomUUID(), value: SECRET, expiresAt: "2099-01-01T00:00:00Z" }],
            roles: ["User.Read.All", "Group.Read.All", "Directory.Read.All"],
          },
        ],
        users: [user(ids.sales, "Sam Sales", "Sales"), user(ids.nested, "Nina Nested", "IT")],
        groups: [
          { id: ids.helpdesk, displayName: "Helpdesk", members: [ids.sales, ids.nightShift] },
          { id: ids.nightShift, displayName: "Night shift", members: [ids.nested] },
        ],
      },
    ],
  });
  rescue = await startRescueEmulator({
    port: 0,
    seed: {
      account: { id: 880_000 + Math.floor(Math.random() * 10_000), technicianLicences: 20, mobileLicences: 5 },
      masterAccountHolder: MAH,
      technicianGroups: [{ name: "Support Tier 1" }],
    },
  });
  const outbound = { emulators: { rescueUrl: rescue.url, graphUrl: graph.url }, graphEmulatorCa: graph.caCertPem };
  api = await startApiHarness({ outbound, redisPrefix: prefix, runEvents: true });
  worker = startSyncWorker({
    prisma: api.prisma,
    secretBox: api.secretBox,
    log: pino({ level: "silent" }),
    metricsRegistry: new Registry(),
    redisUrl: REDIS_URL,
    prefix,
    concurrency: 1,
    adapters: { outbound, rescueRetryDelayMs: 20, graphBaseBackoffMs: 20 },
    retry: { baseDelayMs: 20, maxDelayMs: 200 },
  });
  const node = rescue.organisation.snapshot().nodes.find((n) => n.name === "Support Tier 1");
  if (!node) throw new Error("no Rescue group");
  supportGroupId = node.id;
});

afterAll(async () => {
  await worker?.close();
  await api?.close();
  await rescue?.close();
  await graph?.close();
});

/** A tenant connected to the emulators with one pair, Helpdesk → Support Tier 1, filtered to the IT department. */
async function connectedTenant(options: { activated: boolean }) {
  const owner = await api.ownerWithTenant("Contoso", { sandbox: true, activated: options.activated });
  const tenant = await api.prisma.tenant.findUniqueOrThrow({ where: { id: owner.tenantId } });
  const seal = (field: string, value: string) =>
    api.secretBox.encrypt(owner.tenantId, tenantDataKey(tenant), field, value);
  await api.prisma.tenant.update({
    where: { id: owner.tenantId },
    data: {
      defaultPasswordEnc: seal(SECRET_FIELDS.defaultPassword, "Techsync-Default-2026!"),
      rescueConnection: {
        create: {
          email: MAH.email,
          region: "sandbox",
          passwordEnc: seal(rescueSecretField(SECRET_FIELDS.rescuePassword, "sandbox"), MAH.password),
          apiTokenEnc: seal(rescueSecretField(SECRET_FIELDS.rescueApiToken, "sandbox"), MAH.apiToken),
        },
      },
      entraConnection: {
        create: {
          directoryId,
          clientId,
          cloud: "sandbox",
          clientSecretEnc: seal(entraSecretField("sandbox"), SECRET),
        },
      },
      mappings: {
        create: [
          {
            entraGroupId: ids.helpdesk,
            entraGroupName: "Helpdesk",
            rescueGroupId: supportGroupId,
            rescueGroupName: "Support Tier 1",
            priority: 1,
            filterAttribute: "department",
            filterOperator: "equals",
            filterValue: "IT",
          },
        ],
      },
    },
  });
  return owner;
}

const syncUser = (owner: { tenantId: string; token: string }, entraUserId: string) =>
  api.call(owner.token, { method: "POST", url: `/v1/tenants/${owner.tenantId}/entra-users/${entraUserId}/sync` });

const technicianEmails = () =>
  rescue.organisation
    .technicians()
    .map((t) => t.email.toLowerCase())
    .sort();

// One tenant: a Rescue organisation belongs to one tenant only (rule 15). It starts in setup, then starts syncing.
describe("sync one user now", () => {
  let owner: { tenantId: string; token: string };
  beforeAll(async () => {
    owner = await connectedTenant({ activated: false });
  });

  it("rule 14: a tenant that has not started syncing gets the explanation as a dry run", async () => {
    const res = await syncUser(owner, ids.nested);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ dryRun: true, explanation: { result: { status: "dry-run" } } });
    expect(technicianEmails()).toEqual([]);
    await api.prisma.tenant.update({
      where: { id: owner.tenantId },
      data: { activatedAt: new Date(), activatedBy: "system:test" },
    });
  });

  it("rule 1: a user who fails the pair's filter is explained, and nothing is written", async () => {
    const res = await syncUser(owner, ids.sales);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ finished: true, dryRun: false, status: "succeeded", error: null });
    expect(body.explanation.pairs).toEqual([
      expect.objectContaining({
        verdict: "excluded-by-filter",
        sentence: "Excluded by pair 'Helpdesk → Support Tier 1': department is 'Sales', the filter wants 'IT'",
      }),
    ]);
    expect(body.explanation.actions).toEqual([]);
    expect(body.explanation.result.status).toBe("nothing-to-do");
    expect(technicianEmails()).toEqual([]);
    expect(await api.prisma.link.count({ where: { tenantId: owner.tenantId } })).toBe(0);
  });

  it("rule 2: a member of a nested group is created at once, and the explanation names the path", async () => {
    const res = await syncUser(owner, ids.nested);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.explanation.pairs[0]).toMatchObject({
      verdict: "in-scope",
      through: ["Night shift"],
      sentence: expect.stringContaining('a member of "Helpdesk" through "Night shift"'),
    });
    expect(body.explanation.match.by).toBe("none");
    expect(body.explanation.actions.map((a: { kind: string }) => a.kind)).toEqual(["create"]);
    expect(body.explanation.result).toEqual({ status: "applied", sentence: "Applied in Rescue" });
    expect(technicianEmails()).toEqual(["nina@ondemand.example"]);
    // A run of one user is not the tenant's last run, and not a preview.
    const summary = await api.call(owner.token, { method: "GET", url: `/v1/tenants/${owner.tenantId}/summary` });
    expect(summary.json().recentRuns).toEqual([]);
  });

  it("another tenant's member cannot sync a user of this tenant", async () => {
    const runs = await api.prisma.syncRun.count({ where: { tenantId: owner.tenantId } });
    const stranger = await api.ownerWithTenant("Fabrikam", { activated: true });
    const res = await api.call(stranger.token, {
      method: "POST",
      url: `/v1/tenants/${owner.tenantId}/entra-users/${ids.nested}/sync`,
    });
    expect(res.statusCode).toBe(404);
    expect(await api.prisma.syncRun.count({ where: { tenantId: owner.tenantId } })).toBe(runs);
  });

  it("a user id the tenant's directory does not have is 404, in words, and starts no run", async () => {
    const runs = await api.prisma.syncRun.count({ where: { tenantId: owner.tenantId } });
    const res = await syncUser(owner, randomUUID());
    expect(res.statusCode).toBe(404);
    expect(res.json().message).toBe("The organisation's Entra directory has no user with this id.");
    expect(await api.prisma.syncRun.count({ where: { tenantId: owner.tenantId } })).toBe(runs);
  });

  it("searches the tenant's Entra users by name", async () => {
    const res = await api.call(owner.token, {
      method: "GET",
      url: `/v1/tenants/${owner.tenantId}/entra-users?search=nin`,
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().users).toEqual([
      {
        id: ids.nested,
        displayName: "Nina Nested",
        mail: "nina@ondemand.example",
        userPrincipalName: "nina@ondemand.example",
      },
    ]);
  });
});
