// The first visit, step by step, as a person does it in the browser: shared by the browser tests
// against the stub API and against the real sandbox stack.
import path from "node:path";
import type { Page } from "playwright-core";
import { sandboxRescueConnection } from "../../src/sandbox/sandbox-demo-values";
import { expectNoAxeViolations } from "./axe";

export const chromiumArgs = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export interface GroupPair {
  entraGroup: string;
  /** The Rescue group's full path, as the picker names it ("Technicians › Support"). */
  rescueGroup: string;
  /** Find the Entra group through the server-side search and pick both by keyboard. */
  searchFor?: string;
}

export interface FirstVisitPlan {
  email: string;
  pairs: GroupPair[];
  /** Run after each screen worth keeping. */
  shot: (name: string) => Promise<void>;
  /** Just before "Start syncing" is pressed (rule 14: nothing may have changed in Rescue yet). */
  beforeStartSyncing?: (tenantId: string) => Promise<void>;
}

export interface FirstVisitOutcome {
  tenantId: string;
  previewCreates: number;
  previewEmails: string[];
  runCreates: number;
}

async function visible(page: Page, text: string | RegExp) {
  await page.getByText(text).first().waitFor({ state: "visible" });
}

/** rule 14: step 5 offers "Start syncing" only after a successful preview of the configuration as it is now. */
async function expectStartSyncingUnavailable(page: Page, portalUrl: string, tenantId: string, reason: string | RegExp) {
  await page.goto(`${portalUrl}/t/${tenantId}/onboarding/confirm`);
  await visible(page, reason);
  const button = page.getByRole("button", { name: "Start syncing" });
  if (!(await button.isDisabled())) throw new Error(`"Start syncing" is offered although: ${reason}`);
}

async function addPair(page: Page, pair: GroupPair, count: number) {
  const entra = page.getByRole("radio", { name: pair.entraGroup, exact: true });
  const rescue = page.getByRole("radio", { name: pair.rescueGroup, exact: true });
  if (pair.searchFor) {
    await page.getByLabel("Search Entra groups").fill(pair.searchFor);
    await visible(page, `matching “${pair.searchFor}”`);
    await entra.focus();
    await page.keyboard.press("Space");
    await rescue.focus();
    await page.keyboard.press("Space");
    await page.getByRole("button", { name: "Add pair" }).focus();
    await page.keyboard.press("Enter");
  } else {
    await entra.check();
    await rescue.check();
    await page.getByRole("button", { name: "Add pair" }).click();
  }
  await visible(page, `Selected pairs (${count})`);
}

/** Step 4: a preview from the start, until its counts show; answers how many it would create. */
async function preview(page: Page): Promise<number> {
  await page.getByRole("button", { name: /^(Start preview|Preview again)$/ }).click();
  await page.waitForURL(/\/onboarding\/preview\?runId=/);
  await page.locator('[data-count="create"]').waitFor({ timeout: 90_000 });
  return Number(await page.locator('[data-count="create"]').textContent());
}

