// The admin's pages after a day of syncing, in Debian's chromium against the real API, worker, Postgres, Redis and
// emulators: a first sync (walkFirstVisit), then a change in Entra (a renamed user, a disabled user) and a second
// run; the technicians page lists and searches technicians, a user's history shows old → new values by run, the
// audit log shows the configuration changes and downloads as CSV, the sync log shows one line per action and
// downloads as CSV. axe runs on every page state; the technicians page's picture goes to the README.
import { copyFileSync, mkdirSync, readFileSync } from "node:fs";
import https from "node:https";
import path from "node:path";
import type { Page } from "playwright-core";
import { expectNoAxeViolations } from "./axe";
import { screenshotTaker, walkFirstVisit } from "./first-visit";
import type { PortalProcess } from "./portal-process";
import { type SandboxPortal, startSandboxPortal } from "./sandbox-portal";
import type { SandboxStack } from "./sandbox-stack";

const artifacts = path.resolve(__dirname, "../../test-results/admin-pages");

let sandbox: SandboxPortal;
let stack: SandboxStack;
let portal: PortalProcess;
let page: Page;

beforeAll(async () => {
  mkdirSync(artifacts, { recursive: true });
  sandbox = await startSandboxPortal();
  ({ stack, portal, page } = sandbox);
}, 300_000);

afterAll(async () => {
  await sandbox?.stop();
}, 60_000);

async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 1000));
  }
  throw new Error(`${what} did not happen within ${timeoutMs / 1000} s\n--- stack\n${stack.output().slice(-3000)}`);
}

