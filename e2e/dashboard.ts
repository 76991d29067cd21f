/** Steps a person takes in the dashboard, shared by the dashboard specs. */

import type { Permission } from "@slipway/contracts";
import type { Page } from "playwright-core";
import { expect } from "vitest";

export type Person = { name: string; email: string; password: string };

let counter = 0;
export function newPerson(name: string): Person {
  counter += 1;
  const handle = `${name.toLowerCase().replace(/\W+/g, ".")}.${Date.now().toString(36)}${counter}`;
  return { name, email: `${handle}@example.com`, password: `Tidal-${handle}-Harbour-42` };
}

/** Fills the sign-up form and waits for the dashboard to open the personal team. */
export async function signUp(page: Page, person: Person): Promise<void> {
  await page.goto("/sign-up");
  await page.getByLabel("Name", { exact: true }).fill(person.name);
  await page.getByLabel("Email", { exact: true }).fill(person.email);
  await page.getByLabel("Password", { exact: true }).fill(person.password);
  await page.getByRole("button", { name: "Create account" }).click();
  await page.waitForURL(/\/t\/[^/]+$/);
}

export async function signIn(page: Page, person: Pick<Person, "email" | "password">): Promise<void> {
  await page.goto("/sign-in");
  await fillSignIn(page, person);
  await page.waitForURL(/\/t\/[^/]+/);
}

