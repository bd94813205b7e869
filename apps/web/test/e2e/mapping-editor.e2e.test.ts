// The mapping editor in the built portal, in Debian's chromium, against the real API, worker, Postgres, Redis and
// both emulators: a pair's conditions edited in place (two, joined by "any") with the impact shown before saving,
// the transitive switch, the order changed by keyboard and saved in one call (a stale second tab refused in words),
// the attribute mapping as a form, and the group picker's true count over 1,500 groups. axe runs on every state.
import { copyFileSync, mkdirSync } from "node:fs";
import { request as httpsRequest } from "node:https";
import path from "node:path";
import type { Page } from "playwright-core";
import { expectNoAxeViolations } from "./axe";
import { screenshotTaker, walkFirstVisit } from "./first-visit";
import type { PortalProcess } from "./portal-process";
import { type SandboxPortal, startSandboxPortal } from "./sandbox-portal";
import type { SandboxStack } from "./sandbox-stack";

const artifacts = path.resolve(__dirname, "../../test-results/mapping-editor");
// The sandbox's Entra directory in the Graph emulator (sandboxEntraConnection's directoryId).
const DIRECTORY = "7d3b3f4e-5c2a-4e1b-9a6f-2c8d1e0f4a10";

let sandbox: SandboxPortal;
let stack: SandboxStack;
let portal: PortalProcess;
let page: Page;
let tenantId: string;

