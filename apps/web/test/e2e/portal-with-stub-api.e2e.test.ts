// The built portal in Debian's chromium against test/e2e/stub-api.ts, a small in-memory stand-in for
// apps/api that checks the portal's tokens as the API must: the screens and their wiring, fast and
// without Postgres, Redis or emulators. portal-with-sandbox.e2e.test.ts runs the same walk on the real stack.
import { mkdirSync } from "node:fs";
import path from "node:path";
import { type Browser, chromium, type Page } from "playwright-core";
import { expectNoAxeViolations } from "./axe";
import { chromiumArgs, screenshotTaker, walkFirstVisit } from "./first-visit";
import { type PortalProcess, startPortal } from "./portal-process";
import { type StubApi, startStubApi } from "./stub-api";

const artifacts = path.resolve(__dirname, "../../test-results/e2e-stub");
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
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: chromiumArgs,
  });
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.setDefaultTimeout(30_000);
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await portal?.stop();
  await api?.close();
});

/** Each state the test shows is checked by axe (0 violations), then kept as a screenshot. */
const shot = async (name: string) => {
  await expectNoAxeViolations(page, name);
  await screenshotTaker(page, artifacts)(name);
};

async function explainFailure(error: unknown): Promise<never> {
  await screenshotTaker(page, artifacts)("failure").catch(() => undefined);
  throw new Error(
    `${error instanceof Error ? error.message : String(error)}\nportal:\n${portal.output().slice(-3000)}`,
  );
}

test("sign-up → demo data → two pairs → preview of 5 creates → start syncing → 5 technicians", async () => {
  const outcome = await walkFirstVisit(page, portal.url, {
    email: "ada@contoso-demo.example",
    pairs: [
      { entraGroup: "Support Engineers", rescueGroup: "Technicians › Support" },
      {
        entraGroup: "Field Technicians North",
        rescueGroup: "Technicians › Field Engineers › North",
        searchFor: "field",
      },
    ],
    shot,
  }).catch(explainFailure);
  const tenant = api.tenants.get(outcome.tenantId);
  expect(outcome.previewCreates).toBe(5);
  expect(outcome.previewEmails).toHaveLength(5);
  expect(outcome.runCreates).toBe(5);
  expect(tenant?.mappings.map((m) => m.rescueGroupId)).toEqual([102, 104]);
  expect(tenant?.settings.sandboxMode).toBe(true);
  expect(tenant?.settings.paused).toBe(false);
  expect(tenant?.technicians.map((t) => t.email).sort()).toEqual([...outcome.previewEmails].sort());
  expect(await page.locator("svg.chart").getAttribute("data-bars")).toBe("1");
  expect(await page.locator("[data-linked-technicians]").textContent()).toBe("5");
}, 180_000);

test("the sync log shows one line per change, filters by change and downloads", async () => {
  const tenantId = [...api.tenants.keys()][0];
  await page.goto(`${portal.url}/t/${tenantId}/log`);
  await page.locator('tr[data-log-line="create"]').first().waitFor();
  expect(await page.locator("[data-sync-log] tbody tr").count()).toBe(5);
  await shot("08-sync-log");
  await page.getByLabel("Change").selectOption("disable");
  await page.getByRole("button", { name: "Filter" }).click();
  await page.getByText("No change matches these filters.").waitFor();
  const download = await page.request.get(`${portal.url}/api/tenants/${tenantId}/activity/download?format=csv`);
  expect(download.headers()["content-disposition"]).toMatch(/attachment; filename="techsync-sync-log-.*\.csv"/);
  expect((await download.text()).split("\r\n")[0]).toBe("Time (UTC),User");
}, 60_000);

