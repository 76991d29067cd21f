/**
 * Runs the real platform as a child process and drives it from Debian's Chromium.
 *
 *   const platform = await startPlatform();      // own ports, own data dir
 *   const browser = await newBrowser();
 *   const page = await newPage(browser, platform);
 *   ...
 *   await platform.restart();                    // SIGTERM, then start again on the same data dir
 *   await browser.close(); await platform.dispose();
 *
 * The dashboard must be built first (`npm run build`; `npm run test:e2e` does it).
 */
import { existsSync, mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { type PlatformProcess, type PlatformProcessOptions, startPlatformProcess } from "@slipway/server/testing";
import { type Browser, type BrowserContextOptions, chromium, type Page } from "playwright-core";

const webDist = resolve(import.meta.dirname, "../packages/web/dist");
export const screenshotDir = "/tmp/shots";

export type Platform = PlatformProcess;

/** The platform with the built dashboard; refuses to start without one rather than fail page by page. */
export async function startPlatform(options: PlatformProcessOptions = {}): Promise<Platform> {
  if (!existsSync(join(webDist, "index.html"))) {
    throw new Error(`no built dashboard at ${webDist}; run \`npm run build\` first`);
  }
  return startPlatformProcess(options);
}

export async function newBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.SLIPWAY_CHROMIUM ?? "/usr/bin/chromium",
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

/** A fresh page (own cookies and storage) on the platform; desktop size unless told otherwise. */
export async function newPage(
  browser: Browser,
  platform: Platform,
  options: BrowserContextOptions = {},
): Promise<Page> {
  const context = await browser.newContext({
    baseURL: platform.url,
    viewport: { width: 1280, height: 800 },
    ...options,
  });
  context.setDefaultTimeout(15_000);
  const page = await context.newPage();
  // A console error in the dashboard is a bug worth seeing in the test output.
  page.on("pageerror", (error) => console.error(`[browser] ${error.message}`));
  return page;
}

/**
 * Saves a screenshot to /tmp/shots/<name>.png for a human (or a model) to look at.
 * Full-page shots re-lay out fixed elements (overlays, the sidebar), so they are opt-in.
 */
export async function screenshot(page: Page, name: string, options: { fullPage?: boolean } = {}): Promise<string> {
  mkdirSync(screenshotDir, { recursive: true });
  const path = join(screenshotDir, `${name}.png`);
  await page.screenshot({ path, fullPage: options.fullPage ?? false, animations: "disabled" });
  return path;
}
