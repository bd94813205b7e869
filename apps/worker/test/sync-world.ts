// The world the worker's integration tests run in: a database of their own, real Redis under a prefix of their
// own, the Graph emulator, and per tenant a Rescue emulator (behind one router URL, as a server has
// one Rescue emulator), a generated directory and the tenant's encrypted connections, as the API would have
// stored them: sandbox tenants whose connections name the sandbox destination.
import { randomUUID } from "node:crypto";
import {
  entraSecretField,
  generateMasterKey,
  parseMasterKeyring,
  rescueSecretField,
  SECRET_FIELDS,
  SecretBox,
  tenantDataKey,
} from "@techsync/db";
import { createTestDatabase, type TestDatabase } from "@techsync/db/testing";
import {
  type DirectoryGeneratorOptions,
  type EmulatedTenant,
  generateDirectory,
  type RunningGraphEmulator,
  startGraphEmulator,
} from "@techsync/emulators/graph";
import {
  type RescueBehaviourInput,
  type RescueFaultsInput,
  type StartedRescueEmulator,
  startRescueEmulator,
} from "@techsync/emulators/rescue";
import { createSyncQueue, enqueueRun, type SyncQueue } from "@techsync/jobs";
import type { OutboundSettings } from "@techsync/outbound";
import { approveBlockedRun, createRun } from "@techsync/runs";
import { Redis } from "ioredis";
import pino from "pino";
import { Registry } from "prom-client";
import { type SyncWorker, type SyncWorkerOptions, startSyncWorker } from "../src/sync-worker";
import { type RescueRouter, startRescueRouter } from "./rescue-router";

export const REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
export const DEFAULT_PASSWORD = "Techsync-Default-2026!";
export const CLIENT_SECRET = "Wrk8Q~TechSyncWorkerTestSecretValue000001";
/** The Master Account Holder of a tenant's Rescue organisation: email and token unique per tenant (for the router). */
const mahOf = (tenantId: string) => ({
  name: "Dana Holder",
  email: `mah-${tenantId.slice(0, 8)}@worker-test.example`,
  password: "Mah-Password-2026!",
  /** Global Settings › Generate API token: what the connection stores. */
  apiToken: `api-token-${tenantId}`,
  /** The AdSync service token, which the strict emulator refuses as authcode. */
  serviceToken: `svc-token-${tenantId}`,
});

export interface SyncWorld {
  db: TestDatabase;
  masterKeys: string;
  secretBox: SecretBox;
  graph: RunningGraphEmulator;
  /** The one Rescue emulator URL the worker is configured with (RESCUE_EMULATOR_URL). */
  rescueRouter: RescueRouter;
  /** The worker's outbound settings: the emulators as the sandbox destination, the Graph emulator's CA. */
  outbound: OutboundSettings;
  prefix: string;
  /** The Redis the world's queue and its workers use (REDIS_URL unless the world was given another). */
  redisUrl: string;
  /** The producer side, as the API uses it. */
  queue: SyncQueue;
  close(): Promise<void>;
}

export interface SyncWorldOptions {
  /** A Redis of the test's own (the chaos suite stops and flushes it); default the shared one under a prefix. */
  redisUrl?: string;
}

export async function createSyncWorld(name: string, options: SyncWorldOptions = {}): Promise<SyncWorld> {
  const redisUrl = options.redisUrl ?? REDIS_URL;
  const masterKeys = `k1:${generateMasterKey()}`;
  const secretBox = new SecretBox(parseMasterKeyring(masterKeys, "k1"));
  const [db, graph, rescueRouter] = await Promise.all([
    createTestDatabase(),
    startGraphEmulator({ port: 0, tenants: [] }),
    startRescueRouter(),
  ]);
  const prefix = `test-worker-${name}-${process.pid}-${Date.now()}`;
  const connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const queue = createSyncQueue({ connection, prefix });
  if (options.redisUrl) {
    // A Redis of the test's own goes down on purpose: its reconnect errors are the test's doing, not news.
    connection.on("error", () => {});
    queue.on("error", () => {});
  }
  return {
    db,
    masterKeys,
    secretBox,
    graph,
    rescueRouter,
    outbound: {
      emulators: { rescueUrl: rescueRouter.url, graphUrl: graph.url },
      graphEmulatorCa: graph.caCertPem,
    },
    prefix,
    redisUrl,
    queue,
    close: async () => {
      await rescueRouter.close();
      await queue.obliterate({ force: true }).catch(() => undefined);
      await queue.close();
      await connection.quit();
      await graph.close();
      await db.drop();
    },
  };
}

export interface TestTenant {
  id: string;
  directory: EmulatedTenant;
  /** The mapped Entra group and its generated members' ids. */
  groupId: string;
  userIds: string[];
  rescue: StartedRescueEmulator;
  /** The mapped Rescue technician group, and a second one to move technicians to by hand. */
  rescueGroupId: number;
  otherRescueGroupId: number;
}