test("settings: a field error in plain words, an API key shown once, then revoked", async () => {
  const tenantId = [...api.tenants.keys()][0];
  await page.goto(`${portal.url}/t/${tenantId}/settings`);
  await page.getByLabel("Run every (minutes)").fill("2");
  await page.getByRole("button", { name: "Save settings" }).click();
  await page.getByText("Runs can be at most every 5 minutes.").waitFor();
  await page.getByLabel("Run every (minutes)").fill("30");
  await page.getByRole("button", { name: "Save settings" }).click();
  await page.getByText("Settings saved.").waitFor();
  expect(api.tenants.get(tenantId!)?.settings.scheduleIntervalMinutes).toBe(30);

  await page.getByLabel("Key name").fill("nightly export");
  await page.getByRole("button", { name: "Create API key" }).click();
  const key = await page.locator("[data-api-key]").textContent();
  expect(key).toMatch(/^tsk_[0-9a-f]{8}_[0-9a-f]{32}$/);
  await shot("09-settings");
  await page.reload();
  expect(await page.content()).not.toContain(key);
  // Revoking asks first, in the page (an alert dialog), not with the browser's confirm().
  await page.getByRole("region", { name: "API keys" }).getByRole("button", { name: "Revoke" }).click();
  const confirmRevoke = page.getByRole("alertdialog", { name: /^Revoke “.+”\? Anything using it stops working\.$/ });
  await expectNoAxeViolations(page, "revoke API key: confirm dialog");
  await confirmRevoke.getByRole("button", { name: "Revoke" }).click();
  await page.getByText(/^revoked /).waitFor();
}, 60_000);

test("an invitation: the link is shown once; the invitee signs up from it, accepts and is in", async () => {
  const tenantId = [...api.tenants.keys()][0]!;
  await page.goto(`${portal.url}/t/${tenantId}/settings`);
  await page.getByLabel("Email", { exact: true }).fill("Grace@Contoso-Demo.example");
  await page.getByLabel("Role", { exact: true }).selectOption("admin");
  await page.getByRole("button", { name: "Invite", exact: true }).click();
  const link = (await page.locator("[data-invitation-link]").textContent()) ?? "";
  expect(link).toMatch(/\/invitations\/inv_/);
  await page.getByText(/it works once and expires on/).waitFor();
  await page.locator("tr", { hasText: "Grace@Contoso-Demo.example" }).waitFor();
  await shot("12-invitation-link");
  await page.reload();
  expect(await page.content()).not.toContain(new URL(link).pathname);

  // The invitee, in a browser of their own: not signed in, no account yet.
  const invitee = await (await browser.newContext()).newPage();
  await invitee.goto(`${portal.url}${new URL(link).pathname}`);
  await invitee.getByRole("heading", { name: "Join Contoso Demo" }).waitFor();
  await invitee.getByRole("link", { name: "Create an account" }).click();
  await invitee.getByLabel("Work email").fill("grace@contoso-demo.example");
  await invitee.getByLabel("Password").fill("a-long-enough-password");
  expect(await invitee.getByLabel("Organisation name").count()).toBe(0);
  await invitee.getByRole("button", { name: "Create account" }).click();
  await invitee.waitForURL(/\/invitations\/inv_/);
  await invitee.getByRole("button", { name: "Accept invitation" }).click();
  await invitee.waitForURL(new RegExp(`/t/${tenantId}$`));
  const grace = [...(api.tenants.get(tenantId)?.members ?? [])].pop();
  expect(grace?.role).toBe("admin");
  // Used once: the link now says it does not work.
  await invitee.goto(`${portal.url}${new URL(link).pathname}`);
  await invitee.getByRole("heading", { name: "This invitation link does not work" }).waitFor();
  await invitee.context().close();
}, 90_000);

test("on a phone-sized screen the picker stacks its columns", async () => {
  const tenantId = [...api.tenants.keys()][0];
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(`${portal.url}/t/${tenantId}/onboarding/mappings`);
  const entra = await page.getByRole("group", { name: "1. Entra ID group" }).boundingBox();
  const rescue = await page.getByRole("group", { name: "2. Rescue technician group" }).boundingBox();
  expect(rescue!.y).toBeGreaterThan(entra!.y + entra!.height - 1);
  expect(entra!.width).toBeLessThanOrEqual(390);
  await shot("10-phone-mappings");
}, 60_000);

