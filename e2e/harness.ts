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
import { execFile } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { cp, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { type PlatformProcess, type PlatformProcessOptions, startPlatformProcess } from "@slipway/server/testing";
import { type Browser, type BrowserContextOptions, chromium, type Page } from "playwright-core";

const webDist = resolve(import.meta.dirname, "../packages/web/dist");
const examplesDir = resolve(import.meta.dirname, "../examples");
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

const git = promisify(execFile);
/** Commits as nobody in particular, whatever the machine's git config says. */
const gitEnv = {
  PATH: "/usr/bin:/bin",
  GIT_CONFIG_NOSYSTEM: "1",
  GIT_AUTHOR_NAME: "Slipway E2E",
  GIT_AUTHOR_EMAIL: "e2e@slipway.test",
  GIT_COMMITTER_NAME: "Slipway E2E",
  GIT_COMMITTER_EMAIL: "e2e@slipway.test",
};

/**
 * A bare repository holding one commit of `examples/<example>` on `main`, for a project to
 * import as `file://` (as the server's builder fixtures make them). Delete `root` when done.
 */
export async function exampleRepository(example: string): Promise<{ url: string; root: string }> {
  const root = await mkdtemp(join(tmpdir(), "slipway-e2e-repo-"));
  const work = join(root, "work");
  const bare = join(root, `${example}.git`);
  const env = { ...gitEnv, HOME: root };
  await cp(join(examplesDir, example), work, {
    recursive: true,
    filter: (source) => !/\/(node_modules|dist)(\/|$)/.test(source),
  });
  await git("git", ["init", "--quiet", "--initial-branch", "main"], { cwd: work, env });
  await git("git", ["add", "--all"], { cwd: work, env });
  await git("git", ["commit", "--quiet", "--message", "example"], { cwd: work, env });
  await git("git", ["clone", "--quiet", "--bare", work, bare], { env });
  return { url: `file://${bare}`, root };
}

export type ExampleSession = {
  platform: Platform;
  browser: Browser;
  page: Page;
  repo: { url: string; root: string };
  /** Closes the browser, stops the platform and removes the repository. */
  close(): Promise<void>;
};

/** A platform, a browser page on it, and one of examples/ as a git repository, started together. */
export async function openWithExample(example: string, options: PlatformProcessOptions = {}): Promise<ExampleSession> {
  const [platform, repo, browser] = await Promise.all([
    startPlatform(options),
    exampleRepository(example),
    newBrowser(),
  ]);
  const page = await newPage(browser, platform);
  return {
    platform,
    browser,
    page,
    repo,
    async close() {
      await browser.close();
      await platform.dispose();
      await rm(repo.root, { recursive: true, force: true });
    },
  };
}
