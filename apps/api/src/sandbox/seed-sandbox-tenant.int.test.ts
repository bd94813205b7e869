import { verify } from "@node-rs/argon2";
import { generateMasterKey, loadTenantSyncConfig, parseMasterKeyring, SecretBox } from "@techsync/db";
import { createTestDatabase, type TestDatabase } from "@techsync/db/testing";
import { DEMO_CLIENT_SECRET, type RunningGraphEmulator, startGraphEmulator } from "@techsync/emulators/graph";
import { DEMO_RESCUE_CONNECTION, type StartedRescueEmulator, startRescueEmulator } from "@techsync/emulators/rescue";
import { createEntraDirectorySource } from "@techsync/entra";
import { createRescueClient } from "@techsync/rescue";
import { type Plan, runSync, systemClock } from "@techsync/sync-core";
import { RecordingRunRecorder } from "@techsync/sync-core/testing";
import { EMULATOR_DEMO_ACCOUNTS } from "../../scripts/emulator-demo-accounts";
import {
  SANDBOX_DEFAULT_PASSWORD,
  SANDBOX_PORTAL_USER,
  SANDBOX_TENANT_ID,
  seedSandboxTenant,
} from "./seed-sandbox-tenant";

let db: TestDatabase;
let rescue: StartedRescueEmulator;
let graph: RunningGraphEmulator;
const secretBox = new SecretBox(parseMasterKeyring(`t:${generateMasterKey()}`, "t"));

beforeAll(async () => {
  db = await createTestDatabase();
  rescue = await startRescueEmulator({ port: 0 });
  graph = await startGraphEmulator({ port: 0 });
});
afterAll(async () => {
  await rescue.close();
  await graph.close();
  await db.drop();
});

/** The sandbox tenant seeded against the emulators, and the clients as the worker builds them. */
async function sandboxClients(rescueUrl: string) {
  await seedSandboxTenant({ prisma: db.prisma, secretBox }, { rescueUrl, graphUrl: graph.url }, EMULATOR_DEMO_ACCOUNTS);
  const config = await loadTenantSyncConfig({ prisma: db.prisma, secretBox }, SANDBOX_TENANT_ID);
  const client = createRescueClient({
    baseUrl: rescueUrl,
    email: config.rescue!.email,
    apiToken: config.rescue!.apiToken,
    password: config.rescue!.password ?? undefined,
    bulkCreate: config.rescue!.bulkCreate,
  });
  const directory = createEntraDirectorySource({
    tenantId: config.entra!.directoryId,
    clientId: config.entra!.clientId,
    clientSecret: config.entra!.clientSecret,
    authorityHost: graph.url,
    graphBaseUrl: graph.url,
    ca: graph.caCertPem,
  });
  const rows = await db.prisma.groupMapping.findMany({ where: { tenantId: SANDBOX_TENANT_ID } });
  const mappings = rows.map((m) => ({ ...m, filter: null, conditions: null }));
  return { config, client, directory, mappings };
}

/** A plan's per-pair summary as a small table. */
function describePairs({ pairs = [], warnings, counts }: Plan): string {
  const lines = pairs.map(
    (p) =>
      `${p.priority}  ${p.entraGroupName ?? p.entraGroupId} → ${p.rescueGroup.name ?? `${p.rescueGroup.id} (missing)`}: ` +
      `${p.members} members, ${p.inScope} in scope, owns ${p.owned}; create ${p.create}, link ${p.adopt}, ` +
      `update ${p.update}, enable ${p.enable}, disable ${p.disable}` +
      (p.lostTo.length > 0 ? `; loses ${p.lostTo.map((l) => `${l.count} to priority ${l.priority}`).join(", ")}` : "") +
      (p.catchesNobody ? ` — ${p.catchesNobody.message}` : ""),
  );
  return [
    ...lines,
    `totals: ${JSON.stringify(counts)}`,
    ...warnings.map((w) => `warning ${w.code}: ${w.message}`),
  ].join("\n");
}