test("a blocked run lists what it would disable; Dismiss cancels one, Approve applies another", async () => {
  const tenantId = [...api.tenants.keys()][0]!;
  await page.setViewportSize({ width: 1280, height: 900 });
  const dismissed = api.addBlockedRun(tenantId, 6);
  await page.goto(`${portal.url}/t/${tenantId}/runs/${dismissed}`);
  await page.getByText("This run would disable more technicians than the safety threshold allows").waitFor();
  expect(await page.locator('tbody tr[data-kind="disable"]').count()).toBe(6);
  expect(await page.locator('[data-count="disable"]').textContent()).toBe("6");
  await page.getByText("Will be disabled").first().waitFor();
  expect(await page.locator('[data-action-status="planned"]').first().textContent()).toBe("Awaiting approval");
  await shot("11-blocked-run");
  await page.getByRole("button", { name: "Dismiss" }).click();
  await page.locator(`[data-run-status="cancelled"]`).waitFor();
  expect(api.tenants.get(tenantId)?.runs.find((r) => r.id === dismissed)?.status).toBe("cancelled");
  // Its actions read "not applied", never "planned".
  const dismissedRows = await page.locator("tbody tr").allInnerTexts();
  expect(dismissedRows).toHaveLength(6);
  for (const row of dismissedRows) expect(row).toMatch(/Disable\s+Support \(102\)\s+Not applied\W+Dismissed by Ada\./);
  expect(await page.locator("main").textContent()).not.toMatch(/planned/i);

  // Partial approval: all checked at first; "Select none", then two chosen from the keyboard; approve those.
  const approved = api.addBlockedRun(tenantId, 6);
  await page.goto(`${portal.url}/t/${tenantId}/runs/${approved}`);
  const boxes = page.getByRole("checkbox", { name: /^Apply: Will be disabled, Former Person/ });
  expect(await boxes.count()).toBe(6);
  for (const box of await boxes.all()) expect(await box.isChecked()).toBe(true);
  await page.getByRole("button", { name: "Approve 6 selected" }).waitFor();
  await page.getByRole("button", { name: "Select none" }).click();
  expect(await page.getByRole("button", { name: "Approve 0 selected" }).isDisabled()).toBe(true);
  await page.getByRole("checkbox", { name: "Apply: Will be disabled, Former Person 2" }).focus();
  await page.keyboard.press("Space");
  await page.getByRole("checkbox", { name: "Apply: Will be disabled, Former Person 5" }).check();
  await page.getByText("2 of 6 selected.").waitFor();
  await shot("11b-blocked-run-partial");
  // biome-ignore lint/performance/useDomNodeTextContent: the review laid out as a person reads it, for the report
  const review = await page.locator("[data-blocked-review]").innerText();
  console.log(`blocked run review with 2 of 6 chosen, as the page reads:\n${review}`);
  await page.getByRole("button", { name: "Approve 2 selected" }).click();
  // Asked in the page, not by the browser: the question names what is and is not applied.
  const approval = page.getByRole("alertdialog", {
    name: "Apply the 2 selected action(s)? The other 4 will not be applied.",
  });
  await approval.waitFor();
  await expectNoAxeViolations(page, "blocked run: approval asked");
  await approval.getByRole("button", { name: "Apply" }).click();
  await page.locator('[data-run-status="succeeded"]').waitFor();
  expect(await page.locator('[data-count="disable"]').textContent()).toBe("2");
  const run = api.tenants.get(tenantId)?.runs.find((r) => r.id === approved);
  expect(run?.approvedBy).toBeTruthy();
  expect(run?.actions.map((a) => `${a.displayName}: ${a.status}`)).toEqual([
    "Former Person 1: skipped",
    "Former Person 2: succeeded",
    "Former Person 3: skipped",
    "Former Person 4: skipped",
    "Former Person 5: succeeded",
    "Former Person 6: skipped",
  ]);
  const rows = await page.locator("tbody tr").allInnerTexts();
  expect(rows.filter((row) => /Disabled\s+Support \(102\)\s+Applied/.test(row))).toHaveLength(2);
  expect(
    rows.filter((row) => /Disable\s+Support \(102\)\s+Not applied\W+Not approved by Ada\./.test(row)),
  ).toHaveLength(4);
  // biome-ignore lint/performance/useDomNodeTextContent: the page laid out as a person reads it, for the report
  const shown = await page.locator("main").innerText();
  console.log(`blocked run after a partial approval, as the page reads:\n${shown}`);
}, 90_000);

