// The end-to-end test: the built portal in Debian's chromium against the real API, worker,
// Postgres, Redis and both emulators (test/e2e/sandbox-stack.ts). Sign up → demo data → test both
// connections → map two groups → preview → start syncing → the run completes → the technicians exist
// in the Rescue emulator → the dashboard chart shows the run. Screenshots land in test-results/e2e-sandbox.
import { copyFileSync, mkdirSync } from "node:fs";
import path from "node:path";
import type { Page } from "playwright-core";
import { expectNoAxeViolations } from "./axe";
import { type FirstVisitOutcome, screenshotTaker, walkFirstVisit } from "./first-visit";
import type { PortalProcess } from "./portal-process";
import { type SandboxPortal, startSandboxPortal } from "./sandbox-portal";
import type { SandboxStack } from "./sandbox-stack";

const artifacts = path.resolve(__dirname, "../../test-results/e2e-sandbox");

let sandbox: SandboxPortal;
let stack: SandboxStack;
let portal: PortalProcess;
let page: Page;

interface EmulatedTechnician {
  email: string;
  name: string;
  status?: string;
  groupId?: number;
}

/** The AccountIDs of the organisations the Rescue emulator hosts (the demo one, then one per sandbox tenant). */
async function rescueAccounts(): Promise<number[]> {
  const organisations = (await (await fetch(`${stack.rescueEmulatorUrl}/_emulator/rescue/organisations`)).json()) as {
    id: number;
  }[];
  return organisations.map((organisation) => organisation.id);
}

/** Every technician in one of the Rescue emulator's organisations (default the demo one), by email. */
async function rescueTechnicians(account?: number): Promise<Map<string, EmulatedTechnician>> {
  const query = account === undefined ? "" : `?account=${account}`;
  const state = (await (await fetch(`${stack.rescueEmulatorUrl}/_emulator/rescue/state${query}`)).json()) as unknown;
  const found = new Map<string, EmulatedTechnician>();
  const visit = (node: unknown) => {
    if (!node || typeof node !== "object") return;
    if (Array.isArray(node)) return node.forEach(visit);
    const record = node as Record<string, unknown>;
    if (typeof record.email === "string" && typeof record.name === "string")
      found.set(record.email.toLowerCase(), record as unknown as EmulatedTechnician);
    Object.values(record).forEach(visit);
  };
  visit(state);
  return found;
}

beforeAll(async () => {
  mkdirSync(artifacts, { recursive: true });
  sandbox = await startSandboxPortal();
  ({ stack, portal, page } = sandbox);
}, 300_000);

afterAll(async () => {
  await sandbox?.stop();
}, 60_000);

test("a new Master Account Holder syncs the sandbox from sign-up to the dashboard", async () => {
  const shot = screenshotTaker(page, artifacts);
  const accountsBefore = await rescueAccounts();
  // The demo organisation as seeded: the seeded demo tenant has not started syncing (rule 14), so it stays so.
  const before = await rescueTechnicians();
  // Each organisation has its own Master Account Holder (rule 15); every technician else is compared.
  const statuses = (technicians: Map<string, EmulatedTechnician>) =>
    [...technicians.values()]
      .filter((t) => !/^mah[+@]/i.test(t.email))
      .map((t) => `${t.email.toLowerCase()} ${t.status ?? ""}`)
      .sort();
  let outcome: FirstVisitOutcome;
  try {
    outcome = await walkFirstVisit(page, portal.url, {
      email: `mah-${Date.now()}@contoso-demo.example`,
      pairs: [
        { entraGroup: "Helpdesk", rescueGroup: "Support Tier 1" },
        { entraGroup: "Field Support", rescueGroup: "Field Engineers › Field Engineers North", searchFor: "field" },
      ],
      shot,
      // rule 14: up to "Start syncing", previews only: no real run, no technician changed in Rescue, not syncing.
      beforeStartSyncing: async (tenantId) => {
        const runs = (dryRun: boolean) =>
          Number(
            stack.queryValue(`SELECT count(*) FROM sync_runs WHERE tenant_id = '${tenantId}' AND dry_run = ${dryRun}`),
          );
        expect(runs(false)).toBe(0);
        expect(runs(true)).toBe(2);
        // Neither the demo organisation nor the trial's own fresh copy of it has changed.
        expect(statuses(await rescueTechnicians())).toEqual(statuses(before));
        const trial = (await rescueAccounts()).filter((account) => !accountsBefore.includes(account));
        expect(trial).toHaveLength(1);
        expect(statuses(await rescueTechnicians(trial[0]))).toEqual(statuses(before));
        const confirmStep = page.url();
        await page.goto(`${portal.url}/t/${tenantId}`);
        await page.getByText("Not syncing yet").first().waitFor();
        await page.goto(confirmStep);
      },
    });
  } catch (error) {
    await shot("failure").catch(() => undefined);
    throw new Error(
      `${error instanceof Error ? error.message : String(error)}\n--- portal\n${portal.output().slice(-2000)}\n--- stack\n${stack.output().slice(-4000)}`,
    );
  }
  // The preview promised creates, and the real run made exactly those technicians in Rescue.
  // On the fresh demo seed, Helpdesk (with nested Escalations) and Field Support put 33 users in scope
  // who have no technician yet (Alex Morgan already has one: adopted, not created).
  expect(outcome.previewCreates).toBe(33);
  expect(outcome.previewEmails).toHaveLength(outcome.previewCreates);
  expect(outcome.runCreates).toBe(outcome.previewCreates);
  // rule 14: "Start syncing" made the first real run, and the tenant is now syncing on its schedule.
  const tenantRow = (column: string) =>
    stack.queryValue(`SELECT ${column} FROM tenants WHERE id = '${outcome.tenantId}'`);
  expect(tenantRow("activated_at IS NOT NULL")).toBe("t");
  expect(
    stack.queryValue(`SELECT count(*) FROM sync_runs WHERE tenant_id = '${outcome.tenantId}' AND dry_run = false`),
  ).toBe("1");
  // rule 15: the trial synced an organisation of its own, opened fresh beside the seeded demo tenant's.
  const opened = (await rescueAccounts()).filter((account) => !accountsBefore.includes(account));
  expect(opened).toHaveLength(1);
  const own = await rescueTechnicians(opened[0]);
  for (const email of outcome.previewEmails) {
    expect(before.has(email.toLowerCase())).toBe(false);
    expect(own.get(email.toLowerCase())).toBeDefined();
  }
  expect(await page.locator("svg.chart").getAttribute("data-bars")).toBe("1");
  // `E2E_README_SCREENSHOTS=1 npx jest --selectProjects e2e` refreshes the README's pictures from this run.
  if (process.env.E2E_README_SCREENSHOTS === "1") {
    const docs = path.resolve(__dirname, "../../docs/screenshots");
    mkdirSync(docs, { recursive: true });
    copyFileSync(path.join(artifacts, "03-mappings.png"), path.join(docs, "mapping-picker.png"));
    copyFileSync(path.join(artifacts, "07-dashboard.png"), path.join(docs, "dashboard.png"));
  }
  expect(Number(await page.locator("[data-linked-technicians]").textContent())).toBeGreaterThanOrEqual(
    outcome.runCreates,
  );
}, 300_000);

