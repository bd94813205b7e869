// Alerts and password reset in the browser, against the real API, worker, Postgres, Redis and emulators: a person
// adds an email recipient and a webhook on the alerts page, a run is blocked by the safety threshold (members
// removed from a mapped group in the Graph emulator), and this test receives the "run blocked" mail through its own
// SMTP server and the signed webhook on its own HTTP receiver, checking the signature with the secret shown once.
// Then "Forgot password?": the link arrives by mail, sets a new password, and works only once. axe on every state.

import { createHmac, timingSafeEqual } from "node:crypto";
import { mkdirSync, readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { request as httpsRequest } from "node:https";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { simpleParser } from "mailparser";
import type { Page } from "playwright-core";
import { SMTPServer } from "smtp-server";
import { expectNoAxeViolations } from "./axe";
import { screenshotTaker, walkFirstVisit } from "./first-visit";
import type { PortalProcess } from "./portal-process";
import { type SandboxPortal, startSandboxPortal } from "./sandbox-portal";
import type { SandboxStack } from "./sandbox-stack";

const root = path.resolve(__dirname, "../../../..");
const artifacts = path.resolve(__dirname, "../../test-results/alerts");

interface Mail {
  to: string;
  subject: string;
  text: string;
}
interface Hook {
  body: string;
  signature: string | undefined;
}

let sandbox: SandboxPortal;
let stack: SandboxStack;
let portal: PortalProcess;
let page: Page;
let smtp: SMTPServer;
let receiver: Server;
let hookUrl: string;
const mails: Mail[] = [];
const hooks: Hook[] = [];

async function until<T>(what: string, check: () => T | undefined | false, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = check();
    if (value) return value;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out waiting for ${what}\n--- stack\n${stack.output().slice(-3000)}`);
}

beforeAll(async () => {
  mkdirSync(artifacts, { recursive: true });
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onData(stream, session, callback) {
      simpleParser(stream).then((parsed) => {
        for (const rcpt of session.envelope.rcptTo)
          mails.push({ to: rcpt.address, subject: parsed.subject ?? "", text: parsed.text ?? "" });
        callback();
      }, callback);
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, "127.0.0.1", resolve));
  receiver = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => {
      body += chunk;
    });
    req.on("end", () => {
      hooks.push({ body, signature: req.headers["techsync-signature"] as string | undefined });
      res.writeHead(200, { "content-type": "text/plain" }).end("received");
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/techsync-alerts`;
  sandbox = await startSandboxPortal({
    env: {
      SMTP_URL: `smtp://127.0.0.1:${(smtp.server.address() as AddressInfo).port}`,
      SMTP_FROM: "TechSync <alerts@techsync.test>",
      // The receiver lives on this machine: allowed for development and tests only.
      ALERT_WEBHOOKS_ALLOW_LOCAL: "true",
    },
  });
  ({ stack, portal, page } = sandbox);
}, 300_000);

afterAll(async () => {
  await sandbox?.stop();
  await new Promise((r) => smtp?.close(() => r(undefined)));
  await new Promise((r) => receiver?.close(() => r(undefined)));
}, 60_000);

/** The Graph emulator's admin interface (https with the emulator's own CA). */
function graphAdmin(method: string, pathname: string, body?: unknown): Promise<Record<string, unknown>> {
  const ca = readFileSync(path.join(root, "packages/emulators/.certs/graph/graph-ca.pem"), "utf8");
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      `${stack.graphEmulatorUrl}/_emulator${pathname}`,
      { method, ca, headers: payload ? { "content-type": "application/json" } : {} },
      (res) => {
        let text = "";
        res.on("data", (chunk) => {
          text += chunk;
        });
        res.on("end", () =>
          (res.statusCode ?? 500) < 300
            ? resolve(JSON.parse(text || "{}"))
            : reject(new Error(`${method} ${pathname}: ${res.statusCode} ${text}`)),
        );
      },
    );
    req.on("error", reject);
    req.end(payload);
  });
}

/** docs/alerts.md's verification sample, as a receiver would write it. */
function verifyTechSyncSignature(header: string, rawBody: string, secret: string, toleranceSeconds = 300): boolean {
  const parts = Object.fromEntries(header.split(",").map((p) => p.split("=", 2)));
  const t = Number(parts.t);
  if (!Number.isInteger(t) || Math.abs(Date.now() / 1000 - t) > toleranceSeconds) return false;
  const expected = createHmac("sha256", secret).update(`${t}.${rawBody}`).digest();
  const given = Buffer.from(parts.v1 ?? "", "hex");
  return given.length === expected.length && timingSafeEqual(given, expected);
}

const email = `owner-${Date.now()}@contoso-demo.example`;