test("sign out, a wrong password in plain words, the API's rate limit message, then back in", async () => {
  await page.setViewportSize({ width: 1280, height: 900 });
  const tenantId = [...api.tenants.keys()][0]!;
  await page.goto(`${portal.url}/t/${tenantId}`);
  await page.getByRole("button", { name: "Sign out" }).click();
  await page.waitForURL(/\/sign-in/);
  await page.goto(`${portal.url}/t/${tenantId}`);
  await page.waitForURL(/\/sign-in/);

  const signIn = async (email: string, password: string) => {
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill(password);
    await page.getByRole("button", { name: "Sign in" }).click();
  };
  await signIn("ada@contoso-demo.example", "not-the-password");
  await page.getByText("That email and password don't match.").waitFor();
  for (let attempt = 0; attempt < 5; attempt++) {
    await signIn("someone@contoso-demo.example", "guess");
    await page.getByRole("alert").waitFor();
  }
  await signIn("someone@contoso-demo.example", "guess");
  await page.getByText("Too many sign-in attempts. Try again in a minute.").waitFor();
  await shot("12-sign-in-rate-limited");

  await signIn("ada@contoso-demo.example", "a-long-enough-password");
  await page.waitForURL(new RegExp(`/t/${tenantId}$`));
}, 60_000);