/** The Graph emulator's admin API (its own self-signed certificate, on loopback). */
function graphAdmin(method: string, route: string, body?: unknown): Promise<number> {
  const url = new URL(`/_emulator${route}`, stack.graphEmulatorUrl);
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      url,
      { method, rejectUnauthorized: false, headers: { "content-type": "application/json" } },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
      },
    );
    req.on("error", reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

const sql = (query: string) => stack.queryValue(query);
const pair = (name: string) => page.locator(`li[data-pair^="${name} →"]`);

/** Waits for the change dialog's estimate, checks it with axe, then confirms. */
async function confirmWithEstimate(state: string) {
  const dialog = page.locator("[data-change-dialog]");
  await dialog.locator("[data-estimate-summary]").waitFor({ timeout: 60_000 });
  await expectNoAxeViolations(page, state);
  await dialog.getByRole("button").first().click();
  await dialog.waitFor({ state: "detached" });
}

beforeAll(async () => {
  mkdirSync(artifacts, { recursive: true });
  sandbox = await startSandboxPortal();
  ({ stack, portal, page } = sandbox);
  const outcome = await walkFirstVisit(page, portal.url, {
    email: `mah-mapping-${Date.now()}@contoso-demo.example`,
    pairs: [
      { entraGroup: "Helpdesk", rescueGroup: "Support Tier 1" },
      { entraGroup: "Field Support", rescueGroup: "Field Engineers › Field Engineers North", searchFor: "field" },
    ],
    shot: async () => undefined,
  });
  tenantId = outcome.tenantId;
}, 300_000);

afterAll(async () => {
  await sandbox?.stop();
}, 60_000);

function failWithOutput(error: unknown): never {
  throw new Error(
    `${error instanceof Error ? error.stack : String(error)}\n--- portal\n${portal.output().slice(-2000)}\n--- stack\n${stack.output().slice(-3000)}`,
  );
}

test("edit a pair's conditions and transitive switch in place, reorder by keyboard, stale tab refused", async () => {
  const shot = screenshotTaker(page, artifacts);
  try {
    await page.goto(`${portal.url}/t/${tenantId}/mappings`);
    await page.getByRole("heading", { level: 1, name: "Mappings" }).waitFor();
    expect(await page.title()).toBe("Mappings · TechSync");
    expect(await page.getByRole("link", { name: "Mappings", exact: true }).getAttribute("aria-current")).toBe("page");
    await expectNoAxeViolations(page, "mapping editor");

    // A second tab opened now holds the pairs as they are before any change below.
    const stale = await page.context().newPage();
    await stale.goto(`${portal.url}/t/${tenantId}/mappings`);

    // Two conditions joined by "any": Department equals Support, or Job title contains Engineer.
    await pair("Helpdesk").getByRole("button", { name: /^Edit/ }).click();
    await pair("Helpdesk").getByRole("button", { name: "Add a condition" }).click();
    await pair("Helpdesk").getByRole("button", { name: "Add a condition" }).click();
    await pair("Helpdesk").getByLabel("Value").first().fill("Support");
    await pair("Helpdesk").getByLabel("Attribute").nth(1).selectOption("jobTitle");
    await pair("Helpdesk").getByLabel("Comparison").nth(1).selectOption("contains");
    await pair("Helpdesk").getByLabel("Value").nth(1).fill("Engineer");
    await pair("Helpdesk").getByLabel("Users who pass any condition").check();
    await expectNoAxeViolations(page, "mapping editor: editing a pair's conditions");
    await shot("01-editing-conditions");
    await pair("Helpdesk").getByRole("button", { name: "Review and save" }).click();
    await confirmWithEstimate("mapping editor: impact of new conditions");
    await page.getByText("Pair saved.").waitFor();
    const saved = JSON.parse(
      sql(`SELECT conditions FROM group_mappings WHERE tenant_id = '${tenantId}' AND entra_group_name = 'Helpdesk'`),
    );
    expect(saved).toEqual({
      combinator: "any",
      conditions: [
        { attribute: "department", operator: "equals", value: "Support", mode: "include" },
        { attribute: "jobTitle", operator: "contains", value: "Engineer", mode: "include" },
      ],
    });
    await pair("Helpdesk")
      .getByText("users who pass any of: Department equals “Support”; Job title contains “Engineer”")
      .waitFor();

    // The transitive switch, shown and changed in place.
    await pair("Field Support").getByRole("button", { name: /^Edit/ }).click();
    const nested = pair("Field Support").getByLabel("Include members of nested groups");
    expect(await nested.isChecked()).toBe(true);
    await nested.uncheck();
    await pair("Field Support").getByRole("button", { name: "Review and save" }).click();
    await confirmWithEstimate("mapping editor: impact of the nested-groups switch");
    await pair("Field Support").getByText("direct members only").waitFor();
    expect(
      sql(
        `SELECT transitive FROM group_mappings WHERE tenant_id = '${tenantId}' AND entra_group_name = 'Field Support'`,
      ),
    ).toBe("f");

    // Priority by keyboard: focus "Move down" on the first pair, press Enter; the move is announced.
    await pair("Helpdesk")
      .getByRole("button", { name: /^Move down/ })
      .focus();
    await page.keyboard.press("Enter");
    await page.getByText(/Helpdesk → .* moved to position 2 of 2/).waitFor();
    expect(await page.locator("li[data-pair]").first().getAttribute("data-pair")).toMatch(/^Field Support →/);
    await expectNoAxeViolations(page, "mapping editor: order changed, not saved");
    await page.getByRole("button", { name: "Review and save the order" }).click();
    await confirmWithEstimate("mapping editor: impact of the new order");
    await page.getByText("Order saved.").waitFor();
    const order = sql(
      `SELECT string_agg(entra_group_name, ',' ORDER BY priority) FROM group_mappings WHERE tenant_id = '${tenantId}'`,
    );
    expect(order).toBe("Field Support,Helpdesk");
    await shot("02-mapping-editor");

    // The stale tab still shows the old order and versions: its save is refused in words, nothing changes.
    await stale
      .locator('li[data-pair^="Helpdesk →"]')
      .getByRole("button", { name: /^Move down/ })
      .click();
    await stale.getByRole("button", { name: "Review and save the order" }).click();
    const dialog = stale.locator("[data-change-dialog]");
    await dialog.locator("[data-estimate-summary]").waitFor({ timeout: 60_000 });
    await dialog.getByRole("button").first().click();
    await stale.getByText(/changed by someone else \(or in another tab\).*order them again/).waitFor();
    await expectNoAxeViolations(stale, "mapping editor: stale tab refused");
    await stale.close();
    expect(
      sql(
        `SELECT string_agg(entra_group_name, ',' ORDER BY priority) FROM group_mappings WHERE tenant_id = '${tenantId}'`,
      ),
    ).toBe("Field Support,Helpdesk");

    if (process.env.E2E_README_SCREENSHOTS === "1") {
      const docs = path.resolve(__dirname, "../../docs/screenshots");
      mkdirSync(docs, { recursive: true });
      await page.screenshot({ path: path.join(artifacts, "mapping-editor.png"), fullPage: true });
      copyFileSync(path.join(artifacts, "mapping-editor.png"), path.join(docs, "mapping-editor.png"));
    }
  } catch (error) {
    await shot("failure-editor").catch(() => undefined);
    failWithOutput(error);
  }
}, 240_000);

test("the attribute mapping is a form with the defaults shown, saved as the API validates it", async () => {
  try {
    await page.goto(`${portal.url}/t/${tenantId}/settings`);
    const nick = page.getByRole("group", { name: "Nickname" });
    await nick.getByText("Default: Given name, then Email, the part before the @.").waitFor();
    await expectNoAxeViolations(page, "settings: attribute mapping form");
    await nick.getByLabel("First choice").selectOption("userPrincipalNameLocalPart");
    await nick.getByLabel("If that is empty", { exact: false }).first().selectOption("surname");
    await page.getByRole("button", { name: "Save settings" }).click();
    await page.getByText("Settings saved.").waitFor();
    expect(JSON.parse(sql(`SELECT attribute_mapping FROM tenants WHERE id = '${tenantId}'`))).toEqual({
      nick: ["userPrincipalNameLocalPart", "surname"],
    });
    await page.reload();
    expect(await page.getByRole("group", { name: "Nickname" }).getByLabel("First choice").inputValue()).toBe(
      "userPrincipalNameLocalPart",
    );
  } catch (error) {
    failWithOutput(error);
  }
}, 120_000);

test("the group picker searches all 1,500 groups on the server, says the true count, loads more and refreshes", async () => {
  try {
    for (let i = 1; i <= 1500; i += 1) {
      const status = await graphAdmin("POST", `/tenants/${DIRECTORY}/groups`, {
        displayName: `Regional Team ${String(i).padStart(4, "0")}`,
      });
      if (status !== 201) throw new Error(`the emulator refused group ${i}: ${status}`);
    }
    await page.goto(`${portal.url}/t/${tenantId}/onboarding/mappings`);
    await page.getByLabel("Search Entra groups").fill("Regional");
    await page.getByText("1,500 groups matching “Regional”; showing 50").waitFor();
    const about = (name: string) =>
      page.locator("li", { has: page.getByRole("radio", { name, exact: true }) }).locator("[data-group-about]");
    expect(await about("Regional Team 0001").textContent()).toBe("0 members");
    await expectNoAxeViolations(page, "group picker: 1,500 groups found");
    await page.getByRole("button", { name: "Load more groups" }).click();
    await page.getByText("1,500 groups matching “Regional”; showing 100").waitFor();

    // A group added elsewhere (another tab, or Entra itself) appears on Refresh.
    await graphAdmin("POST", `/tenants/${DIRECTORY}/groups`, { displayName: "Regional Team Late" });
    await page.getByRole("button", { name: "Refresh the list" }).click();
    await page.getByText("1,501 groups matching “Regional”; showing 50").waitFor();
    await page.getByLabel("Search Entra groups").fill("Helpdesk");
    await page.getByRole("radio", { name: "Helpdesk", exact: true }).waitFor();
    expect(await about("Helpdesk").textContent()).toMatch(/^\d+ members/);
    await expectNoAxeViolations(page, "group picker: member counts");
  } catch (error) {
    failWithOutput(error);
  }
}, 180_000);
