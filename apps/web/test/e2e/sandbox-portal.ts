// One browser test's whole world: the sandbox stack (database, Redis, emulators, API, worker), the built portal
// signed with the same token secret, and Debian's chromium with one page in a context of its own (so a test can open
// a second tab in the same session). Every browser test against the real back end starts and stops it this way.
import { randomBytes } from "node:crypto";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { chromiumArgs } from "./first-visit";
import { freePort, type PortalProcess, startPortal } from "./portal-process";
import { type SandboxStack, startSandboxStack } from "./sandbox-stack";

export interface SandboxPortal {
  stack: SandboxStack;
  portal: PortalProcess;
  browser: Browser;
  context: BrowserContext;
  page: Page;
  stop(): Promise<void>;
}

export async function startSandboxPortal(
  options: {
    viewport?: { width: number; height: number };
    /** Extra environment for the API and the worker (a mail server, a setting). */
    env?: Record<string, string>;
  } = {},
): Promise<SandboxPortal> {
  const tokenSecret = `e2e-token-${randomBytes(24).toString("hex")}`;
  const portalPort = await freePort();
  const stack = await startSandboxStack({
    tokenSecret,
    portalOrigin: `http://127.0.0.1:${portalPort}`,
    ...(options.env ? { env: options.env } : {}),
  });
  let portal: PortalProcess | undefined;
  let browser: Browser | undefined;
  try {
    portal = await startPortal(
      { API_URL: stack.apiUrl, API_TOKEN_SECRET: tokenSecret, NEXTAUTH_SECRET: randomBytes(32).toString("hex") },
      portalPort,
    );
    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: chromiumArgs,
    });
    const context = await browser.newContext({ viewport: options.viewport ?? { width: 1280, height: 900 } });
    const page = await context.newPage();
    page.setDefaultTimeout(30_000);
    const started = { stack, portal, browser, context, page };
    return {
      ...started,
      stop: async () => {
        await started.browser.close();
        await started.portal.stop();
        await started.stack.stop();
      },
    };
  } catch (error) {
    await browser?.close();
    await portal?.stop();
    await stack.stop();
    throw error;
  }
}
