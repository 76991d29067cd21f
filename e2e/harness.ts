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
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { type Browser, type BrowserContextOptions, chromium, type Page } from "playwright-core";

const repoRoot = resolve(import.meta.dirname, "..");
const webDist = join(repoRoot, "packages/web/dist");
export const screenshotDir = "/tmp/shots";

export type Platform = {
  /** Where the dashboard and the API answer, e.g. http://localhost:41234 (no trailing slash). */
  url: string;
  /** The edge router's address. */
  edgeUrl: string;
  dataDir: string;
  /** The server's stdout and stderr so far, for failure messages. */
  logs(): string;
  /** SIGTERM and wait for the exit; the data dir stays for `restart()`. */
  stop(): Promise<void>;
  /** Stops (if running) and starts again on the same ports and data dir. */
  restart(): Promise<void>;
  /** Stops and deletes the data dir. */
  dispose(): Promise<void>;
};

export type StartOptions = {
  /** Extra environment for the server, e.g. `{ SLIPWAY_SIGNIN_LIMIT_PER_IP: "5" }`. */
  env?: Record<string, string>;
  /** How long to wait for /readyz. */
  readyTimeoutMs?: number;
};

async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((done) => child.once("exit", () => done()));
}

export async function startPlatform(options: StartOptions = {}): Promise<Platform> {
  if (!existsSync(join(webDist, "index.html"))) {
    throw new Error(`no built dashboard at ${webDist}; run \`npm run build\` first`);
  }
  const [port, edgePort] = [await freePort(), await freePort()];
  const dataDir = await mkdtemp(join(tmpdir(), "slipway-e2e-"));
  const url = `http://localhost:${port}`;
  let output = "";
  let child: ChildProcess | null = null;

  async function launch(): Promise<void> {
    const proc = spawn(process.execPath, ["--import", "tsx", "packages/server/src/main.ts"], {
      cwd: repoRoot,
      env: {
        ...process.env,
        PORT: String(port),
        SLIPWAY_EDGE_PORT: String(edgePort),
        SLIPWAY_DATA_DIR: dataDir,
        SLIPWAY_LOG_LEVEL: "warn",
        SLIPWAY_PUBLIC_URL: url,
        ...options.env,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    child = proc;
    const keep = (chunk: Buffer) => {
      // Enough to explain a failure without holding a whole run's logs.
      output = (output + chunk.toString()).slice(-20_000);
    };
    proc.stdout?.on("data", keep);
    proc.stderr?.on("data", keep);

    const deadline = Date.now() + (options.readyTimeoutMs ?? 60_000);
    while (Date.now() < deadline) {
      if (proc.exitCode !== null) throw new Error(`the platform exited with ${proc.exitCode}:\n${output}`);
      const isReady = await fetch(`${url}/readyz`).then(
        (response) => response.ok,
        () => false,
      );
      if (isReady) return;
      await new Promise((wait) => setTimeout(wait, 150));
    }
    proc.kill("SIGKILL");
    throw new Error(`the platform was not ready within ${options.readyTimeoutMs ?? 60_000}ms:\n${output}`);
  }

  async function stop(): Promise<void> {
    const proc = child;
    if (!proc) return;
    child = null;
    const done = exited(proc);
    proc.kill("SIGTERM");
    const timer = setTimeout(() => proc.kill("SIGKILL"), 15_000);
    await done;
    clearTimeout(timer);
  }

  await launch();
  return {
    url,
    edgeUrl: `http://localhost:${edgePort}`,
    dataDir,
    logs: () => output,
    stop,
    async restart() {
      await stop();
      await launch();
    },
    async dispose() {
      await stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
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
