// The portal for a person on a keyboard, on a phone, and whose session ends mid-form: the built portal in Debian's
// chromium against the real API, worker, Postgres, Redis and emulators (sandbox-stack.ts). Onboarding by keyboard
// alone reaches and presses "Start syncing" in under 25 Tab presses; every page fits 390 px without sideways
// scrolling and has a title of its own; an ended session comes back to the same page with the draft; a wrong new
// Entra secret tested from setup leaves the working one in place; the confirm dialog works by keyboard. axe-core
// checks every state shown.
import { mkdirSync } from "node:fs";
import path from "node:path";
import type { BrowserContext, Locator, Page } from "playwright-core";
import { expectNoAxeViolations } from "./axe";
import { screenshotTaker } from "./first-visit";
import type { PortalProcess } from "./portal-process";
import { type SandboxPortal, startSandboxPortal } from "./sandbox-portal";

const artifacts = path.resolve(__dirname, "../../test-results/keyboard-and-phone");
const email = "keyboard-admin@contoso.example";
const password = "a-long-enough-password";

let sandbox: SandboxPortal;
let portal: PortalProcess;
let portalUrl: string;
let context: BrowserContext;
let page: Page;
let tenantId = "";

beforeAll(async () => {
  mkdirSync(artifacts, { recursive: true });
  sandbox = await startSandboxPortal({
    viewport: { width: 1440, height: 900 },
  });
  ({ portal, context, page } = sandbox);
  portalUrl = portal.url;
}, 300_000);

afterAll(async () => {
  await sandbox?.stop();
}, 60_000);

/** Waits (up to 15 s) for a field to hold `expected`, failing with the value it last held. */
async function valueBecomes(field: Locator, expected: string) {
  const deadline = Date.now() + 15_000;
  let value = await field.inputValue();
  while (value !== expected && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    value = await field.inputValue();
  }
  expect(value).toBe(expected);
}

/** Checks the state with axe, then keeps a screenshot of it. */
async function shown(state: string) {
  await expectNoAxeViolations(page, state);
  await screenshotTaker(page, artifacts)(state);
}

/** The focused element's accessible name as a person hears it (its label, its text). */
function focusedName(): Promise<string> {
  return page.evaluate(() => {
    const element = document.activeElement as HTMLElement | null;
    if (!element || element === document.body) return "";
    const labelled = element.getAttribute("aria-label");
    if (labelled) return labelled;
    const label = element.id ? document.querySelector(`label[for="${element.id}"]`) : element.closest("label");
    return (label?.textContent ?? element.textContent ?? "").replace(/\s+/g, " ").trim();
  });
}

let tabs = 0;
/** Presses Tab until the focus is on `name`, counting every press. */
async function tabTo(name: RegExp | ((focused: string) => Promise<boolean>), limit = 15) {
  for (let i = 0; i < limit; i++) {
    await page.keyboard.press("Tab");
    tabs++;
    const focused = await focusedName();
    if (typeof name === "function" ? await name(focused) : name.test(focused)) return;
  }
  throw new Error(`no ${name} within ${limit} Tab presses (focus on "${await focusedName()}")`);
}

const focusedIsRadioIn = (legend: RegExp) => async () =>
  page.evaluate((source) => {
    const element = document.activeElement as HTMLInputElement | null;
    const legendText = element?.closest("fieldset")?.querySelector("legend")?.textContent ?? "";
    return element?.type === "radio" && new RegExp(source).test(legendText);
  }, legend.source);

/** In a radio group, arrow keys move the choice until `name` is chosen. */
async function chooseByArrows(name: RegExp) {
  for (let i = 0; i < 40; i++) {
    if (name.test(await focusedName())) {
      await page.keyboard.press("Space");
      return;
    }
    await page.keyboard.press("ArrowDown");
  }
  throw new Error(`no ${name} in the radio group`);
}

