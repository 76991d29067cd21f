import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { meSchema } from "@slipway/contracts";
import { freePort, type PlatformProcess, startPlatformProcess } from "@slipway/server/testing";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type Account, browserCall, createTokenInBrowser, runSlipway, signUp } from "./test-server.ts";

let server: PlatformProcess;
let ada: Account;
let configDir: string;
let configPath: string;

beforeAll(async () => {
  server = await startPlatformProcess();
  ada = await signUp(server.url, "Ada Lovelace");
});
afterAll(async () => {
  await server?.dispose();
});
beforeEach(async () => {
  configDir = await mkdtemp(join(tmpdir(), "slipway-cli-home-"));
  configPath = join(configDir, "slipway", "config.json");
  return () => rm(configDir, { recursive: true, force: true });
});

/** The CLI as this test's user runs it: their own config file, nothing from the environment. */
const slipway = (args: string[], options: { env?: Record<string, string>; input?: string } = {}) =>
  runSlipway(args, { ...options, env: { SLIPWAY_CONFIG: configPath, ...options.env } });

const allScopes = ["team:read", "tokens:read", "tokens:create"];

async function logIn(scopes = allScopes) {
  const token = await createTokenInBrowser(server.url, ada, { scopes });
  const result = await slipway(["login", "--api", server.url], { input: `${token.secret}\n` });
  expect(result.code, result.stderr).toBe(0);
  return token;
}

describe("slipway login", () => {
  it("verifies a pasted token, saves it readable by the owner only, and whoami then prints the email", async () => {
    const token = await createTokenInBrowser(server.url, ada, { scopes: allScopes, name: "laptop" });
    const login = await slipway(["login", "--api", server.url], { input: `${token.secret}\n` });
    expect(login.code, login.stderr).toBe(0);
    expect(login.stdout).toContain(`Logged in to ${server.url} as Ada Lovelace <${ada.email}>`);
    expect(login.stdout).toContain("Team: Ada Lovelace's projects");

    expect((await stat(configPath)).mode & 0o777).toBe(0o600);
    expect(JSON.parse(await readFile(configPath, "utf8"))).toEqual({
      api: server.url,
      token: token.secret,
      teamId: ada.teamId,
    });

    const whoami = await slipway(["whoami"]);
    expect(whoami.code).toBe(0);
    expect(whoami.stdout).toContain(ada.email);
    expect(whoami.stdout).toContain(`Token:  laptop (${token.id})`);
  });

  it("prints the user as JSON with --token --json", async () => {
    const token = await createTokenInBrowser(server.url, ada, { scopes: allScopes });
    const result = await slipway(["login", "--api", server.url, "--token", token.secret, "--json"]);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({
      api: server.url,
      user: { email: ada.email },
      team: { id: ada.teamId },
    });
  });

  it("refuses a token the server does not know, saves nothing and exits 1", async () => {
    const result = await slipway(["login", "--api", server.url, "--token", `slw_${"x".repeat(36)}`]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /^error: the API token was not accepted: it may be revoked, expired or mistyped \(unauthenticated, request \S+\)\n$/,
    );
    await expect(stat(configPath)).rejects.toThrow(/ENOENT/);
  });

  it("logout forgets the token, after which commands say you are not logged in", async () => {
    await logIn();
    const logout = await slipway(["logout"]);
    expect(logout.code).toBe(0);
    expect(JSON.parse(await readFile(configPath, "utf8"))).toEqual({ api: server.url });
    const whoami = await slipway(["whoami"]);
    expect(whoami.code).toBe(1);
    expect(whoami.stderr).toContain("error: not logged in");
  });
});