test("a blocked run reaches the person by email and the webhook, signed; the delivery log shows it", async () => {
  const shot = screenshotTaker(page, artifacts);
  const { tenantId } = await walkFirstVisit(page, portal.url, {
    email,
    pairs: [
      { entraGroup: "Helpdesk", rescueGroup: "Support Tier 1" },
      { entraGroup: "Field Support", rescueGroup: "Field Engineers › Field Engineers North", searchFor: "field" },
    ],
    shot: async () => undefined,
  });

  // The alerts page: an extra recipient, and a webhook whose signing secret is shown once.
  await page.getByRole("link", { name: "Alerts" }).click();
  await page.getByRole("heading", { level: 1, name: "Alerts" }).waitFor();
  await expectNoAxeViolations(page, "alerts page, nothing set");
  await page.getByLabel("Email address").fill("oncall@contoso-demo.example");
  await page.getByRole("button", { name: "Add recipient" }).click();
  await page.getByText("oncall@contoso-demo.example now gets the chosen alerts.").waitFor();
  await page.getByLabel("Webhook address").fill(hookUrl);
  await page.getByRole("button", { name: "Add webhook" }).click();
  const secret = ((await page.locator("[data-webhook-secret]").textContent()) ?? "").trim();
  expect(secret).toMatch(/^whsec_/);
  await expectNoAxeViolations(page, "alerts page, webhook secret shown once");
  await shot("alerts-configured");

  // Many people leave the mapped group in Entra: the next run would disable them all, so it is blocked.
  const directoryId = stack.queryValue(`SELECT directory_id FROM entra_connections WHERE tenant_id = '${tenantId}'`);
  const state = (await graphAdmin("GET", "/state")) as {
    tenants: { tenantId: string; domain: string; groups: { id: string; displayName: string }[] }[];
  };
  const directory = state.tenants.find((t) => t.tenantId === directoryId || t.domain === directoryId);
  const helpdesk = directory?.groups.find((g) => g.displayName === "Helpdesk");
  if (!directory || !helpdesk) throw new Error(`no Helpdesk group in the directory ${directoryId}`);
  const group = (await graphAdmin("PATCH", `/tenants/${directory.tenantId}/groups/${helpdesk.id}`, {})) as {
    members: string[];
  };
  for (const member of group.members)
    await graphAdmin("DELETE", `/tenants/${directory.tenantId}/groups/${helpdesk.id}/members/${member}`);

  await page.goto(`${portal.url}/t/${tenantId}`);
  await page.getByRole("button", { name: "Sync now" }).click();
  const runId = await until("the blocked run", () => {
    const id = stack.queryValue(
      `SELECT id FROM sync_runs WHERE tenant_id = '${tenantId}' AND status = 'blocked' ORDER BY queued_at DESC LIMIT 1`,
    );
    return id || undefined;
  });

  const blocked = (to: string) => mails.find((m) => m.to === to && /run was blocked/.test(m.subject));
  const mail = await until("the run-blocked mail", () => blocked("oncall@contoso-demo.example"));
  await until("the owner's mail", () => blocked(email));
  expect(mail.text).toContain(`${portal.url}/t/${tenantId}/runs/${runId}`);
  expect(mail.text).toMatch(/approve or dismiss/);

  const hook = await until("the webhook", () => hooks.find((h) => h.body.includes(runId)));
  expect(verifyTechSyncSignature(hook.signature ?? "", hook.body, secret)).toBe(true);
  expect(verifyTechSyncSignature(hook.signature ?? "", `${hook.body} `, secret)).toBe(false);
  expect(JSON.parse(hook.body)).toMatchObject({ type: "run_blocked", tenant: { id: tenantId }, data: { runId } });

  await page.goto(`${portal.url}/t/${tenantId}/alerts`);
  await page.getByRole("heading", { name: "Delivery log" }).waitFor();
  await page.getByText(`Webhook ${hookUrl}`).first().waitFor();
  await expectNoAxeViolations(page, "alerts page with the delivery log");
  await shot("alerts-delivery-log");
}, 240_000);

test("'Forgot password?': the mailed link sets a new password, once", async () => {
  await page.context().clearCookies();
  await page.goto(`${portal.url}/sign-in`);
  await page.getByRole("link", { name: "Forgot password?" }).click();
  await page.getByRole("heading", { level: 1, name: "Forgot your password?" }).waitFor();
  await expectNoAxeViolations(page, "forgot password");
  await page.getByLabel("Email").fill(email);
  await page.getByRole("button", { name: "Email me a link" }).click();
  await page.getByText(/If an account uses this address/).waitFor();
  await expectNoAxeViolations(page, "forgot password, link requested");
  const mail = await until("the reset mail", () => mails.find((m) => m.to === email && /new password/.test(m.subject)));
  const link = /(https?:\/\/\S+\/reset-password\/\S+)/.exec(mail.text)?.[1];
  if (!link) throw new Error(`no link in ${mail.text}`);

  await page.goto(link);
  await page.getByRole("heading", { level: 1, name: "Set a new password" }).waitFor();
  await expectNoAxeViolations(page, "set a new password");
  await page.getByLabel("New password", { exact: true }).fill("violet tractor sings at noon");
  await page.getByLabel("New password again").fill("violet tractor sings at noon");
  await page.getByRole("button", { name: "Set new password" }).click();
  await page.getByText("Your new password is set.").waitFor();
  await expectNoAxeViolations(page, "new password set");

  await page.goto(`${portal.url}/sign-in`);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill("violet tractor sings at noon");
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await page.waitForURL((url) => !url.pathname.startsWith("/sign-in"));

  // The link worked once.
  await page.context().clearCookies();
  await page.goto(link);
  await page.getByLabel("New password", { exact: true }).fill("another violet tractor sings");
  await page.getByLabel("New password again").fill("another violet tractor sings");
  await page.getByRole("button", { name: "Set new password" }).click();
  await page.getByText(/does not work any more/).waitFor();
  await expectNoAxeViolations(page, "reset link used twice");
}, 120_000);