export async function fillSignIn(page: Page, person: Pick<Person, "email" | "password">): Promise<void> {
  await page.getByLabel("Email", { exact: true }).fill(person.email);
  await page.getByLabel("Password", { exact: true }).fill(person.password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

export async function signOut(page: Page): Promise<void> {
  await page.getByTestId("user-menu").filter({ visible: true }).click();
  await page.getByRole("menuitem", { name: "Sign out" }).click();
  await page.waitForURL(/\/sign-in/);
}

/** Creates a team through the team switcher; the dashboard then opens it. Returns its id. */
export async function createTeam(page: Page, name: string): Promise<string> {
  await page.getByTestId("team-switcher").filter({ visible: true }).click();
  await page.getByRole("menuitem", { name: "Create team" }).click();
  await page.getByRole("dialog").getByLabel("Team name").fill(name);
  await page.getByRole("dialog").getByRole("button", { name: "Create team" }).click();
  await page.getByRole("heading", { name }).waitFor();
  return currentTeamId(page);
}

/** Picks a team in the switcher (by a part of its name) and waits for its overview. */
export async function switchTeam(page: Page, name: string): Promise<void> {
  await page.getByTestId("team-switcher").filter({ visible: true }).click();
  await page.getByRole("menuitemradio", { name: new RegExp(escapeRegExp(name)) }).click();
  await page.getByRole("heading", { name }).waitFor();
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** The team id in the current `/t/$teamId/...` address. */
export function currentTeamId(page: Page): string {
  const match = new URL(page.url()).pathname.match(/^\/t\/([^/]+)/);
  expect(match, `not on a team page: ${page.url()}`).not.toBeNull();
  return match?.[1] ?? "";
}

/** Waits until `text` is on screen; Playwright's locators retry, vitest's expect does not. */
export async function see(page: Page, text: string | RegExp): Promise<void> {
  await page.getByText(text).first().waitFor({ state: "visible" });
}

/** The sidebar (or, at phone width, the open menu). */
export function nav(page: Page) {
  return page.getByRole("navigation", { name: "Main" }).filter({ visible: true });
}

/**
 * Creates an API token on the current team's token page through the dialog and returns
 * its secret, leaving the "shown once" dialog open.
 */
export async function createToken(
  page: Page,
  options: {
    name: string;
    scopes: Permission[];
    expires?: "7 days" | "30 days" | "90 days" | "1 year" | "No expiration";
  },
): Promise<string> {
  await page.getByRole("button", { name: "Create token" }).first().click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel("Name", { exact: true }).fill(options.name);
  for (const scope of options.scopes) {
    // Permission names are plain `noun:verb`; nothing to escape.
    await dialog.getByRole("checkbox", { name: new RegExp(`^${scope}\\b`) }).click();
  }
  if (options.expires) {
    await dialog.getByRole("combobox", { name: "Expires" }).click();
    await page.getByRole("option", { name: options.expires }).click();
  }
  await dialog.getByRole("button", { name: "Create token" }).click();
  const shown = page.getByTestId("token-secret");
  await shown.waitFor();
  return (await shown.textContent()) ?? "";
}

/** Adds an existing account to the current team from its Settings page, with `role` when given. */
export async function addMember(page: Page, person: Person, role?: "Admin" | "Developer" | "Viewer" | "Billing") {
  await nav(page).getByRole("link", { name: "Settings" }).click();
  await page.getByRole("button", { name: "Add member" }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel("Email").fill(person.email);
  if (role) {
    await dialog.getByRole("combobox", { name: "Role" }).click();
    await page.getByRole("option", { name: new RegExp(`^${role}`) }).click();
  }
  await dialog.getByRole("button", { name: "Add member" }).click();
  await see(page, `Added ${person.name} to the team`);
}

/**
 * Imports a git repository from the New project page: detects, optionally changes the build
 * command, creates, and waits for the project's overview. Returns the project id.
 */
export async function importGitProject(
  page: Page,
  options: { teamId: string; url: string; name: string; buildCommand?: string },
): Promise<string> {
  await page.goto(`/t/${options.teamId}/projects/new`);
  await page.getByLabel("Repository URL").fill(options.url);
  await page.getByRole("button", { name: "Detect settings" }).click();
  await page.getByTestId("detected-framework").waitFor();
  if (options.buildCommand !== undefined) await page.getByLabel("Build command").fill(options.buildCommand);
  await page.getByLabel("Project name").fill(options.name);
  await page.getByRole("button", { name: "Create project" }).click();
  await page.getByRole("heading", { name: options.name }).waitFor();
  return new URL(page.url()).pathname.split("/").at(-1) ?? "";
}

/** Opens one of the project's tabs (Overview, Builds, Deployments, Runtime, Settings). */
export async function openProjectTab(page: Page, tab: "Overview" | "Builds" | "Deployments" | "Runtime" | "Settings") {
  await page.getByRole("navigation", { name: "Project" }).getByRole("link", { name: tab, exact: true }).click();
  await page.waitForURL(
    tab === "Overview" ? /\/projects\/prj_[^/]+$/ : new RegExp(`/projects/prj_[^/]+/${tab.toLowerCase()}$`),
  );
}

/** "Build now" on a project page; waits for the new build's page and returns its id. */
export async function buildNow(page: Page, branch?: string): Promise<string> {
  await page.getByRole("button", { name: "Build now" }).first().click();
  const dialog = page.getByRole("dialog");
  if (branch !== undefined) await dialog.getByLabel("Branch").fill(branch);
  await dialog.getByRole("button", { name: "Start build" }).click();
  await page.waitForURL(/\/builds\/bld_[^/]+$/);
  return new URL(page.url()).pathname.split("/").at(-1) ?? "";
}

/** On a build's page: waits until its status badge (in the heading) reads `status`. */
export async function waitForBuildStatus(page: Page, status: "Succeeded" | "Failed" | "Canceled" | "Running") {
  await page.getByRole("heading").getByTestId("build-status").filter({ hasText: status }).waitFor({ timeout: 90_000 });
}

/** Saves one field of a project settings card (the card is found by its title). */
export async function saveProjectSetting(page: Page, card: string, field: string, value: string) {
  const section = page.locator("section").filter({ has: page.getByRole("heading", { name: card, exact: true }) });
  await section.getByLabel(field, { exact: true }).fill(value);
  await section.getByRole("button", { name: "Save" }).click();
  await see(page, /^Saved /);
}

/**
 * Which deployment the edge serves at `url`, by the header it adds. Asked from a fresh context
 * so no cached copy answers; Chromium resolves *.localhost to loopback itself.
 */
export async function servedDeployment(page: Page, url: string): Promise<string | null> {
  const context = await page.context().browser()?.newContext();
  if (!context) throw new Error("the page has no browser to open a context in");
  try {
    const response = await (await context.newPage()).goto(url);
    expect(response?.status(), url).toBe(200);
    return response?.headers()["x-slipway-deployment"] ?? null;
  } finally {
    await context.close();
  }
}

/** At phone width nothing may stick out sideways; on failure, names the elements that do. */
export async function expectNoSidewaysScroll(page: Page): Promise<void> {
  const width = page.viewportSize()?.width ?? 0;
  const offenders = await page.evaluate((limit) => {
    if (document.documentElement.scrollWidth <= limit) return [];
    const isWide = (element: Element | null) => element !== null && element.getBoundingClientRect().right > limit + 1;
    // The outermost elements that stick out; what is inside them does too.
    return [...document.querySelectorAll("body *")]
      .filter((element) => isWide(element) && !isWide(element.parentElement))
      .map((element) => `${element.tagName.toLowerCase()}.${element.getAttribute("class") ?? ""}`.slice(0, 160));
  }, width);
  expect(offenders, `wider than ${width}px on ${page.url()}`).toEqual([]);
}