describe("slipway tokens", () => {
  it("creates a token whose printed secret works, and revoking it makes it stop working", async () => {
    await logIn();
    const create = await slipway([
      "tokens",
      "create",
      "--name",
      "ci",
      "--scope",
      "team:read",
      "--expires-in-days",
      "7",
    ]);
    expect(create.code, create.stderr).toBe(0);
    expect(create.stderr).toContain("it is not shown again");
    const secret = create.stdout.match(/^ {2}(slw_\w+)$/m)?.[1];
    const id = create.stdout.match(/\((tok_\w+)\)/)?.[1];
    if (!secret || !id) throw new Error(`no secret or id in:\n${create.stdout}`);

    const withNewToken = await slipway(["whoami", "--json"], { env: { SLIPWAY_TOKEN: secret } });
    expect(withNewToken.code).toBe(0);
    expect(meSchema.parse(JSON.parse(withNewToken.stdout)).token).toEqual({ id, name: "ci", teamId: ada.teamId });

    const revoke = await slipway(["tokens", "revoke", id]);
    expect(revoke).toMatchObject({ code: 0, stdout: `Revoked token ${id}.\n` });

    const afterRevoke = await slipway(["whoami"], { env: { SLIPWAY_TOKEN: secret } });
    expect(afterRevoke.code).toBe(1);
    expect(afterRevoke.stdout).toBe("");
    expect(afterRevoke.stderr).toContain("error: the API token was not accepted: it may be revoked");
    expect(afterRevoke.stderr).toContain("hint: the token comes from SLIPWAY_TOKEN");
  });

  it("lists tokens as a table and as JSON, marking the one in use", async () => {
    const current = await logIn();
    const created = await slipway([
      "tokens",
      "create",
      "--name",
      "deploy-bot",
      "--scope",
      "team:read",
      "--no-expiry",
      "--json",
    ]);
    expect(created.code).toBe(0);
    const { token, secret } = JSON.parse(created.stdout);
    expect(token).toMatchObject({ name: "deploy-bot", scopes: ["team:read"], expiresAt: null });
    expect(secret).toMatch(/^slw_/);

    const json = await slipway(["tokens", "ls", "--json"]);
    const ids = JSON.parse(json.stdout).items.map((item: { id: string }) => item.id);
    expect(ids).toEqual(expect.arrayContaining([current.id, token.id]));

    const table = await slipway(["tokens", "ls"]);
    expect(table.stdout).toMatch(/^ {3}ID +NAME +TOKEN +STATUS/);
    expect(table.stdout).toMatch(new RegExp(`^\\* +${current.id} +cli `, "m"));
    expect(table.stdout).toMatch(new RegExp(`^ +${token.id} +deploy-bot .* active +team:read +never +never `, "m"));
  });

  it("explains a missing permission instead of failing vaguely", async () => {
    await logIn(["team:read"]);
    const result = await slipway(["tokens", "ls"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error: .*tokens:read.* \(forbidden, request \S+\)$/m);
  });
});

describe("slipway teams", () => {
  it("marks the current team, and refuses to switch to a team the token does not belong to", async () => {
    const other = await browserCall(server.url, "POST", "/api/v1/teams", ada.cookie, { name: "Analytical Engines" });
    const otherTeam = (await other.json()) as { id: string; slug: string };
    await logIn();

    const ls = await slipway(["teams", "ls"]);
    expect(ls.stdout).toMatch(/^\* +ada-lovelace\S* +Ada Lovelace's projects +owner +team_/m);
    const json = JSON.parse((await slipway(["teams", "ls", "--json"])).stdout);
    expect(json.items.filter((team: { isCurrent: boolean }) => team.isCurrent)).toHaveLength(1);

    const refused = await slipway(["teams", "switch", otherTeam.slug]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`error: this token belongs to team Ada Lovelace's projects (`);
    expect(refused.stderr).toContain(`create a token in team "${otherTeam.slug}" and run \`slipway login\` with it`);

    const stay = await slipway(["teams", "switch", ada.teamId, "--json"]);
    expect(JSON.parse(stay.stdout).team.id).toBe(ada.teamId);
  });
});

describe("when the server is down", () => {
  it("says which server it cannot reach and exits 1", async () => {
    const api = `http://127.0.0.1:${await freePort()}`;
    const result = await slipway(["whoami"], { env: { SLIPWAY_API: api, SLIPWAY_TOKEN: `slw_${"a".repeat(36)}` } });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(new RegExp(`^error: cannot reach ${api}: connect ECONNREFUSED`));
  });
});
