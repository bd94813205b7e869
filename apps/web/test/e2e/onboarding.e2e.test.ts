// The whole first visit in a real browser: sign up → demo data → test both connections → map two
// groups → preview shows the expected creates → start syncing → the run completes → the technicians
// exist → the dashboard chart shows the run. The portal is the real build; the API is test/e2e/stub-api.ts
// (apps/api was not ready when this was written), which checks the portal's tokens as the API must.
import { mkdirSync } from "node:fs";
import path from "node:path";
import { type Browser, chromium, type Page } from "playwright-core";
import { type PortalProcess, startPortal } from "./portal-process";
import { type StubApi, startStubApi } from "./stub-api";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const artifacts = path.resolve(__dirname, "../../test-results/e2e");
const tokenSecret = "e2e-portal-token-secret-0123456789abcdef";

let api: StubApi;
let portal: PortalProcess;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  mkdirSync(artifacts, { recursive: true });
  api = await startStubApi(tokenSecret, { runStepMs: 300 });
  portal = await startPortal({
    API_URL: api.url,
    API_TOKEN_SECRET: tokenSecret,
    NEXTAUTH_SECRET: "e2e-nextauth-secret-0123456789abcdef0123",
  });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.setDefaultTimeout(30_000);
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await portal?.stop();
  await api?.close();
});

async function shot(name: string) {
  await page.screenshot({ path: path.join(artifacts, `${name}.png`), fullPage: true });
}

test("a new Master Account Holder goes from sign-up to a finished first sync", async () => {
  try {
    await walkThroughFirstVisit();
  } catch (error) {
    await shot("failure");
    throw new Error(
      `${error instanceof Error ? error.message : String(error)}\nportal output:\n${portal.output().slice(-3000)}`,
    );
  }
}, 180_000);

async function walkThroughFirstVisit() {
  // Sign up: creates the account and its organisation, then signs in.
  await page.goto(`${portal.url}/sign-up`);
  await page.getByLabel("Work email").fill("ada@contoso-demo.example");
  await page.getByLabel("Password").fill("short");
  await page.getByRole("button", { name: "Create account" }).click();
  await expectVisible(page.getByText("Use at least 10 characters for your password."));
  await page.getByLabel("Password").fill("a-long-enough-password");
  await page.getByLabel("Organisation name").fill("Contoso Demo");
  await shot("00-sign-up");
  await page.getByRole("button", { name: "Create account" }).click();
  await page.waitForURL(/\/onboarding\/rescue$/);
  const tenantId = /\/t\/([^/]+)\//.exec(page.url())?.[1] ?? "";
  expect(api.tenants.has(tenantId)).toBe(true);

  // Step 1: demo data, then Test connection in plain words.
  await page.getByRole("button", { name: "Try with demo data" }).click();
  await page.waitForURL(/\/onboarding\/rescue\?demo=1$/);
  await expect(page.getByLabel("Email", { exact: true }).inputValue()).resolves.toBe("mah@contoso-demo.example");
  await page.getByRole("button", { name: "Test connection" }).click();
  await expectVisible(page.getByText("Connected to Rescue."));
  await shot("01-rescue");
  await page.getByRole("button", { name: "Save and continue" }).click();
  await page.waitForURL(/\/onboarding\/entra$/);

  // Step 2: each permission granted; Back shows step 1's saved values, secrets only as "saved".
  await page.getByRole("button", { name: "Test", exact: true }).click();
  const permissions = page.getByRole("list", { name: "Graph permissions" }).getByText("granted");
  await permissions.first().waitFor();
  expect(await permissions.count()).toBe(3);
  await page.getByText("How to create the app registration").click();
  await shot("02-entra");
  await page.getByRole("link", { name: "Back" }).click();
  await page.waitForURL(/\/onboarding\/rescue$/);
  expect(await page.getByLabel("Password", { exact: true }).getAttribute("placeholder")).toContain("saved");
  expect(await page.getByLabel("Password", { exact: true }).inputValue()).toBe("");
  await page.getByRole("button", { name: "Save and continue" }).click();
  await page.waitForURL(/\/onboarding\/entra$/);
  await page.getByRole("button", { name: "Save and continue" }).click();
  await page.waitForURL(/\/onboarding\/mappings$/);

  // Step 3: two pairs; the second Entra group found by the server-side search and chosen by keyboard.
  await page.getByLabel("Support Engineers").check();
  await page.getByLabel("Technicians › Support", { exact: true }).check();
  await page.getByRole("button", { name: "Add pair" }).click();
  await expectVisible(page.getByText("Paired Support Engineers with Technicians › Support."));
  await page.getByLabel("Search Entra groups").fill("field");
  await expectVisible(page.getByText("1 group(s) matching “field”"));
  await page.getByLabel("Field Technicians North").focus();
  await page.keyboard.press("Space");
  await page.getByLabel("Technicians › Field Engineers › North").focus();
  await page.keyboard.press("Space");
  await page.getByRole("button", { name: "Add pair" }).focus();
  await page.keyboard.press("Enter");
  await expectVisible(page.getByText("Selected pairs (2)"));
  await shot("03-mappings");
  expect(api.tenants.get(tenantId)?.mappings).toHaveLength(2);
  await page.getByRole("link", { name: "Continue to preview" }).click();

  // Step 4: a dry run with live progress, then 3 + 2 creates and a searchable table.
  await page.getByRole("button", { name: "Start preview" }).click();
  await page.waitForURL(/\/onboarding\/preview\?runId=/);
  await page.locator('[data-count="create"]').waitFor();
  expect(await page.locator('[data-count="create"]').textContent()).toBe("5");
  expect(await page.locator("tbody tr").count()).toBe(5);
  await shot("04-preview");
  await page.getByLabel("Search name or email").fill("field-north");
  await page.getByRole("button", { name: "Filter" }).click();
  await page.waitForURL(/q=field-north/);
  expect(await page.locator("tbody tr").count()).toBe(2);
  expect(api.tenants.get(tenantId)?.technicians).toHaveLength(0);
  await page.getByRole("link", { name: "Continue" }).click();

  // Step 5: start syncing → the schedule is on and the first run completes.
  await page.waitForURL(/\/onboarding\/confirm/);
  await shot("05-confirm");
  await page.getByRole("button", { name: "Start syncing" }).click();
  await page.waitForURL(/\/runs\//);
  await page.locator('[data-run-status="succeeded"]').waitFor();
  expect(await page.locator('[data-count="create"]').textContent()).toBe("5");
  await shot("06-run");
  const tenant = api.tenants.get(tenantId);
  expect(tenant?.settings.paused).toBe(false);
  expect(tenant?.technicians.map((t) => t.email).sort()).toEqual([
    "field-north.1@contoso-demo.example",
    "field-north.2@contoso-demo.example",
    "support.1@contoso-demo.example",
    "support.2@contoso-demo.example",
    "support.3@contoso-demo.example",
  ]);

  // Dashboard: the run in the chart, five linked technicians.
  await page.getByRole("link", { name: "Dashboard", exact: true }).first().click();
  await page.waitForURL(new RegExp(`/t/${tenantId}$`));
  expect(await page.locator("svg.chart").getAttribute("data-bars")).toBe("1");
  expect(await page.locator("[data-linked-technicians]").textContent()).toBe("5");
  await shot("07-dashboard");
}

async function expectVisible(locator: ReturnType<Page["getByText"]>) {
  await locator.first().waitFor({ state: "visible" });
}
