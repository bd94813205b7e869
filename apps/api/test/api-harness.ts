// One API per test file on a database and a Redis prefix of its own, playing the portal's
// server where a test needs tokens. Not a test file itself.
import { randomUUID } from "node:crypto";
import { type AlertQueue, createAlertQueue, type Mailer, type WebhookPolicy } from "@techsync/alerts";
import { generateMasterKey, type PrismaClient, parseMasterKeyring, pingDatabase, SecretBox } from "@techsync/db";
import { createTestDatabase, type TestDatabase } from "@techsync/db/testing";
import { createSyncQueue, type SyncQueue } from "@techsync/jobs";
import type { OutboundSettings, Resolve } from "@techsync/outbound";
import { RunEventListener } from "@techsync/runs";
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from "fastify";
import { Redis } from "ioredis";
import type { DestinationStream } from "pino";
import { type ApiRedis, apiRedisKeys, connectApiRedis } from "../src/api-redis";
import { buildApp } from "../src/app";
import { type AttemptCounter, memoryAttemptCounter } from "../src/auth/attempt-counter";
import { PORTAL_AUTH_SCOPE, portalTokenKey, signPortalToken } from "../src/auth/portal-token";
import { createApiMetrics } from "../src/metrics";

export const TEST_TOKEN_SECRET = "test-only-portal-token-secret-0123456789abcdef";
export const TEST_OPERATOR_TOKEN = "test-only-operator-token-0123456789abcdef";
export const TEST_PORTAL_ORIGIN = "http://portal.test";

/** The harness's resolver: no DNS, so no test traffic can reach a real Rescue or Microsoft host. */
export const offlineResolve: Resolve = async (hostname) => {
  throw new Error(`tests do not resolve ${hostname}`);
};

