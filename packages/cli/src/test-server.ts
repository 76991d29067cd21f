import { spawn } from "node:child_process";
import { cp, mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { request as httpRequest } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Me, meSchema } from "@slipway/contracts";

const slipwayBin = join(import.meta.dirname, "../bin/slipway.js");
export const strongPassword = "correct-horse-battery-staple-9";

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

export type RunOptions = { env?: Record<string, string>; input?: string; cwd?: string };

/**
 * Runs the real `slipway` launcher as a child process, from a directory outside the repo unless
 * `cwd` says otherwise, with none of the caller's SLIPWAY_* settings unless given in `env`.
 */
export async function runSlipway(args: string[], options: RunOptions = {}): Promise<RunResult> {
  return spawnSlipway(args, options).result;
}

/** `runSlipway` that hands back the running child too, e.g. to press Ctrl-C (SIGINT) halfway. */
export function spawnSlipway(args: string[], options: RunOptions = {}) {
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith("SLIPWAY_")));
  const child = spawn(process.execPath, [slipwayBin, ...args], {
    cwd: options.cwd ?? tmpdir(),
    env: { ...env, ...options.env },
    stdio: ["pipe", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk) => (stdout += chunk));
  child.stderr.on("data", (chunk) => (stderr += chunk));
  child.stdin.end(options.input ?? "");
  const result = new Promise<RunResult>((resolve) => child.once("close", (code) => resolve({ code, stdout, stderr })));
  return { child, result, stdout: () => stdout, stderr: () => stderr };
}

/**
 * Someone who signed up and made a token with every permission they have in their personal
 * team (what deploying needs), and the CLI as they run it: that token, a config file in `scratch`.
 */
export async function signUpWithOwnerToken(url: string, name: string, scratch: string) {
  const account = await signUp(url, name);
  const team = account.me.teams.find((candidate) => candidate.id === account.teamId);
  if (!team) throw new Error("the account has no personal team");
  const token = await createTokenInBrowser(url, account, { scopes: team.permissions });
  const env = { SLIPWAY_API: url, SLIPWAY_TOKEN: token.secret, SLIPWAY_CONFIG: join(scratch, "config.json") };
  const slipway = (args: string[], options: RunOptions = {}) => runSlipway(args, { ...options, env });
  return { account, env, slipway };
}

export const examplesDir = join(import.meta.dirname, "../../../examples");

/** A copy of an example, or an empty directory, named `name` as a user's checkout would be. */
export async function checkout(scratch: string, name: string, example?: string): Promise<string> {
  const dir = join(await mkdtemp(join(scratch, "checkout-")), name);
  if (example) await cp(join(examplesDir, example), dir, { recursive: true });
  else await mkdir(dir);
  return dir;
}

/** A Node project whose build runs `script`; the builder publishes what it writes to dist/. */
export async function nodeProject(scratch: string, name: string, script: string): Promise<string> {
  const dir = await checkout(scratch, name);
  await writeFile(join(dir, "package.json"), JSON.stringify({ name, scripts: { build: script } }));
  return dir;
}

/**
 * Fetches a page from the edge as a browser on this machine would: by hostname, sent to the
 * edge's loopback port. fetch() cannot set the Host header, so this speaks node:http.
 */
export function fetchFromEdge(edgeUrl: string, pageUrl: string): Promise<{ status: number; body: string }> {
  const page = new URL(pageUrl);
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      { host: "127.0.0.1", port: new URL(edgeUrl).port, path: page.pathname, headers: { host: page.host } },
      (response) => {
        let body = "";
        response.setEncoding("utf8");
        response.on("data", (chunk: string) => (body += chunk));
        response.on("end", () => resolve({ status: response.statusCode ?? 0, body }));
      },
    );
    request.on("error", reject);
    request.end();
  });
}
