// Accessibility check for the browser tests: axe-core runs inside the page as it is shown (WCAG 2.0–2.2 A and AA
// rules plus axe's best practices) and the test fails with every violation named, its impact and the elements it
// found, so a regression reads as a list of fixes rather than a count.
import { readFileSync } from "node:fs";
import type { Page } from "playwright-core";

const axeSource = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: unknown[]; failureSummary?: string }[];
}

/** The violations axe finds on the page as it is now (injecting axe once per document). */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  const loaded = await page.evaluate(() => typeof (window as unknown as { axe?: unknown }).axe !== "undefined");
  if (!loaded) await page.addScriptTag({ content: axeSource });
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (context: Document, options: unknown) => Promise<unknown> } }).axe;
    const result = (await axe.run(document, {
      runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"] },
      resultTypes: ["violations"],
    })) as { violations: AxeViolation[] };
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => ({ target: n.target, failureSummary: n.failureSummary })),
    }));
  });
}

/** Fails the test when axe finds any violation on the page state called `state`. */
export async function expectNoAxeViolations(page: Page, state: string): Promise<void> {
  const violations = await axeViolations(page);
  if (violations.length === 0) return;
  const described = violations
    .map(
      (v) =>
        `- ${v.id} (${v.impact ?? "unknown impact"}): ${v.help}\n` +
        v.nodes
          .slice(0, 5)
          .map(
            (n) =>
              `    at ${JSON.stringify(n.target)}${n.failureSummary ? `: ${n.failureSummary.split("\n")[1] ?? ""}` : ""}`,
          )
          .join("\n"),
    )
    .join("\n");
  throw new Error(
    `axe-core found ${violations.length} accessibility violation(s) on "${state}" (${page.url()}):\n${described}`,
  );
}