export interface TestTenantOptions {
  users: number;
  /** Entra groups, each mapped to a Rescue technician group of its own (default 1, mapped to "Helpdesk"). */
  groups?: number;
  seed?: number;
  /** What the tenant's Entra connection holds (default the app's real secret). */
  clientSecret?: string;
  rescueFaults?: RescueFaultsInput;
  /**
   * true: the connection holds the AdSync service token instead of the API token; Rescue refuses it as authcode, so
   * calls use a login session (which can expire).
   */
  storesServiceToken?: boolean;
  /** How the tenant's emulated Rescue answers where the docs are silent (default strict: createUsers refused). */
  rescueBehaviour?: RescueBehaviourInput;
  safetyThreshold?: { percent: number; minimum: number };
  /** The tenant's "Include guest users" setting (default off). */
  includeGuests?: boolean;
  /** Paused: no scheduled runs (a worker that reconciles schedules gives it none); "Sync now" still runs it. */
  paused?: boolean;
  /** rule 14: false for a tenant nobody started syncing yet (no schedule, no real run); default true. */
  activated?: boolean;
  /** More of the generator's options: guests, contacts, devices, service principals in the groups. */
  directory?: Pick<
    DirectoryGeneratorOptions,
    "guestRatio" | "guestWithoutMailRatio" | "contactsPerGroup" | "devicesPerGroup" | "servicePrincipalsPerGroup"
  >;
}

/** AccountIDs of the tenants' emulated organisations: distinct within a test process. */
let nextAccountId = 700_000 + Math.floor(Math.random() * 1_000_000) * 10;

export async function createTestTenant(world: SyncWorld, options: TestTenantOptions): Promise<TestTenant> {
  const id = randomUUID();
  const directoryId = randomUUID();
  const clientId = randomUUID();
  const generated = generateDirectory({
    seed: options.seed ?? 7,
    tenantId: directoryId,
    domain: `t${id.slice(0, 8)}.example`,
    users: options.users,
    groups: options.groups ?? 1,
    ...options.directory,
    apps: [
      {
        clientId,
        displayName: "TechSync",
        secrets: [{ id: randomUUID(), value: CLIENT_SECRET, expiresAt: "2099-01-01T00:00:00Z" }],
        roles: ["User.Read.All", "Group.Read.All", "Directory.Read.All"],
      },
    ],
  });
  const directory = world.graph.admin.addTenant(generated);
  const teamNames =
    (options.groups ?? 1) === 1 ? ["Helpdesk"] : Array.from({ length: options.groups ?? 1 }, (_, i) => `Team ${i + 1}`);
  const mah = mahOf(id);
  const rescue = await startRescueEmulator({
    port: 0,
    seed: {
      // rule 15: each tenant's emulator is an organisation of its own, as two customers' are.
      account: { id: nextAccountId++, technicianLicences: options.users + 100, mobileLicences: 10 },
      masterAccountHolder: mah,
      technicianGroups: [...teamNames.map((name) => ({ name })), { name: "Escalations" }],
    },
    ...(options.rescueFaults ? { faults: options.rescueFaults } : {}),
    ...(options.rescueBehaviour ? { behaviour: options.rescueBehaviour } : {}),
  });
  world.rescueRouter.route(
    { apiToken: options.storesServiceToken ? mah.serviceToken : mah.apiToken, email: mah.email },
    rescue.url,
  );
  const groupNode = (name: string) => {
    const id = nodeIds.get(name);
    if (id === undefined) throw new Error(`no Rescue group ${name}`);
    return id;
  };
  const group = generated.groups[0];
  if (!group) throw new Error("no generated group");
  const nodeIds = new Map(
    rescue.organisation
      .snapshot()
      .nodes.filter((n) => n.type === "TechnicianGroup")
      .map((n) => [n.name, n.id]),
  );

  const key = world.secretBox.createDataKey(id);
  const seal = (field: string, value: string) => world.secretBox.encrypt(id, key, field, value);
  const rescueGroupId = groupNode(teamNames[0] ?? "Helpdesk");
  await world.db.prisma.tenant.create({
    data: {
      id,
      name: `Tenant ${id.slice(0, 8)}`,
      sandboxMode: true,
      dataKeyWrapped: key.wrapped,
      dataKeyMasterKeyId: key.masterKeyId,
      defaultPasswordEnc: seal(SECRET_FIELDS.defaultPassword, DEFAULT_PASSWORD),
      ...(options.includeGuests ? { includeGuests: true } : {}),
      ...(options.paused ? { paused: true } : {}),
      ...(options.activated === false ? {} : { activatedAt: new Date(), activatedBy: "system:test-world" }),
      ...(options.safetyThreshold
        ? {
            safetyThresholdPercent: options.safetyThreshold.percent,
            safetyThresholdMinimum: options.safetyThreshold.minimum,
          }
        : {}),
      rescueConnection: {
        create: {
          email: mah.email,
          region: "sandbox",
          passwordEnc: seal(rescueSecretField(SECRET_FIELDS.rescuePassword, "sandbox"), mah.password),
          apiTokenEnc: seal(
            rescueSecretField(SECRET_FIELDS.rescueApiToken, "sandbox"),
            options.storesServiceToken ? mah.serviceToken : mah.apiToken,
          ),
        },
      },
      entraConnection: {
        create: {
          directoryId,
          clientId,
          cloud: "sandbox",
          clientSecretEnc: seal(entraSecretField("sandbox"), options.clientSecret ?? CLIENT_SECRET),
        },
      },
      mappings: {
        create: generated.groups.map((entraGroup, index) => ({
          entraGroupId: entraGroup.id,
          entraGroupName: String(entraGroup.displayName),
          rescueGroupId: groupNode(teamNames[index] ?? "Helpdesk"),
          rescueGroupName: teamNames[index] ?? "Helpdesk",
          priority: 100 + index,
        })),
      },
    },
  });
  return {
    id,
    directory,
    groupId: group.id,
    userIds: generated.users.map((user) => user.id),
    rescue,
    rescueGroupId,
    otherRescueGroupId: groupNode("Escalations"),
  };
}