test("technicians, a user's history, the audit log and the sync log after two runs", async () => {
  const shot = screenshotTaker(page, artifacts);
  const outcome = await walkFirstVisit(page, portal.url, {
    email: `admin-${Date.now()}@contoso-demo.example`,
    pairs: [
      { entraGroup: "Helpdesk", rescueGroup: "Support Tier 1" },
      { entraGroup: "Field Support", rescueGroup: "Field Engineers › Field Engineers North", searchFor: "field" },
    ],
    shot: async () => {},
  });
  const { tenantId } = outcome;
  const sql = (query: string) => stack.queryValue(query);
  const realRunsDone = () =>
    Number(
      sql(`SELECT count(*) FROM sync_runs WHERE tenant_id = '${tenantId}' AND NOT dry_run AND finished_at IS NOT NULL`),
    );
  await until("the first sync", () => realRunsDone() >= 1);
  const created = outcome.previewEmails.map((e) => e.toLowerCase()).sort();
  expect(created.length).toBeGreaterThanOrEqual(3);

  // A change in Entra: one user renamed, another disabled.
  const directory = sql(`SELECT directory_id FROM entra_connections WHERE tenant_id = '${tenantId}'`);
  const userOf = (email: string) =>
    sql(`SELECT entra_user_id FROM links WHERE tenant_id = '${tenantId}' AND lower(email) = '${email}'`);
  const renamedEmail = created[0] as string;
  const disabledEmail = created[1] as string;
  const oldName = sql(`SELECT name FROM links WHERE tenant_id = '${tenantId}' AND lower(email) = '${renamedEmail}'`);
  const newName = `${oldName} Renamed`;
  // The Graph emulator speaks HTTPS with a certificate of its own CA, as the stack's API and worker trust it.
  const graphCa = readFileSync(path.resolve(__dirname, "../../../../packages/emulators/.certs/graph/graph-ca.pem"));
  const patch = (userId: string, body: object) =>
    new Promise<void>((resolve, reject) => {
      const url = new URL(`${stack.graphEmulatorUrl}/_emulator/tenants/${directory}/users/${userId}`);
      const req = https.request(
        url,
        { method: "PATCH", ca: graphCa, headers: { "content-type": "application/json" } },
        (res) => {
          res.resume();
          res.on("end", () =>
            res.statusCode === 200 ? resolve() : reject(new Error(`the emulator answered ${res.statusCode}`)),
          );
        },
      );
      req.on("error", reject);
      req.end(JSON.stringify(body));
    });
  await patch(userOf(renamedEmail), { displayName: newName });
  await patch(userOf(disabledEmail), { accountEnabled: false });
  const runsBefore = realRunsDone();
  await page.goto(`${portal.url}/t/${tenantId}`);
  await page.getByRole("button", { name: "Sync now" }).click();
  const applied = (kind: string) =>
    Number(
      sql(
        `SELECT count(*) FROM sync_actions a JOIN sync_runs r ON r.id = a.run_id
          WHERE a.tenant_id = '${tenantId}' AND NOT r.dry_run AND a.kind = '${kind}' AND a.status = 'succeeded'`,
      ),
    );
  await until("the second run's rename and disable", () => applied("update") >= 1 && applied("disable") >= 1);
  await until("the second run to finish", () => realRunsDone() > runsBefore);

  // The dashboard tells enabled from disabled.
  await page.goto(`${portal.url}/t/${tenantId}`);
  const statuses = (await page.locator("[data-technician-statuses]").textContent()) ?? "";
  expect(statuses).toMatch(/\d+ enabled · 1 disabled/);
  await expectNoAxeViolations(page, "dashboard with technician counts");

  // Technicians: every linked one, its group and status in words, the run that last changed it.
  await page.getByRole("link", { name: "Technicians" }).first().click();
  await page.waitForURL(/\/technicians$/);
  const rows = page.locator("[data-technicians] tbody tr");
  await rows.first().waitFor();
  expect(await rows.count()).toBeGreaterThanOrEqual(created.length);
  const disabledRow = page.locator(`tr[data-technician="${disabledEmail}"]`);
  expect(await disabledRow.locator('[data-label="Enabled"]').textContent()).toBe("Disabled");
  expect(await disabledRow.locator('[data-label="Rescue group"]').textContent()).toMatch(
    /^(Support Tier 1|Field Engineers North)$/,
  );
  expect(await disabledRow.locator('[data-label="Last change"]').textContent()).toMatch(
    /\d{2}:\d{2}:\d{2} UTC by this run/,
  );
  await expectNoAxeViolations(page, "technicians");
  await shot("technicians");
  mkdirSync(path.resolve(__dirname, "../../docs/screenshots"), { recursive: true });
  copyFileSync(
    path.join(artifacts, "technicians.png"),
    path.resolve(__dirname, "../../docs/screenshots/technicians.png"),
  );

  // Search narrows on the server; the status filter too.
  await page.getByLabel("Name or email").fill(renamedEmail);
  await page.getByRole("button", { name: "Search" }).click();
  await page.waitForURL(/q=/);
  await until("the search to narrow", async () => (await rows.count()) === 1, 15_000);
  expect(await rows.first().getAttribute("data-technician")).toBe(renamedEmail);
  await expectNoAxeViolations(page, "technicians searched");
  await page.goto(`${portal.url}/t/${tenantId}/technicians?status=disabled`);
  expect(await page.locator("[data-technicians] tbody tr").count()).toBe(1);

  // The renamed user's history: old → new by run, and the create of the first run.
  await page.goto(`${portal.url}/t/${tenantId}/technicians?q=${encodeURIComponent(renamedEmail)}`);
  await page.getByRole("link", { name: /^History of / }).click();
  await page.locator("[data-history]").waitFor();
  const update = page.locator('tr[data-history-entry="update"]');
  expect(await update.locator('[data-label="What changed"]').textContent()).toContain(`Name: ${oldName} → ${newName}`);
  expect(await update.locator('[data-label="Run"] a').getAttribute("href")).toMatch(/\/runs\/[0-9a-f-]{36}$/);
  expect(await page.locator('tr[data-history-entry="create"]').count()).toBe(1);
  expect(await page.getByRole("link", { name: "Sync this user now" }).getAttribute("href")).toContain(
    encodeURIComponent(renamedEmail),
  );
  await expectNoAxeViolations(page, "technician history");
  await shot("history");

  // The audit log: the configuration changes of the first visit, by the person who made them; CSV download.
  await page.getByRole("link", { name: "Audit log" }).click();
  await page.locator("[data-audit]").waitFor();
  expect(await page.locator('tr[data-audit-action="mapping.created"]').count()).toBe(2);
  expect(await page.locator('tr[data-audit-action="tenant.sync_started"] [data-label="Who"]').textContent()).toContain(
    "@contoso-demo.example",
  );
  await expectNoAxeViolations(page, "audit log");
  await shot("audit");
  await page.getByLabel("Kind of change").selectOption("mapping");
  await page.getByRole("button", { name: "Filter" }).click();
  await page.waitForURL(/kind=mapping/);
  expect(await page.locator("[data-audit] tbody tr").count()).toBe(2);
  await expectNoAxeViolations(page, "audit log filtered");
  const auditCsv = await page.request.get(
    `${portal.url}${await page.locator('[data-download="csv"]').getAttribute("href")}`,
  );
  expect(auditCsv.status()).toBe(200);
  expect(auditCsv.headers()["content-type"]).toContain("text/csv");
  const auditLines = (await auditCsv.text()).trim().split("\r\n");
  expect(auditLines[0]).toBe("Time (UTC),Actor,Actor type,Action,Target,Details");
  expect(auditLines.slice(1).every((line) => line.includes("mapping.created"))).toBe(true);

  // The sync log: one line per action, the change in words, and a CSV download of the same lines.
  await page.getByRole("link", { name: "Sync log" }).click();
  await page.locator("[data-sync-log]").waitFor();
  const actions = Number(
    sql(`SELECT count(*) FROM sync_actions WHERE tenant_id = '${tenantId}' AND status <> 'planned'`),
  );
  const lines = page.locator("[data-sync-log] tbody tr");
  expect(await lines.count()).toBe(Math.min(actions, 100));
  expect(await page.locator('tr[data-log-line="disable"] [data-label="Change"]').first().textContent()).toContain(
    "Disabled",
  );
  expect(await page.locator("pre").count()).toBe(0);
  await expectNoAxeViolations(page, "sync log");
  await shot("sync-log");
  await page.getByLabel("User").fill(renamedEmail);
  await page.getByRole("button", { name: "Filter" }).click();
  await page.waitForURL(/q=/);
  expect(await lines.count()).toBe(2);
  await expectNoAxeViolations(page, "sync log filtered by user");
  const logCsv = await page.request.get(
    `${portal.url}${await page.locator('[data-download="csv"]').getAttribute("href")}`,
  );
  expect(logCsv.status()).toBe(200);
  const logLines = (await logCsv.text()).trim().split("\r\n");
  expect(logLines).toHaveLength(3);
  expect(logLines[1]).toContain(`Name: ${oldName} → ${newName}`);
}, 420_000);
