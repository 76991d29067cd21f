import { type ChildProcess, spawn } from "node:child_process";
import { chmod, mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const repoRoot = resolve(import.meta.dirname, "../../../..");

/** A port nothing listens on right now. */
export async function freePort(): Promise<number> {
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

export function exited(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  }
  return new Promise((done) => child.once("exit", (code, signal) => done({ code, signal })));
}

export type PlatformProcess = {
  /** Where the dashboard and the API answer, e.g. http://localhost:41234 (no trailing slash). */
  url: string;
  edgeUrl: string;
  /** The edge's HTTPS port (SNI certificates). */
  edgeTlsUrl: string;
  dataDir: string;
  /** The running process, until it stops. */
  child(): ChildProcess | null;
  /** The server's stdout and stderr so far (the last 20 kB), for failure messages. */
  logs(): string;
  /** SIGTERM and wait for the exit (SIGKILL after 15 s); the data dir stays. */
  stop(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Stops (if running) and starts again on the same ports and data dir. */
  restart(): Promise<void>;
  /** Stops and deletes the data dir. */
  dispose(): Promise<void>;
};

export type PlatformProcessOptions = {
  /** Extra environment for the server, e.g. `{ DATABASE_URL: ... }`. */
  env?: Record<string, string>;
  readyTimeoutMs?: number;
};

/** `slipway server` as its own process, on free ports with a fresh data dir, ready when this resolves. */
export async function startPlatformProcess(options: PlatformProcessOptions = {}): Promise<PlatformProcess> {
  const [port, edgePort, edgeTlsPort] = [await freePort(), await freePort(), await freePort()];
  const dataDir = await mkdtemp(join(tmpdir(), "slipway-proc-"));
  // The sandbox user must pass through the data dir to reach its workspace, as with a real .slipway/.
  await chmod(dataDir, 0o711);
  const url = `http://localhost:${port}`;
  const readyTimeoutMs = options.readyTimeoutMs ?? 90_000;
  let output = "";
  let current: ChildProcess | null = null;

  async function launch(): Promise<void> {
    const proc = spawn(process.execPath, ["--import", "tsx", "packages/server/src/main.ts"], {
      cwd: repoRoot,
      env: {
        ...process.env,
        PORT: String(port),
        SLIPWAY_EDGE_PORT: String(edgePort),
        SLIPWAY_EDGE_TLS_PORT: String(edgeTlsPort),
        SLIPWAY_DATA_DIR: dataDir,
        SLIPWAY_LOG_LEVEL: "warn",
        // better-auth checks the Origin of cookie-bearing requests against this.
        SLIPWAY_PUBLIC_URL: url,
        ...options.env,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    current = proc;
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-20_000);
    };
    proc.stdout?.on("data", keep);
    proc.stderr?.on("data", keep);
    const deadline = Date.now() + readyTimeoutMs;
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
    throw new Error(`the platform was not ready within ${readyTimeoutMs}ms:\n${output}`);
  }

  async function stop() {
    const proc = current;
    if (!proc) return { code: null, signal: null };
    current = null;
    const done = exited(proc);
    proc.kill("SIGTERM");
    const timer = setTimeout(() => proc.kill("SIGKILL"), 15_000);
    const result = await done;
    clearTimeout(timer);
    return result;
  }

  await launch();
  return {
    url,
    edgeUrl: `http://localhost:${edgePort}`,
    edgeTlsUrl: `https://localhost:${edgeTlsPort}`,
    dataDir,
    child: () => current,
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
