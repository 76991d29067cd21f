import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { meSchema, teamSchema, tokenPattern } from "@slipway/contracts";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { runSlipway } from "../packages/cli/src/test-server.ts";
import {
  createTeam,
  createToken,
  currentTeamId,
  nav,
  newPerson,
  see,
  signIn,
  signOut,
  signUp,
  switchTeam,
} from "./dashboard";
import { newBrowser, newPage, type Platform, screenshot, startPlatform } from "./harness";

const teamListSchema = z.object({ items: z.array(teamSchema.extend({ isCurrent: z.boolean() })) });

describe("dashboard and CLI together", () => {
  let platform: Platform;
  let browser: Browser;
  let page: Page;
  let configDir: string;
  const person = newPerson("Cleo Commandline");

  /** The real `slipway` launcher with this test's own config file and nothing else from the environment. */
  const slipway = async (args: string[]) => {
    const result = await runSlipway(args, { env: { SLIPWAY_CONFIG: join(configDir, "config.json") } });
    expect(result.code, `slipway ${args.join(" ")}:\n${result.stderr}`).toBe(0);
    return result.stdout;
  };

  beforeAll(async () => {
    platform = await startPlatform();
    browser = await newBrowser();
    page = await newPage(browser, platform);
    configDir = await mkdtemp(join(tmpdir(), "slipway-e2e-cli-"));
  });

  afterAll(async () => {
    await browser?.close();
    await platform?.dispose();
    if (configDir) await rm(configDir, { recursive: true, force: true });
  });

  it("a new user signs up, creates a team, switches to it, makes a token, uses it from the CLI, signs out and back in after a server restart", async () => {
    await signUp(page, person);
    const personalTeam = `${person.name}'s projects`;
    const teamId = await createTeam(page, "Harbour Lights");
    await switchTeam(page, personalTeam);
    await switchTeam(page, "Harbour Lights");
    expect(currentTeamId(page)).toBe(teamId);
    await page.getByRole("group", { name: "Members" }).getByText("1", { exact: true }).waitFor();
    await screenshot(page, "cli-team-overview");

    await nav(page).getByRole("link", { name: "API tokens" }).click();
    const secret = await createToken(page, { name: "laptop", scopes: ["team:read", "tokens:read"] });
    expect(secret).toMatch(tokenPattern);
    await page.getByRole("button", { name: "Done" }).click();

    const login = await slipway(["login", "--api", platform.url, "--token", secret]);
    expect(login).toContain(`Logged in to ${platform.url} as ${person.name} <${person.email}>`);
    const me = meSchema.parse(JSON.parse(await slipway(["whoami", "--json"])));
    expect(me.user).toMatchObject({ name: person.name, email: person.email });
    expect(me.token).toMatchObject({ name: "laptop", teamId });
    // A token acts in its one team: the CLI sees only that team, as the current one.
    const teams = teamListSchema.parse(JSON.parse(await slipway(["teams", "ls", "--json"])));
    expect(teams.items).toEqual([expect.objectContaining({ id: teamId, name: "Harbour Lights", isCurrent: true })]);

    await signOut(page);
    await platform.restart();
    await signIn(page, person);
    // The last team opened is where the dashboard comes back to.
    await page.getByRole("heading", { name: "Harbour Lights" }).waitFor();
    expect(currentTeamId(page)).toBe(teamId);
    await page.getByTestId("team-switcher").click();
    await page.getByRole("menuitemradio", { name: /Harbour Lights/ }).waitFor();
    await page.keyboard.press("Escape");
    await see(page, "Harbour Lights");

    // The token outlives the restart too.
    expect(JSON.parse(await slipway(["whoami", "--json"])).user.email).toBe(person.email);
  });
});