/** What the API does for "sync now": a queued SyncRun row, then enqueueRun. */
/** As the API's "sync now": a run through createRun (the tenant's queued or running one if it has one), enqueued. */
export async function requestRun(world: SyncWorld, tenantId: string, dryRun = false): Promise<string> {
  const created = await createRun(world.db.prisma, { tenantId, trigger: "portal", dryRun });
  if (created.outcome === "refused") throw new Error(created.reason);
  await enqueueRun(world.queue, { tenantId, runId: created.run.id });
  return created.run.id;
}

/**
 * The tenant's Rescue connection now holds another tenant's Master Account Holder and API token, i.e. opens that
 * tenant's organisation; nothing recorded which organisation it is (as when Rescue was down at the save).
 */
export async function connectToRescueOf(world: SyncWorld, tenantId: string, otherTenantId: string): Promise<void> {
  const tenant = await world.db.prisma.tenant.findUniqueOrThrow({ where: { id: tenantId } });
  const other = mahOf(otherTenantId);
  await world.db.prisma.rescueConnection.update({
    where: { tenantId },
    data: {
      email: other.email,
      apiTokenEnc: world.secretBox.encrypt(
        tenantId,
        tenantDataKey(tenant),
        rescueSecretField(SECRET_FIELDS.rescueApiToken, "sandbox"),
        other.apiToken,
      ),
      passwordEnc: "",
      rescueAccountId: null,
      rescueOrganization: null,
    },
  });
}

/** As the API's approve route: the blocked run is queued again under its id, and its job put back. */
export async function approveRun(world: SyncWorld, tenantId: string, runId: string): Promise<void> {
  const result = await approveBlockedRun(world.db.prisma, {
    tenantId,
    runId,
    approvedBy: "member:test-owner",
    onApproved: async () => {
      await enqueueRun(world.queue, { tenantId, runId });
    },
  });
  if (result.outcome !== "approved") throw new Error(`not approved: ${result.outcome}`);
}

const FINAL = new Set(["succeeded", "partial", "failed", "blocked", "cancelled", "interrupted"]);

export async function waitForRun(world: SyncWorld, runId: string, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const run = await world.db.prisma.syncRun.findUniqueOrThrow({ where: { id: runId } });
    if (FINAL.has(run.status)) return run;
    if (Date.now() > deadline) throw new Error(`run ${runId} still ${run.status} (${run.phase}) after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Technicians in the Rescue emulator per email: every user must have exactly one (rule 12). */
export function techniciansByEmail(tenant: TestTenant): Map<string, number> {
  const counts = new Map<string, number>();
  for (const node of tenant.rescue.organisation.technicians()) {
    const email = node.email.toLowerCase();
    counts.set(email, (counts.get(email) ?? 0) + 1);
  }
  return counts;
}

/** A worker on the world's database, queue prefix and emulators, with short back-offs so tests stay quick. */
export function startTestWorker(world: SyncWorld, overrides: Partial<SyncWorkerOptions> = {}): SyncWorker {
  return startSyncWorker({
    prisma: world.db.prisma,
    secretBox: world.secretBox,
    log: pino({ level: "silent" }),
    metricsRegistry: new Registry(),
    redisUrl: world.redisUrl,
    prefix: world.prefix,
    concurrency: 2,
    adapters: { outbound: world.outbound, rescueRetryDelayMs: 20, graphBaseBackoffMs: 20 },
    retry: { baseDelayMs: 20, maxDelayMs: 200 },
    ...overrides,
  });
}