describe("sandbox demo tenant", () => {
  test("is created connected to the emulators, with secrets encrypted and mappings to real Rescue groups", async () => {
    const endpoints = { rescueUrl: rescue.url, graphUrl: "https://127.0.0.1:4020" };
    const result = await seedSandboxTenant({ prisma: db.prisma, secretBox }, endpoints, EMULATOR_DEMO_ACCOUNTS);
    expect(result).toEqual({ tenantId: SANDBOX_TENANT_ID, mappings: 3 });

    const tenant = await db.prisma.tenant.findUniqueOrThrow({
      where: { id: SANDBOX_TENANT_ID },
      include: { rescueConnection: true, entraConnection: true, mappings: { orderBy: { priority: "asc" } } },
    });
    expect(tenant.sandboxMode).toBe(true);
    const dataKey = { wrapped: tenant.dataKeyWrapped, masterKeyId: tenant.dataKeyMasterKeyId };
    // Secrets are stored encrypted, and decrypt to the demo values.
    expect(tenant.rescueConnection!.passwordEnc).not.toContain(DEMO_RESCUE_CONNECTION.password);
    // The connections name the sandbox destination, and their secrets are sealed for it.
    expect(tenant.rescueConnection!.region).toBe("sandbox");
    // rule 15: the demo tenant owns the demo organisation.
    expect(tenant.rescueConnection).toMatchObject({
      rescueAccountId: 560961,
      rescueOrganization: "Contoso Demo Support",
    });
    expect(tenant.entraConnection!.cloud).toBe("sandbox");
    const rescuePassword = tenant.rescueConnection!.passwordEnc;
    expect(secretBox.decrypt(tenant.id, dataKey, "rescue.password@rescue:sandbox", rescuePassword)).toBe(
      DEMO_RESCUE_CONNECTION.password,
    );
    const clientSecret = tenant.entraConnection!.clientSecretEnc;
    expect(secretBox.decrypt(tenant.id, dataKey, "entra.clientSecret@entra:sandbox", clientSecret)).toBe(
      DEMO_CLIENT_SECRET,
    );
    expect(secretBox.decrypt(tenant.id, dataKey, "tenant.defaultPassword", tenant.defaultPasswordEnc!)).toBe(
      SANDBOX_DEFAULT_PASSWORD,
    );
    // Each mapping points at the emulator's technician group of that name.
    const groupIds = new Map(
      rescue.organisation
        .snapshot()
        .nodes.filter((n) => n.type === "TechnicianGroup")
        .map((n) => [n.name, n.id]),
    );
    expect(tenant.mappings.map((m) => [m.rescueGroupName, m.rescueGroupId])).toEqual([
      ["Support Tier 1", groupIds.get("Support Tier 1")],
      ["Support Tier 2", groupIds.get("Support Tier 2")],
      ["Field Engineers", groupIds.get("Field Engineers")],
    ]);

    // The demo owner can sign in with the published credentials.
    const owner = await db.prisma.portalUser.findUniqueOrThrow({
      where: { email: SANDBOX_PORTAL_USER.email },
      include: { memberships: true },
    });
    expect(await verify(owner.passwordHash!, SANDBOX_PORTAL_USER.password)).toBe(true);
    expect(owner.memberships).toEqual([expect.objectContaining({ tenantId: SANDBOX_TENANT_ID, role: "owner" })]);

    // Running it again refreshes the same tenant: no second tenant, no duplicate mappings.
    await seedSandboxTenant({ prisma: db.prisma, secretBox }, endpoints, EMULATOR_DEMO_ACCOUNTS);
    expect(await db.prisma.tenant.count()).toBe(1);
    expect(await db.prisma.groupMapping.count()).toBe(3);
    expect(await db.prisma.membership.count()).toBe(1);
  });

  test("rule 13: a new sandbox tenant's preview links the technicians that already match and updates none of them", async () => {
    // A Rescue organisation the demo already synced (another sandbox tenant, or this one before it was re-created):
    // every technician is there, identical to its Entra user. A new tenant knows no links.
    const synced = await startRescueEmulator({ port: 0 });
    try {
      const first = await sandboxClients(synced.url);
      const firstRun = await runSync(
        {
          directory: first.directory,
          rescue: first.client,
          recorder: new RecordingRunRecorder([]),
          clock: systemClock,
        },
        {
          tenantId: SANDBOX_TENANT_ID,
          mappings: first.mappings,
          links: [],
          defaultPassword: first.config.defaultPassword!,
        },
      );
      expect(firstRun.report.failures).toEqual([]);
      const technicians = firstRun.plan.counts.create + firstRun.plan.counts.adopt;

      const { config, client, directory, mappings } = await sandboxClients(synced.url);
      const { plan, report } = await runSync(
        { directory, rescue: client, recorder: new RecordingRunRecorder([]), clock: systemClock },
        { tenantId: SANDBOX_TENANT_ID, mappings, links: [], defaultPassword: config.defaultPassword!, dryRun: true },
      );
      // Finding 1: getHierarchy_v2 has no nick or SSO id, so every identical technician was also "updated". Their key
      // data is read first (getUser_v3, once each, the cost in the run's call counts), and nothing differs.
      expect(technicians).toBe(34);
      expect(plan.counts).toMatchObject({ adopt: 34, update: 0, create: 0, enable: 0, disable: 0 });
      expect(plan.actions.every((a) => a.kind === "adopt" && a.fields !== undefined)).toBe(true);
      expect(report.keyDataReads).toBe(34);
      expect(client.callCounts()).toMatchObject({ getHierarchy_v2: 1, getUser_v3: 34 });
      expect(client.callCounts().setUser_v2).toBeUndefined();
      // The lead quotes these: what each pair of the demo tenant brings, on a fresh organisation and on a synced one.
      console.log(`fresh organisation:\n${describePairs(firstRun.plan)}\n\nalready synced:\n${describePairs(plan)}`);
    } finally {
      await synced.close();
    }
  });

  test("the demo's first sync creates its technicians by createUser + setUser_v2, since the emulator refuses createUsers", async () => {
    await seedSandboxTenant(
      { prisma: db.prisma, secretBox },
      { rescueUrl: rescue.url, graphUrl: graph.url },
      EMULATOR_DEMO_ACCOUNTS,
    );
    const config = await loadTenantSyncConfig({ prisma: db.prisma, secretBox }, SANDBOX_TENANT_ID);
    expect(config.rescue?.bulkCreate.capability).toBe("unknown");
    // The clients as the worker builds them from the stored connection.
    const client = createRescueClient({
      // The sandbox destination is the server's configured emulator.
      baseUrl: rescue.url,
      email: config.rescue!.email,
      apiToken: config.rescue!.apiToken,
      password: config.rescue!.password ?? undefined,
      bulkCreate: config.rescue!.bulkCreate,
    });
    const directory = createEntraDirectorySource({
      tenantId: config.entra!.directoryId,
      clientId: config.entra!.clientId,
      clientSecret: config.entra!.clientSecret,
      authorityHost: graph.url,
      graphBaseUrl: graph.url,
      ca: graph.caCertPem,
    });
    const rows = await db.prisma.groupMapping.findMany({ where: { tenantId: SANDBOX_TENANT_ID } });
    const { report } = await runSync(
      { directory, rescue: client, recorder: new RecordingRunRecorder([]), clock: systemClock },
      {
        tenantId: SANDBOX_TENANT_ID,
        mappings: rows.map((m) => ({ ...m, filter: null, conditions: null })),
        links: [],
        defaultPassword: config.defaultPassword!,
      },
    );
    expect(report.status).toBe("succeeded");
    const created = report.counts.create.succeeded;
    expect(created).toBeGreaterThan(0);
    // One bulk try, then two calls per technician (setUser_v2 also serves the run's updates of adopted ones).
    expect(client.callCounts()).toMatchObject({ createUsers: 1, createUser: created });
    expect(client.callCounts().setUser_v2).toBeGreaterThanOrEqual(created);
    // What the worker writes to the run log, and keeps for the next run.
    expect(client.describeCreatePath()).toBe(
      `Created ${created} technicians one by one (createUser + setUser_v2): bulk creation (createUsers) refused on batch 1 (HTTP 500): remembered, this and later runs use the confirmed path`,
    );
    expect(client.bulkCreate).toMatchObject({ capability: "unavailable", reason: "createUsers answered HTTP 500" });
  });
});