export interface ApiHarness {
  app: FastifyInstance;
  db: TestDatabase;
  prisma: PrismaClient;
  secretBox: SecretBox;
  syncQueue: SyncQueue;
  alertQueue: AlertQueue;
  /** The run events listener, when the harness was started with `runEvents: true`. */
  runEvents?: RunEventListener;
  /** A portal user token for this user id. */
  userToken(userId: string): Promise<string>;
  /** The portal's service token, for /v1/auth/*. */
  serviceToken(): Promise<string>;
  /** A portal user (created directly) who owns a new tenant (created through the API); `sandbox` turns sandbox mode on. */
  ownerWithTenant(
    name?: string,
    options?: {
      sandbox?: boolean;
      /** rule 14: as if a person had started syncing (real runs and a schedule allowed); default: not yet. */
      activated?: boolean;
    },
  ): Promise<{ userId: string; tenantId: string; token: string }>;
  /** A user added to the tenant with this role. */
  memberOf(tenantId: string, role: "owner" | "admin" | "viewer"): Promise<{ userId: string; token: string }>;
  /**
   * One row of each kind a tenant route can name by id: a viewer, a blocked run, a mapping, an API key, a
   * pending invitation (and its link's token).
   */
  tenantResources(owner: { tenantId: string; token: string }): Promise<TenantResourceIds>;
  call(token: string, options: InjectOptions): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

export type TenantResourceIds = Record<
  | "tenantId"
  | "userId"
  | "runId"
  | "mappingId"
  | "keyId"
  | "invitationId"
  | "token"
  | "entraUserId"
  | "recipientId"
  | "webhookId"
  | "linkId",
  string
>;

export interface HarnessOptions {
  logStream?: DestinationStream;
  rateLimitPerMinute?: number;
  runEventsPollMs?: number;
  /** Run event streams hear of changes through a LISTEN connection of their own, as in production. */
  runEvents?: boolean;
  runEventsHeartbeatMs?: number;
  /** The server's emulators (the sandbox destination) and the Graph emulator's CA, as the environment gives them. */
  outbound?: OutboundSettings;
  /** The outbound policy's total timeout per call (default 10 s). */
  upstreamTimeoutMs?: number;
  /** Replaces the database and Redis checks (a test of /readyz with a dead dependency). */
  readiness?: Record<string, () => Promise<unknown>>;
  queueBoardWritable?: boolean;
  /** Failed sign-in and credential counts (default: in memory, fresh per harness). */
  attemptCounter?: AttemptCounter;
  /** Rate limits counted in Redis under this REDIS_PREFIX, as in production (default: in memory). */
  rateLimitRedisPrefix?: string;
  /**
   * Everything the API keeps in Redis (queue, rate limits, failed attempts, readiness) on this Redis, wired as
   * server.ts wires it: a test's own redis-server (own-redis.ts) that it may kill.
   */
  redisUrl?: string;
  /** How long Graph notifications of a tenant are gathered into one incremental-run job (default 1 s). */
  notificationDebounceMs?: number;
  /** The deployment's REDIS_PREFIX, for two APIs of one deployment or an API and a worker (default: one of its own). */
  redisPrefix?: string;
  /** How long "sync this user now" waits for its run (default 30 s). */
  syncUserWaitMs?: number;
  /** The mail path (an SMTP server of the test's own); default none. */
  mailer?: Mailer;
  /** Which webhook URLs may be registered (default production's: https, public addresses). */
  webhookPolicy?: WebhookPolicy;
}

/** The token at the end of an invitation link. */
export function invitationTokenOf(link: string): string {
  const token = new URL(link).pathname.split("/").pop();
  if (!token) throw new Error(`no token in ${link}`);
  return token;
}

export async function startApiHarness(options: HarnessOptions = {}): Promise<ApiHarness> {
  const db = await createTestDatabase();
  const prefix = options.redisPrefix ?? `test-api-${process.pid}-${randomUUID().slice(0, 8)}`;
  // Production's wiring on the test's own Redis, or one connection to the shared Redis.
  const apiRedis: ApiRedis | undefined = options.redisUrl
    ? connectApiRedis({ url: options.redisUrl, prefix })
    : undefined;
  const connection = apiRedis
    ? apiRedis.redis
    : new Redis(process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379", { maxRetriesPerRequest: null });
  const syncQueue = apiRedis ? apiRedis.syncQueue : createSyncQueue({ connection, prefix });
  const alertQueue = apiRedis ? apiRedis.alertQueue : createAlertQueue({ connection, prefix });
  // Connected before the first request, as a deployment's API is once /readyz says so: until then it counts
  // rate limits in its own memory. (A test's own Redis may be down on purpose: its tests wait for /readyz.)
  if (!apiRedis) await connection.ping();
  const secretBox = new SecretBox(parseMasterKeyring(`test:${generateMasterKey()}`, "test"));
  const key = portalTokenKey(TEST_TOKEN_SECRET);
  const runEvents = options.runEvents ? new RunEventListener({ connectionString: db.url }) : undefined;
  await runEvents?.start();
  const app = await buildApp(
    {
      prisma: db.prisma,
      secretBox,
      syncQueue,
      metrics: createApiMetrics(),
      portalTokenKey: key,
      // Tests never resolve a real host: a call to a public destination is refused before it leaves the machine.
      outbound: { resolve: offlineResolve, ...(options.outbound ?? { emulators: {} }) },
      ...(runEvents ? { runEvents } : {}),
      runEventsPollMs: options.runEventsPollMs ?? 50,
      ...(options.syncUserWaitMs !== undefined ? { syncUserWaitMs: options.syncUserWaitMs } : {}),
      ...(options.runEventsHeartbeatMs ? { runEventsHeartbeatMs: options.runEventsHeartbeatMs } : {}),
      upstreamTimeoutMs: options.upstreamTimeoutMs ?? 10_000,
      attemptCounter: options.attemptCounter ?? apiRedis?.attemptCounter ?? memoryAttemptCounter(),
      ...(apiRedis ? { rateLimitRedis: apiRedis.redis, rateLimitNameSpace: apiRedis.rateLimitNameSpace } : {}),
      ...(options.rateLimitRedisPrefix
        ? {
            rateLimitRedis: connection,
            rateLimitNameSpace: apiRedisKeys(options.rateLimitRedisPrefix).rateLimitNameSpace,
          }
        : {}),
      portalOrigin: TEST_PORTAL_ORIGIN,
      alertQueue,
      webhookPolicy: options.webhookPolicy ?? { allowHttp: false, allowPrivateAddresses: false },
      ...(options.mailer ? { mailer: options.mailer } : {}),
      ...(options.notificationDebounceMs !== undefined
        ? { notificationDebounceMs: options.notificationDebounceMs }
        : {}),
      readiness: options.readiness ?? {
        database: () => pingDatabase(db.prisma),
        redis: () => (apiRedis ? apiRedis.ping() : connection.ping()),
      },
    },
    {
      logLevel: options.logStream ? "info" : "silent",
      ...(options.logStream ? { logStream: options.logStream } : {}),
      portalOrigin: TEST_PORTAL_ORIGIN,
      operatorToken: TEST_OPERATOR_TOKEN,
      queueBoardWritable: options.queueBoardWritable ?? false,
      rateLimitPerMinute: options.rateLimitPerMinute ?? 100_000,
    },
  );
  await app.ready();

  const userToken = (userId: string) => signPortalToken(key, { sub: userId });
  const call = (token: string, request: InjectOptions) =>
    app.inject({ ...request, headers: { authorization: `Bearer ${token}`, ...request.headers } });

  async function createUser(): Promise<string> {
    const user = await db.prisma.portalUser.create({ data: { email: `${randomUUID()}@example.test` } });
    return user.id;
  }

  async function memberOf(tenantId: string, role: "owner" | "admin" | "viewer") {
    const userId = await createUser();
    await db.prisma.membership.create({ data: { tenantId, portalUserId: userId, role } });
    return { userId, token: await userToken(userId) };
  }

  return {
    app,
    db,
    prisma: db.prisma,
    secretBox,
    syncQueue,
    alertQueue,
    ...(runEvents ? { runEvents } : {}),
    userToken,
    serviceToken: () => signPortalToken(key, { sub: "portal", scope: PORTAL_AUTH_SCOPE }),
    call,
    async ownerWithTenant(name = "Contoso", tenantOptions = {}) {
      const userId = await createUser();
      const token = await userToken(userId);
      const res = await call(token, { method: "POST", url: "/v1/tenants", payload: { name } });
      if (res.statusCode !== 201) throw new Error(`tenant not created: ${res.body}`);
      const tenantId = res.json().id as string;
      if (tenantOptions.sandbox)
        await db.prisma.tenant.update({ where: { id: tenantId }, data: { sandboxMode: true } });
      if (tenantOptions.activated) {
        await db.prisma.tenant.update({
          where: { id: tenantId },
          data: { activatedAt: new Date(), activatedBy: `portal_user:${userId}` },
        });
      }
      return { userId, tenantId, token };
    },
    memberOf,
    async tenantResources(owner) {
      const { tenantId } = owner;
      const member = await memberOf(tenantId, "viewer");
      const run = await db.prisma.syncRun.create({
        data: { tenantId, trigger: "portal", dryRun: false, status: "blocked" },
      });
      const mapping = await db.prisma.groupMapping.create({
        data: {
          tenantId,
          entraGroupId: "g",
          entraGroupName: "Group",
          rescueGroupId: 7,
          rescueGroupName: "Technicians",
        },
      });
      const key = await call(owner.token, {
        method: "POST",
        url: `/v1/tenants/${tenantId}/api-keys`,
        payload: { name: "read-only", scopes: ["read"] },
      });
      if (key.statusCode !== 201) throw new Error(`API key not created: ${key.body}`);
      const invitation = await call(owner.token, {
        method: "POST",
        url: `/v1/tenants/${tenantId}/invitations`,
        payload: { email: `invitee-${randomUUID()}@example.test`, role: "viewer" },
      });
      if (invitation.statusCode !== 201) throw new Error(`invitation not created: ${invitation.body}`);
      const recipient = await call(owner.token, {
        method: "POST",
        url: `/v1/tenants/${tenantId}/alerts/recipients`,
        payload: { email: `oncall-${randomUUID()}@example.test`, events: ["run_failed"] },
      });
      if (recipient.statusCode !== 201) throw new Error(`alert recipient not added: ${recipient.body}`);
      const webhook = await call(owner.token, {
        method: "POST",
        url: `/v1/tenants/${tenantId}/alerts/webhooks`,
        payload: { url: "https://hooks.example.com/techsync", events: ["run_failed"] },
      });
      if (webhook.statusCode !== 201) throw new Error(`alert webhook not added: ${webhook.body}`);
      // A linked technician (the worker writes links; no route creates one).
      const link = await db.prisma.link.create({
        data: {
          tenantId,
          entraUserId: randomUUID(),
          rescueNodeId: 4242,
          name: "Alex",
          nick: "Alex",
          email: "alex@example.test",
          ssoId: "",
        },
      });
      return {
        recipientId: recipient.json().id,
        webhookId: webhook.json().webhook.id,
        tenantId,
        userId: member.userId,
        runId: run.id,
        mappingId: mapping.id,
        keyId: key.json().apiKey.id,
        invitationId: invitation.json().invitation.id,
        token: invitationTokenOf(invitation.json().link),
        // A user of an Entra directory: the directory's id, not the tenant's (no row holds it).
        entraUserId: "5f0c2a8e-1b7d-4c3e-9a6f-2d8b4e1c7a90",
        linkId: link.id,
      };
    },
    async close() {
      await app.close();
      await runEvents?.close();
      if (apiRedis) {
        // The test's own Redis may be down by now; it is thrown away with its data anyway.
        await apiRedis.close().catch(() => {});
      } else {
        await syncQueue.obliterate({ force: true });
        await syncQueue.close();
        await alertQueue.obliterate({ force: true });
        await alertQueue.close();
        await connection.quit();
      }
      await db.drop();
    },
  };
}
