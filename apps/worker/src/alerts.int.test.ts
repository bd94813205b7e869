// Alerts end to end inside the worker: a run blocked by the safety threshold mails the owner and an extra address
// through a real SMTP server (smtp-server, parsed with mailparser) and posts a signed webhook to a real HTTP
// receiver; a failing webhook is retried with backoff and every attempt is logged; raising the same event again
// sends nothing twice; a wrong Entra secret raises "credential rejected"; an expiring secret reminds once a day.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createMailer, generateSigningSecret, raiseAlert, verifyWebhookSignature } from "@techsync/alerts";
import { alertWebhookSecretField, tenantDataKey } from "@techsync/db";
import { simpleParser } from "mailparser";
import pino from "pino";
import { SMTPServer } from "smtp-server";
import {
  createSyncWorld,
  createTestTenant,
  requestRun,
  type SyncWorld,
  startTestWorker,
  waitForRun,
} from "../test/sync-world";
import { type AlertWorker, checkEntraSecretExpiry, startAlertWorker } from "./alert-worker";
import type { SyncWorker } from "./sync-worker";

jest.setTimeout(60_000);

interface Mail {
  to: string;
  subject: string;
  text: string;
}
interface Hook {
  body: string;
  signature: string | undefined;
}

let world: SyncWorld;
let alerts: AlertWorker;
let worker: SyncWorker;
let smtp: SMTPServer;
let receiver: Server;
const mails: Mail[] = [];
const hooks: Hook[] = [];
/** What the receiver answers next (a queue of statuses, then 200). */
const answers: number[] = [];
let smtpPort: number;
let hookUrl: string;

async function until<T>(what: string, check: () => T | undefined | false, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = check();
    if (value) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

beforeAll(async () => {
  world = await createSyncWorld("alerts");
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    onData(stream, session, callback) {
      simpleParser(stream).then((parsed) => {
        for (const rcpt of session.envelope.rcptTo) {
          mails.push({ to: rcpt.address, subject: parsed.subject ?? "", text: parsed.text ?? "" });
        }
        callback();
      }, callback);
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, "127.0.0.1", resolve));
  smtpPort = (smtp.server.address() as AddressInfo).port;
  receiver = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => {
      body += chunk;
    });
    req.on("end", () => {
      hooks.push({ body, signature: req.headers["techsync-signature"] as string | undefined });
      const status = answers.shift() ?? 200;
      res.writeHead(status, { "content-type": "text/plain" }).end(status === 200 ? "thanks" : "receiver is down");
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks/techsync`;
  alerts = startAlertWorker({
    prisma: world.db.prisma,
    secretBox: world.secretBox,
    log: pino({ level: "silent" }),
    redisUrl: world.redisUrl,
    prefix: world.prefix,
    backoffMs: 200,
    portalUrl: "http://portal.test",
    webhookPolicy: { allowHttp: true, allowPrivateAddresses: true },
    mailer: createMailer({ smtpUrl: `smtp://127.0.0.1:${smtpPort}`, from: "TechSync <alerts@techsync.test>" }),
  });
  worker = startTestWorker(world, { alertQueue: alerts.queue });
});
afterAll(async () => {
  await worker?.close();
  await alerts?.close();
  await new Promise((r) => smtp?.close(() => r(undefined)));
  await new Promise((r) => receiver?.close(() => r(undefined)));
  await world?.close();
});

/** An owner (the default recipient), an extra address, and a webhook for the given events; returns its secret. */
async function configureAlerts(tenantId: string, events: string[]) {
  const { prisma } = world.db;
  const owner = await prisma.portalUser.create({ data: { email: `owner-${tenantId}@example.com` } });
  await prisma.membership.create({ data: { tenantId, portalUserId: owner.id, role: "owner" } });
  await prisma.alertEmailRecipient.create({ data: { tenantId, email: `oncall-${tenantId}@example.com`, events } });
  const tenant = await prisma.tenant.findUniqueOrThrow({ where: { id: tenantId } });
  const secret = generateSigningSecret();
  const webhook = await prisma.alertWebhook.create({
    data: { tenantId, url: hookUrl, events, signingSecretEnc: "pending" },
  });
  await prisma.alertWebhook.update({
    where: { id: webhook.id },
    data: {
      signingSecretEnc: world.secretBox.encrypt(
        tenantId,
        tenantDataKey(tenant),
        alertWebhookSecretField(webhook.id),
        secret,
      ),
    },
  });
  return { owner, secret, webhookId: webhook.id };
}

