import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Me, meSchema } from "@slipway/contracts";

const repoRoot = join(import.meta.dirname, "../../..");
const slipwayBin = join(import.meta.dirname, "../bin/slipway.js");
export const strongPassword = "correct-horse-battery-staple-9";

export type RunningServer = { url: string; stop(): Promise<void> };

/** A port nothing listens on right now; also how tests point the CLI at a server that is down. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === "string") throw new Error("could not find a free port");
  return address.port;
}

/** The real server as its own process, on free ports with a fresh data dir, ready when this resolves. */
export async function startServer(): Promise<RunningServer> {
  const dataDir = await mkdtemp(join(tmpdir(), "slipway-cli-it-"));
  const [port, edgePort] = [await freePort(), await freePort()];
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, ["--import", "tsx", "packages/server/src/main.ts"], {
    cwd: repoRoot,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: "127.0.0.1",
      SLIPWAY_EDGE_PORT: String(edgePort),
      SLIPWAY_DATA_DIR: dataDir,
      SLIPWAY_LOG_LEVEL: "warn",
      // Sign-up checks the Origin header against this; browserCall sends it.
      SLIPWAY_PUBLIC_URL: url,
    },
    stdio: ["ignore", "inherit", "inherit"],
  });
  const stop = async () => {
    await stopProcess(child);
    await rm(dataDir, { recursive: true, force: true });
  };
  try {
    await waitUntilReady(url, child);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, stop };
}

async function waitUntilReady(url: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited with code ${child.exitCode} before it was ready`);
    const response = await fetch(`${url}/readyz`).catch(() => undefined);
    if (response?.status === 200) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`server at ${url} was not ready within 90s`);
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
  await exited;
  clearTimeout(timer);
}

export type Account = { email: string; cookie: string; me: Me; teamId: string };

/** Signs up through the same endpoint the sign-up page uses; the session cookie stands in for the browser. */
export async function signUp(url: string, name: string): Promise<Account> {
  const email = `${name.toLowerCase().replace(/\W+/g, "-")}-${Math.random().toString(36).slice(2, 8)}@example.com`;
  const response = await browserCall(url, "POST", "/api/auth/sign-up/email", "", {
    name,
    email,
    password: strongPassword,
  });
  const cookie = response.headers
    .getSetCookie()
    .map((header) => header.split(";")[0])
    .join("; ");
  const me = meSchema.parse(await (await browserCall(url, "GET", "/api/v1/me", cookie)).json());
  const personal = me.teams.find((team) => team.isPersonal);
  if (!personal) throw new Error("sign-up made no personal team");
  return { email, cookie, me, teamId: personal.id };
}

/** What a person does in the dashboard: create a token in a team, and get its secret. */
export async function createTokenInBrowser(
  url: string,
  account: Account,
  input: { teamId?: string; name?: string; scopes: string[] },
): Promise<{ id: string; secret: string }> {
  const body = { name: input.name ?? "cli", scopes: input.scopes, expiresInDays: 30 };
  const response = await browserCall(
    url,
    "POST",
    `/api/v1/teams/${input.teamId ?? account.teamId}/tokens`,
    account.cookie,
    body,
  );
  const created = (await response.json()) as { token: { id: string }; secret: string };
  return { id: created.token.id, secret: created.secret };
}

/** A call made with the browser's session cookie (and the Origin header browsers send). */
export async function browserCall(url: string, method: string, path: string, cookie: string, body?: unknown) {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: { cookie, origin: url, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${method} ${path} failed: ${response.status} ${await response.text()}`);
  return response;
}

export type RunResult = { code: number | null; stdout: string; stderr: string };

/**
 * Runs the real `slipway` launcher as a child process from a directory outside the repo,
 * with none of the caller's SLIPWAY_* settings unless given in `env`.
 */
export async function runSlipway(args: string[], options: { env?: Record<string, string>; input?: string } = {}) {
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith("SLIPWAY_")));
  const child = spawn(process.execPath, [slipwayBin, ...args], {
    cwd: tmpdir(),
    env: { ...env, ...options.env },
    stdio: ["pipe", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk) => (stdout += chunk));
  child.stderr.on("data", (chunk) => (stderr += chunk));
  child.stdin.end(options.input ?? "");
  const code = await new Promise<number | null>((resolve) => child.once("close", resolve));
  return { code, stdout, stderr } satisfies RunResult;
}