test("Preview now shows the run's live progress from the API's events, then its plan", async () => {
  const tenantId = [...api.tenants.keys()][0]!;
  await page.goto(`${portal.url}/t/${tenantId}`);
  await page.getByRole("button", { name: "Preview now" }).click();
  await page.waitForURL(/\/runs\//);
  // "n of m (p%)" only ever arrives through the Server-Sent Events: the first render says "Starting…".
  await page.getByText(/\d+ of \d+ \(\d+%\)/).waitFor();
  await shot("13-live-progress");
  await page.locator('[data-run-status="succeeded"]').waitFor();
  expect(await page.locator('[data-count="create"]').textContent()).toBe("0");
  await page.getByText("Nothing to do: Rescue already matches Entra ID.").waitFor();
}, 60_000);

test("sync a user now: search, sync, and each step of the decision, focus on the answer", async () => {
  const tenantId = [...api.tenants.keys()][0]!;
  await page.goto(`${portal.url}/t/${tenantId}`);
  await page.getByRole("link", { name: "Sync a user now" }).click();
  await page.waitForURL(/\/sync-user/);
  expect(await page.title()).toBe("Sync a user now · TechSync");
  await page.getByLabel("Name or email").fill("Helpdesk Person 2");
  await page.getByRole("button", { name: "Search" }).click();
  await page.getByRole("button", { name: "Sync this user now: Helpdesk Person 2" }).click();
  await page.getByRole("heading", { name: "Result for Helpdesk Person 2" }).waitFor();
  expect(await page.evaluate(() => document.activeElement?.id)).toBe("sync-user-result");
  // Neither pair takes a Helpdesk member: ✗ with the reason, no technician, nothing to do.
  const verdicts = await page.locator("[data-pair-verdict]").allTextContents();
  expect(verdicts).toEqual([
    expect.stringContaining("Not in pair 'Support Engineers → Support': not a member of \"Support Engineers\""),
    expect.stringContaining("Not in pair 'Field Technicians North → North'"),
  ]);
  expect(verdicts[0]).toContain("✗");
  await page.locator('[data-result="nothing-to-do"]').waitFor();

  await page.getByLabel("Name or email").fill("Support Person 1");
  await page.getByRole("button", { name: "Search" }).click();
  await page.getByRole("button", { name: "Sync this user now: Support Person 1" }).click();
  await page.getByRole("heading", { name: "Result for Support Person 1" }).waitFor();
  const passed = await page.locator('[data-pair-verdict="in-scope"]').textContent();
  expect(passed).toContain("✓");
  expect(passed).toContain("Passes: In scope of pair 'Support Engineers → Support'");
  expect(await page.locator("[data-match]").textContent()).toMatch(/^Linked to technician "Support Person 1"/);
  await shot("14-sync-user-now");
}, 60_000);

test("a second organisation starts its own setup, and the switcher moves between them", async () => {
  const first = [...api.tenants.keys()][0]!;
  await page.goto(`${portal.url}/t/${first}`);
  await page.getByRole("link", { name: "Add organisation" }).click();
  await page.getByRole("button", { name: "Create and set up" }).click();
  await page.getByText("Name the organisation.").waitFor();
  await page.getByLabel("Organisation name").fill("Fabrikam Field Service");
  await page.getByRole("button", { name: "Create and set up" }).click();
  await page.waitForURL(/\/onboarding\/rescue$/);
  const second = /\/t\/([^/]+)\//.exec(page.url())?.[1];
  expect(second).not.toBe(first);
  expect(api.tenants.get(second!)?.name).toBe("Fabrikam Field Service");
  await page.getByLabel("Organisation").selectOption(first);
  await page.waitForURL(new RegExp(`/t/${first}$`));
  expect(await page.getByLabel("Organisation").inputValue()).toBe(first);
}, 60_000);

test("demo data on an organisation with its own connections asks first, naming what it replaces; Keep changes nothing", async () => {
  const second = [...api.tenants.values()].find((t) => t.name === "Fabrikam Field Service");
  expect(second).toBeDefined();
  const tenant = second!;
  // The organisation's own connections and one pair, as its steps 1–3 would have saved them.
  tenant.rescue = { email: "mah@fabrikam.example", region: "global", apiToken: "fabrikam-token" };
  tenant.entra = {
    directoryId: "0c1d2e3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f",
    clientId: "c",
    cloud: "global",
    clientSecret: "x",
  };
  tenant.mappings = [
    { id: "pair-1", entraGroupId: "g-old", entraGroupName: "Old Helpdesk", rescueGroupId: 7, rescueGroupName: "Old" },
  ];
  await page.goto(`${portal.url}/t/${tenant.id}/onboarding/rescue`);
  await page.getByRole("button", { name: "Try with demo data" }).click();
  const confirmation = page.getByRole("region", { name: "Replace your own connections with the demo data?" });
  await confirmation.waitFor();
  await confirmation.getByText("mah@fabrikam.example").waitFor();
  await confirmation.getByText("0c1d2e3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f").waitFor();
  expect(await confirmation.getByRole("list", { name: "Group pairs that would be removed" }).textContent()).toBe(
    "Old Helpdesk → Old",
  );
  await shot("demo-data-confirmation");
  await confirmation.getByRole("button", { name: "Keep my connections" }).click();
  await page.getByRole("button", { name: "Try with demo data" }).waitFor();
  expect(tenant.rescue?.email).toBe("mah@fabrikam.example");
  expect(tenant.mappings).toHaveLength(1);

  await page.getByRole("button", { name: "Try with demo data" }).click();
  await page.getByRole("button", { name: "Replace with demo data" }).click();
  await page.waitForURL(/\/onboarding\/rescue\?demo=1$/);
  // rule 15: the tenant's own demo organisation, whose Master Account Holder is named after the tenant.
  expect(tenant.rescue?.email).toMatch(/^mah\+[0-9a-f]{32}@contoso-demo\.example$/);
  expect(tenant.entra?.directoryId).toBe("7d3b3f4e-5c2a-4e1b-9a6f-2c8d1e0f4a10");
  expect(tenant.mappings).toEqual([]);
}, 60_000);

test("removing a pair shows what it would disable in a dialog first, and removes it only when confirmed", async () => {
  const tenantId = [...api.tenants.keys()][0]!;
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto(`${portal.url}/t/${tenantId}/onboarding/mappings`);
  const pairs = () => api.tenants.get(tenantId)?.mappings.length;
  expect(pairs()).toBe(2);
  await page.getByRole("radio", { name: /^Field Technicians North to / }).check();
  await page.getByRole("button", { name: /Remove pair/ }).click();
  const dialog = page.getByRole("dialog", { name: /^Remove Field Technicians North → / });
  await dialog.getByText(/would disable 2 technicians\./).waitFor();
  expect(await dialog.locator("[data-estimate-disables] li").allTextContents()).toEqual([
    "Field Person 1 (field-north.1@contoso-demo.example)",
    "Field Person 2 (field-north.2@contoso-demo.example)",
  ]);
  await shot("12-remove-pair-estimate");
  await page.keyboard.press("Escape");
  await dialog.waitFor({ state: "detached" });
  expect(pairs()).toBe(2);

  await page.getByRole("button", { name: /Remove pair/ }).click();
  await dialog.getByText(/would disable 2 technicians\./).waitFor();
  await dialog.getByRole("button", { name: "Remove the pair" }).click();
  await page.getByText("Pair removed.").waitFor();
  expect(pairs()).toBe(1);
}, 60_000);