test("a blocked run mails the owner and the extra address, and posts a signed webhook, once each", async () => {
  const tenant = await createTestTenant(world, { users: 12, safetyThreshold: { percent: 10, minimum: 2 } });
  expect((await waitForRun(world, await requestRun(world, tenant.id))).status).toBe("succeeded");
  const { owner, secret } = await configureAlerts(tenant.id, ["run_blocked"]);
  for (const id of tenant.userIds.slice(0, 5)) tenant.directory.removeMember(tenant.groupId, id);
  const runId = await requestRun(world, tenant.id);
  expect((await waitForRun(world, runId)).status).toBe("blocked");

  const ours = () => mails.filter((m) => m.text.includes(runId));
  await until("two mails", () => ours().length === 2);
  expect(
    ours()
      .map((m) => m.to)
      .sort(),
  ).toEqual([owner.email, `oncall-${tenant.id}@example.com`].sort());
  const mail = ours()[0]!;
  expect(mail.subject).toMatch(/run was blocked by the safety threshold/);
  expect(mail.text).toContain(`http://portal.test/t/${tenant.id}/runs/${runId}`);
  expect(mail.text).toMatch(/approve or dismiss/);

  const hook = await until("the webhook", () => hooks.find((h) => h.body.includes(runId)));
  expect(verifyWebhookSignature(hook.signature, hook.body, secret)).toMatchObject({ ok: true });
  expect(verifyWebhookSignature(hook.signature, hook.body, "whsec_wrong").ok).toBe(false);
  expect(JSON.parse(hook.body)).toMatchObject({
    type: "run_blocked",
    tenant: { id: tenant.id },
    data: { runId, url: `http://portal.test/t/${tenant.id}/runs/${runId}` },
  });

  // The same event raised again (a retried job): recorded once, nothing sent twice.
  await raiseAlert(
    { prisma: world.db.prisma, queue: alerts.queue },
    {
      tenantId: tenant.id,
      kind: "run_blocked",
      dedupeKey: `run_blocked:${runId}`,
      summary: "again",
      fixPath: `/t/${tenant.id}/runs/${runId}`,
      runId,
    },
  );
  await new Promise((r) => setTimeout(r, 1500));
  expect(ours()).toHaveLength(2);
  expect(hooks.filter((h) => h.body.includes(runId))).toHaveLength(1);
  await tenant.rescue.close();
});

test("a webhook that answers 500 is retried with backoff; each attempt is logged with its status and excerpt", async () => {
  const tenant = await createTestTenant(world, { users: 2 });
  await configureAlerts(tenant.id, ["run_succeeded"]);
  answers.push(500, 503);
  const runId = await requestRun(world, tenant.id);
  expect((await waitForRun(world, runId)).status).toBe("succeeded");
  const deadline = Date.now() + 20_000;
  let delivery = null;
  while (!delivery && Date.now() < deadline) {
    delivery = await world.db.prisma.alertDelivery.findFirst({
      where: { tenantId: tenant.id, channel: "webhook", status: "delivered" },
    });
    if (!delivery) await new Promise((r) => setTimeout(r, 100));
  }
  if (!delivery) throw new Error("the webhook was never delivered");
  const attempts = await world.db.prisma.alertDeliveryAttempt.findMany({
    where: { deliveryId: delivery.id },
    orderBy: { id: "asc" },
  });
  expect(attempts.map((a) => [a.ok, a.statusCode])).toEqual([
    [false, 500],
    [false, 503],
    [true, 200],
  ]);
  expect(attempts[0]!.responseExcerpt).toBe("receiver is down");
  expect(attempts[0]!.error).toMatch(/answered 500/);
  expect(attempts[2]!.at.getTime() - attempts[1]!.at.getTime()).toBeGreaterThanOrEqual(
    attempts[1]!.at.getTime() - attempts[0]!.at.getTime(),
  );
  expect(delivery.attempts).toBe(3);
  await tenant.rescue.close();
});

test("a wrong Entra client secret raises 'credential rejected' with a link to Settings", async () => {
  const tenant = await createTestTenant(world, { users: 2, clientSecret: "Wrk8Q~definitely-not-the-secret-000000000" });
  const { owner } = await configureAlerts(tenant.id, []);
  const runId = await requestRun(world, tenant.id);
  expect((await waitForRun(world, runId)).status).toBe("failed");
  const mail = await until("the credential mail", () =>
    mails.find((m) => m.to === owner.email && /refused the stored credential/.test(m.subject)),
  );
  expect(mail.text).toContain("Microsoft Entra ID refused the credential");
  expect(mail.text).toContain(`http://portal.test/t/${tenant.id}/settings`);
  await until("the failed-run mail", () => mails.find((m) => m.to === owner.email && /A run failed/.test(m.subject)));
  await tenant.rescue.close();
});

