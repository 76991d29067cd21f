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
