import { spawn } from "node:child_process";
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