test("the sync log, settings, members and API keys work against the real API", async () => {
  const shot = screenshotTaker(page, artifacts);
  const tenantId = /\/t\/([^/]+)/.exec(page.url())?.[1];
  expect(tenantId).toBeTruthy();

  // The portal passes the API's Server-Sent Events through: a settled run answers progress, then end.
  const runPath = await page.locator('a[href*="/runs/"]').first().getAttribute("href");
  const events = await page.request.get(
    `${portal.url}/api/tenants/${tenantId}/runs/${runPath?.split("/runs/")[1]}/events`,
  );
  expect(events.headers()["content-type"]).toContain("text/event-stream");
  expect(await events.text()).toMatch(/event: progress\ndata: \{[\s\S]*event: end/);

  await page.goto(`${portal.url}/t/${tenantId}/log`);
  await page.locator("tbody tr").first().waitFor();
  await expectNoAxeViolations(page, "sync log");
  await shot("08-sync-log");
  await page.getByLabel("Change").selectOption("create");
  await page.getByRole("button", { name: "Filter" }).click();
  await page.waitForURL(/kind=create/);
  const download = await page.request.get(`${portal.url}/api/tenants/${tenantId}/logs/download`);
  expect(download.status()).toBe(200);
  expect((await download.text()).trim().split("\n").length).toBeGreaterThan(0);

  await page.goto(`${portal.url}/t/${tenantId}/settings`);
  await page.getByLabel("Run every (minutes)").fill("45");
  // The attribute mapping is a form (mapping-editor.e2e.test.ts covers it); the nickname from the mail's local part.
  await page.getByRole("group", { name: "Nickname" }).getByLabel("First choice").selectOption("mailLocalPart");
  await page.getByRole("button", { name: "Save settings" }).click();
  await page.getByText("Settings saved.").waitFor();
  await page.reload();
  expect(await page.getByLabel("Run every (minutes)").inputValue()).toBe("45");
  expect(await page.getByRole("group", { name: "Nickname" }).getByLabel("First choice").inputValue()).toBe(
    "mailLocalPart",
  );

  await page.getByLabel("Email", { exact: true }).fill("nobody-yet@contoso-demo.example");
  await page.getByRole("button", { name: "Invite", exact: true }).click();
  const link = (await page.locator("[data-invitation-link]").textContent()) ?? "";
  const preview = await fetch(`${stack.apiUrl}/v1${new URL(link).pathname}`);
  expect(await preview.json()).toMatchObject({ role: "viewer" });

  await page.getByLabel("Key name").fill("nightly export");
  await page.getByRole("button", { name: "Create API key" }).click();
  const key = (await page.locator("[data-api-key]").textContent()) ?? "";
  expect(key).toMatch(/^tsk_/);
  const withKey = await fetch(`${stack.apiUrl}/v1/tenants/${tenantId}`, {
    headers: { authorization: `Bearer ${key}` },
  });
  expect(withKey.status).toBe(200);
  await expectNoAxeViolations(page, "settings with a new API key");
  await shot("09-settings");
  // Revoking asks first, in the page (an alert dialog), not with the browser's confirm().
  await page.getByRole("region", { name: "API keys" }).getByRole("button", { name: "Revoke" }).click();
  const confirmRevoke = page.getByRole("alertdialog", { name: /^Revoke “.+”\? Anything using it stops working\.$/ });
  await expectNoAxeViolations(page, "revoke API key: confirm dialog");
  await confirmRevoke.getByRole("button", { name: "Revoke" }).click();
  await page.getByText(/^revoked /).waitFor();
  const revoked = await fetch(`${stack.apiUrl}/v1/tenants/${tenantId}`, {
    headers: { authorization: `Bearer ${key}` },
  });
  expect(revoked.status).toBe(401);
}, 120_000);