export async function walkFirstVisit(
  page: Page,
  portalUrl: string,
  walkPlan: FirstVisitPlan,
): Promise<FirstVisitOutcome> {
  // Every screen worth keeping is checked by axe too (0 violations), before it is kept.
  const plan: FirstVisitPlan = {
    ...walkPlan,
    shot: async (name) => {
      await expectNoAxeViolations(page, name);
      await walkPlan.shot(name);
    },
  };
  // Sign up: creates the account and its organisation, then signs in.
  await page.goto(`${portalUrl}/sign-up`);
  await page.getByLabel("Work email").fill(plan.email);
  await page.getByLabel("Password").fill("short");
  await page.getByRole("button", { name: "Create account" }).click();
  await visible(page, "Use at least 10 characters for your password.");
  await page.getByLabel("Password").fill("a-long-enough-password");
  await page.getByLabel("Organisation name").fill("Contoso Demo");
  await plan.shot("00-sign-up");
  await page.getByRole("button", { name: "Create account" }).click();
  await page.waitForURL(/\/onboarding\/rescue$/);
  const tenantId = /\/t\/([^/]+)\//.exec(page.url())?.[1] ?? "";

  // Step 1: demo data, then Test connection in plain words.
  await page.getByRole("button", { name: "Try with demo data" }).click();
  await page.waitForURL(/\/onboarding\/rescue\?demo=1$/);
  // rule 15: the tenant's own sandbox organisation, whose Master Account Holder follows from the tenant id.
  if ((await page.getByLabel("Email", { exact: true }).inputValue()) !== sandboxRescueConnection(tenantId).email)
    throw new Error("step 1 does not show the saved demo email");
  await page.getByRole("button", { name: "Test connection" }).click();
  await visible(page, "Connected to Rescue.");
  await plan.shot("01-rescue");
  await page.getByRole("button", { name: "Save and continue" }).click();
  await page.waitForURL(/\/onboarding\/entra$/);

  // Step 2: each permission granted; Back shows step 1's saved values, secrets only as "saved".
  await page.getByRole("button", { name: "Test", exact: true }).click();
  const granted = page.getByRole("list", { name: "Graph permissions" }).getByText("granted", { exact: true });
  await granted.first().waitFor();
  if ((await granted.count()) !== 3) throw new Error(`expected 3 granted permissions, saw ${await granted.count()}`);
  await page.getByText("How to create the app registration").click();
  await plan.shot("02-entra");
  await page.getByRole("link", { name: "Back" }).click();
  await page.waitForURL(/\/onboarding\/rescue$/);
  const apiToken = page.getByLabel("API token", { exact: true });
  if ((await apiToken.inputValue()) !== "" || !(await apiToken.getAttribute("placeholder"))?.includes("saved"))
    throw new Error("step 1 should show the saved API token only as saved");
  if ((await page.getByLabel("Rescue region").inputValue()) !== "sandbox")
    throw new Error("step 1 should show the sandbox region the demo data chose");
  await page.getByRole("button", { name: "Save and continue" }).click();
  await page.waitForURL(/\/onboarding\/entra$/);
  await page.getByRole("button", { name: "Save and continue" }).click();
  await page.waitForURL(/\/onboarding\/mappings$/);

  // Step 3: the pairs but the last; some found through the server-side search and chosen by keyboard alone.
  const last = plan.pairs.at(-1);
  if (!last || plan.pairs.length < 2) throw new Error("the first visit pairs at least two groups");
  for (const [index, pair] of plan.pairs.slice(0, -1).entries()) await addPair(page, pair, index + 1);
  // rule 14: no preview yet, so step 5 does not offer "Start syncing".
  await expectStartSyncingUnavailable(
    page,
    portalUrl,
    tenantId,
    "No preview yet: preview the current configuration, then press Start syncing.",
  );
  await page.goto(`${portalUrl}/t/${tenantId}/onboarding/preview`);
  await preview(page);
  await page.getByRole("link", { name: "Continue", exact: true }).click();
  await page.waitForURL(/\/onboarding\/confirm/);
  await page.getByRole("button", { name: "Start syncing" }).waitFor();
  if (await page.getByRole("button", { name: "Start syncing" }).isDisabled())
    throw new Error('"Start syncing" is unavailable after a successful preview of the current configuration');

  // Then the last pair: the configuration changed since that preview, so step 5 waits for another.
  await page.goto(`${portalUrl}/t/${tenantId}/onboarding/mappings`);
  await addPair(page, last, plan.pairs.length);
  await plan.shot("03-mappings");
  await expectStartSyncingUnavailable(page, portalUrl, tenantId, /The configuration changed since the preview/);
  await plan.shot("05-confirm-stale-preview");
  await page.goto(`${portalUrl}/t/${tenantId}/onboarding/mappings`);
  await page.getByRole("link", { name: "Continue to preview" }).click();

  // Step 4: a dry run with live progress, then counts per action and a searchable table.
  const previewCreates = await preview(page);
  await plan.shot("04-preview");
  await page.getByLabel("Action", { exact: true }).selectOption("create");
  await page.getByRole("button", { name: "Filter" }).click();
  await page.waitForURL(/kind=create/);
  const previewEmails = (await page.locator('tbody tr[data-kind="create"] td:first-child .hint').allTextContents()).map(
    (e) => e.trim(),
  );
  await page.getByRole("link", { name: "Continue", exact: true }).click();

  // Step 5: start syncing → the schedule is on and the first run completes.
  await page.waitForURL(/\/onboarding\/confirm/);
  await plan.shot("05-confirm");
  await plan.beforeStartSyncing?.(tenantId);
  await page.getByRole("button", { name: "Start syncing" }).click();
  await page.waitForURL(/\/runs\//);
  await page.locator("[data-run-status]").waitFor({ timeout: 120_000 });
  const status = await page.locator("[data-run-status]").getAttribute("data-run-status");
  if (status !== "succeeded") throw new Error(`the first sync ended ${status}`);
  const runCreates = Number(await page.locator('[data-count="create"]').textContent());
  await plan.shot("06-run");

  // Dashboard: the run in the chart.
  await page.getByRole("link", { name: "Dashboard", exact: true }).first().click();
  await page.waitForURL(new RegExp(`/t/${tenantId}$`));
  await page.locator("svg.chart").waitFor();
  await plan.shot("07-dashboard");
  return { tenantId, previewCreates, previewEmails, runCreates };
}

export function screenshotTaker(page: Page, folder: string) {
  return async (name: string) => {
    await page.screenshot({ path: path.join(folder, `${name}.png`), fullPage: true });
  };
}