test("an Entra secret expiring within 30 days reminds the owners at most once per day", async () => {
  const tenant = await createTestTenant(world, { users: 1, activated: false });
  const { owner } = await configureAlerts(tenant.id, []);
  const now = new Date("2026-12-02T08:00:00Z");
  await world.db.prisma.entraConnection.update({
    where: { tenantId: tenant.id },
    data: { clientSecretExpiresAt: new Date("2026-12-20T00:00:00Z") },
  });
  const deps = { prisma: world.db.prisma, queue: alerts.queue };
  await checkEntraSecretExpiry(deps, now);
  await checkEntraSecretExpiry(deps, new Date("2026-12-02T20:00:00Z"));
  const mine = () => mails.filter((m) => m.to === owner.email && /expires within 30 days/.test(m.subject));
  await until("the reminder", () => mine().length === 1);
  expect(mine()[0]!.text).toContain("expires on 2026-12-20 (in 18 days; the date entered with the secret in TechSync)");
  await new Promise((r) => setTimeout(r, 1000));
  expect(mine()).toHaveLength(1);
  await checkEntraSecretExpiry(deps, new Date("2026-12-03T08:00:00Z"));
  await until("the next day's reminder", () => mine().length === 2);
  await tenant.rescue.close();
});

/** The tenant's one app registration in the emulated directory. */
function appOf(tenant: Awaited<ReturnType<typeof createTestTenant>>) {
  const app = [...tenant.directory.apps.values()][0];
  if (!app) throw new Error("the test tenant has no app registration");
  return app;
}

const applicationReads = () => world.graph.admin.recentRequests.filter((url) => url.startsWith("/v1.0/applications"));

test("without an entered date, the reminder uses the date read from the app registration in Graph, read once a day", async () => {
  const tenant = await createTestTenant(world, { users: 1, activated: false });
  const { owner } = await configureAlerts(tenant.id, []);
  // Real time: the emulator refuses an expired secret at sign-in by the real clock.
  const now = new Date();
  const expires = new Date(now.getTime() + 18 * 24 * 3600_000);
  appOf(tenant).secrets[0]!.expiresAt = expires.toISOString();
  const deps = {
    prisma: world.db.prisma,
    queue: alerts.queue,
    secretBox: world.secretBox,
    outbound: world.outbound,
    log: pino({ level: "silent" }),
  };
  const readsBefore = applicationReads().length;
  await checkEntraSecretExpiry(deps, now);
  const mine = () => mails.filter((m) => m.to === owner.email && /expires within 30 days/.test(m.subject));
  await until("the reminder", () => mine().length === 1);
  expect(mine()[0]!.text).toContain(`expires on ${expires.toISOString().slice(0, 10)} (in 18 days`);
  expect(mine()[0]!.text).toContain("read from the app registration in Microsoft Entra ID");
  const connection = await world.db.prisma.entraConnection.findUniqueOrThrow({ where: { tenantId: tenant.id } });
  expect(connection.clientSecretGraphExpiresAt?.toISOString()).toBe(expires.toISOString());
  const readsOnce = applicationReads().length;
  expect(readsOnce).toBeGreaterThan(readsBefore);

  // Six hours later the check runs again: Graph is not asked again the same day, and no second mail.
  await checkEntraSecretExpiry(deps, new Date(now.getTime() + 6 * 3600_000));
  expect(applicationReads().length).toBe(readsOnce);
  await new Promise((r) => setTimeout(r, 500));
  expect(mine()).toHaveLength(1);

  // A date entered with the secret wins over Graph's, and the reminder says so.
  await world.db.prisma.entraConnection.update({
    where: { tenantId: tenant.id },
    data: { clientSecretExpiresAt: new Date(now.getTime() + 10 * 24 * 3600_000) },
  });
  await checkEntraSecretExpiry(deps, new Date(now.getTime() + 25 * 3600_000));
  await until("the next day's reminder", () => mine().length === 2);
  expect(mine()[1]!.text).toContain("(in 9 days; the date entered with the secret in TechSync)");
  await tenant.rescue.close();
});

test("an app that may not read app registrations gets no reminder and the check goes on without error", async () => {
  const tenant = await createTestTenant(world, { users: 1, activated: false });
  const { owner } = await configureAlerts(tenant.id, []);
  const now = new Date();
  appOf(tenant).secrets[0]!.expiresAt = new Date(now.getTime() + 5 * 24 * 3600_000).toISOString();
  tenant.directory.setAppRoles(appOf(tenant).clientId, ["User.Read.All", "Group.Read.All"]);
  const deps = { prisma: world.db.prisma, queue: alerts.queue, secretBox: world.secretBox, outbound: world.outbound };
  await expect(checkEntraSecretExpiry(deps, now)).resolves.toEqual(expect.any(Number));
  const connection = await world.db.prisma.entraConnection.findUniqueOrThrow({ where: { tenantId: tenant.id } });
  expect(connection.clientSecretGraphReadAt).toEqual(now);
  expect(connection.clientSecretGraphExpiresAt).toBeNull();
  await new Promise((r) => setTimeout(r, 1000));
  expect(mails.filter((m) => m.to === owner.email && /expires within 30 days/.test(m.subject))).toHaveLength(0);
  await tenant.rescue.close();
});