test("keyboard only: from the first setup step to pressing Start syncing in under 25 Tab presses", async () => {
  await page.goto(`${portalUrl}/sign-up`);
  await page.getByLabel("Work email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByLabel("Organisation name").fill("Contoso Keyboard");
  await page.getByLabel("Organisation name").press("Enter");
  await page.waitForURL(/\/onboarding\/rescue$/);
  tenantId = /\/t\/([^/]+)\//.exec(page.url())?.[1] ?? "";
  await page.locator("main h1:focus").waitFor();
  await shown("kb-01-rescue");

  // Step 1: demo data, then "Test and continue" right under the heading.
  await tabTo(/^Try with demo data$/);
  await page.keyboard.press("Enter");
  await page.waitForURL(/\/onboarding\/rescue\?demo=1$/);
  await page.locator("main h1:focus").waitFor();
  await tabTo(/^Test and continue$/);
  await shown("kb-02-rescue-demo");
  await page.keyboard.press("Enter");

  // Step 2: the sandbox's values are saved; test and continue.
  await page.waitForURL(/\/onboarding\/entra$/);
  await page.locator("main h1:focus").waitFor();
  await tabTo(/^Test and continue$/);
  await shown("kb-03-entra");
  await page.keyboard.press("Enter");

  // Step 3: each column a radio group chosen with the arrow keys.
  await page.waitForURL(/\/onboarding\/mappings$/);
  await page.locator("main h1:focus").waitFor();
  await tabTo(focusedIsRadioIn(/Entra ID group/));
  await chooseByArrows(/^Helpdesk$/);
  await tabTo(focusedIsRadioIn(/Rescue technician group/));
  await chooseByArrows(/Support Tier 1$/);
  await tabTo(/^Add pair/);
  await page.keyboard.press("Enter");
  await page.getByText("Selected pairs (1)").waitFor();
  await page.locator(".notice:focus").waitFor();
  await shown("kb-04-mappings");
  await tabTo(/^Continue to preview$/);
  await page.keyboard.press("Enter");

  // Step 4: the preview, then on from its result.
  await page.waitForURL(/\/onboarding\/preview$/);
  await page.locator("main h1:focus").waitFor();
  await tabTo(/^Start preview$/);
  await page.keyboard.press("Enter");
  await page.waitForURL(/\/onboarding\/preview\?runId=/);
  await page.locator('[data-count="create"]').waitFor({ timeout: 90_000 });
  await shown("kb-05-preview");
  await tabTo(/^Continue to step 5$/);
  await page.keyboard.press("Enter");

  // Step 5: Start syncing.
  await page.waitForURL(/\/onboarding\/confirm/);
  await page.locator("main h1:focus").waitFor();
  await tabTo(/^Start syncing$/);
  await shown("kb-06-confirm");
  expect(tabs).toBeLessThan(25);
  await page.keyboard.press("Enter");
  await page.waitForURL(/\/runs\//);
  await page.locator("[data-run-status]").waitFor({ timeout: 120_000 });
  expect(await page.locator("[data-run-status]").getAttribute("data-run-status")).toBe("succeeded");
  await shown("kb-07-first-run");
  console.info(`keyboard walk: ${tabs} Tab presses from step 1 to Start syncing`);
}, 300_000);

test("a wrong new Entra secret tested or saved from setup never replaces the working one: a run still succeeds", async () => {
  await page.goto(`${portalUrl}/t/${tenantId}/onboarding/entra`);
  await page.getByLabel("Client secret value").fill("a-wrong-new-secret");
  await page.getByRole("button", { name: "Test", exact: true }).click();
  await page.getByText("Nothing was saved: the saved connection is unchanged.").waitFor();
  await shown("secret-01-wrong-tested");
  await page.getByLabel("Client secret value").fill("a-wrong-new-secret");
  await page.getByRole("button", { name: "Save and continue" }).click();
  await page.getByText("Nothing was saved: the saved connection is unchanged.").waitFor();
  expect(page.url()).toMatch(/\/onboarding\/entra$/);
  // The saved secret still works: a real run reads Entra with it.
  await page.goto(`${portalUrl}/t/${tenantId}`);
  await page.getByRole("button", { name: "Sync now" }).click();
  await page.waitForURL(/\/runs\//);
  await page.locator("[data-run-status]").waitFor({ timeout: 120_000 });
  expect(await page.locator("[data-run-status]").getAttribute("data-run-status")).toBe("succeeded");
}, 180_000);

test("a session that ends mid-form comes back to the same page after signing in, with what was typed", async () => {
  await page.goto(`${portalUrl}/t/${tenantId}/settings`);
  await page.getByLabel("Organisation name").fill("Contoso Renamed");
  await page.getByLabel("Run every (minutes)").fill("45");
  const kept = (await context.cookies()).filter((cookie) => !cookie.name.includes("session-token"));
  await context.clearCookies();
  await context.addCookies(kept);
  await page.getByRole("button", { name: "Save settings" }).click();
  await page.waitForURL(/\/sign-in\?returnTo=/);
  expect(new URL(page.url()).searchParams.get("returnTo")).toBe(`/t/${tenantId}/settings`);
  await shown("session-01-sign-in");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(new RegExp(`/t/${tenantId}/settings$`));
  // The draft is put back once the page has hydrated: the server's values show until then.
  await valueBecomes(page.getByLabel("Organisation name"), "Contoso Renamed");
  await valueBecomes(page.getByLabel("Run every (minutes)"), "45");
  // Secrets are never kept in the draft.
  const drafts = await page.evaluate(() => JSON.stringify(Object.entries(sessionStorage)));
  expect(drafts).toContain("Contoso Renamed");
  expect(drafts).not.toContain("defaultPassword");
  await shown("session-02-draft-restored");
}, 120_000);

test("the confirm dialog by keyboard: focus inside, Escape keeps the key, Revoke revokes it", async () => {
  await page.goto(`${portalUrl}/t/${tenantId}/settings`);
  await page.getByLabel("Key name").fill("Nightly export");
  await page.getByRole("button", { name: "Create API key" }).click();
  await page.getByText("Copy the key now").waitFor();
  const revoke = page.getByRole("row", { name: /Nightly export/ }).getByRole("button", { name: "Revoke" });
  await revoke.focus();
  await page.keyboard.press("Enter");
  const dialog = page.getByRole("alertdialog", { name: /Revoke “Nightly export”\?/ });
  await dialog.waitFor();
  expect(await dialog.evaluate((element) => element.contains(document.activeElement))).toBe(true);
  await shown("dialog-01-open");
  await page.keyboard.press("Escape");
  await dialog.waitFor({ state: "detached" });
  expect(await revoke.evaluate((element) => element === document.activeElement)).toBe(true);
  await page.keyboard.press("Enter");
  await dialog.waitFor();
  await page.keyboard.press("Shift+Tab");
  expect(await focusedName()).toBe("Revoke");
  await page.keyboard.press("Enter");
  await page
    .getByRole("row", { name: /Nightly export/ })
    .getByText(/^revoked /)
    .waitFor();
  await shown("dialog-02-revoked");
}, 120_000);

test("at 390×844 no page scrolls sideways, and every page has a title of its own", async () => {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(`${portalUrl}/t/${tenantId}`);
  const runHref = (await page.locator('a[href*="/runs/"]').first().getAttribute("href")) ?? "";
  const runId = /\/runs\/([^/?]+)/.exec(runHref)?.[1];
  const pages = [
    `/t/${tenantId}`,
    `/t/${tenantId}/onboarding/rescue`,
    `/t/${tenantId}/onboarding/entra`,
    `/t/${tenantId}/onboarding/mappings`,
    `/t/${tenantId}/onboarding/preview`,
    `/t/${tenantId}/onboarding/confirm`,
    `/t/${tenantId}/runs/${runId}`,
    `/t/${tenantId}/log`,
    `/t/${tenantId}/settings`,
    `/t/${tenantId}/sync-user`,
    "/organisations/new",
  ];
  const titles = new Map<string, string>();
  for (const pathname of pages) {
    await page.goto(`${portalUrl}${pathname}`);
    await page.locator("main h1").first().waitFor();
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    if (width > 390) throw new Error(`${pathname} is ${width} px wide at 390 px`);
    expect(await page.locator("h1").count()).toBe(1);
    titles.set(pathname, await page.title());
    await shown(`phone-${pathname.replace(`/t/${tenantId}`, "tenant").replace(/[^a-z0-9]+/gi, "-")}`);
  }
  // Signed out: the sign-in and sign-up pages.
  await context.clearCookies();
  for (const pathname of ["/sign-in", "/sign-up"]) {
    await page.goto(`${portalUrl}${pathname}`);
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    if (width > 390) throw new Error(`${pathname} is ${width} px wide at 390 px`);
    titles.set(pathname, await page.title());
    await shown(`phone-${pathname.slice(1)}`);
  }
  const all = [...titles.values()];
  for (const title of all) expect(title).toMatch(/^.+ · TechSync$/);
  expect(new Set(all).size).toBe(all.length);
}, 180_000);
