import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { nav, newPerson, see, signIn, signUp } from "./dashboard";
import { newBrowser, newPage, type Platform, screenshot, startPlatform } from "./harness";

describe("dashboard: phone width and dark mode", () => {
  let platform: Platform;
  let browser: Browser;
  const person = newPerson("Pia Phone");

  beforeAll(async () => {
    platform = await startPlatform();
    browser = await newBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await platform?.dispose();
  });

  it("folds the sidebar into a menu at 375px", async () => {
    const page = await newPage(browser, platform, {
      viewport: { width: 375, height: 740 },
      isMobile: true,
      hasTouch: true,
    });
    await page.goto("/sign-in");
    await screenshot(page, "phone-sign-in");
    await signUp(page, person);

    expect(await nav(page).count()).toBe(0);
    const menuButton = page.getByRole("button", { name: "Open menu" });
    await menuButton.waitFor();
    // Nothing sticks out sideways.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    await screenshot(page, "phone-overview");

    await menuButton.click();
    await nav(page).getByRole("link", { name: "API tokens" }).waitFor();
    await screenshot(page, "phone-menu-open");
    await nav(page).getByRole("link", { name: "API tokens" }).click();
    await page.waitForURL(/\/tokens$/);
    await page.getByRole("dialog").waitFor({ state: "detached" });
    await see(page, "No API tokens yet");
    await screenshot(page, "phone-tokens");

    // The team switcher and user menu work from inside the menu too.
    await menuButton.click();
    await page.getByTestId("team-switcher").filter({ visible: true }).click();
    await page.getByRole("menuitem", { name: "Create team" }).waitFor();
    await page.keyboard.press("Escape");
    await page.keyboard.press("Escape");
    await page.goto("/account");
    await see(page, "Sign out everywhere");
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    await screenshot(page, "phone-account", { fullPage: true });
    await page.context().close();
  });

  it("follows the system's dark colour scheme", async () => {
    const page = await newPage(browser, platform, { colorScheme: "dark" });
    await signIn(page, person);
    const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    // oklch(0.145 0 0) — near black, whatever notation the browser reports it in.
    expect(background).not.toMatch(/255|oklch\(1 /);
    await screenshot(page, "dark-overview");

    // Keyboard only: the first Tab stop is the team switcher, and Enter opens it.
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => document.activeElement?.getAttribute("aria-label"))).toBe("Switch team");
    await page.keyboard.press("Enter");
    await page.getByRole("menuitem", { name: "Create team" }).waitFor();
    await page.keyboard.press("Escape");
    await page.getByRole("menu").waitFor({ state: "detached" });
    await nav(page).getByRole("link", { name: "Settings" }).click();
    await page.getByRole("heading", { name: "Team settings" }).waitFor();
    await screenshot(page, "dark-settings", { fullPage: true });
    await page.context().close();
  });
});
