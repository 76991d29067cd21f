import { tokenPattern } from "@slipway/contracts";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createToken, currentTeamId, nav, newPerson, see, signUp } from "./dashboard";
import { newBrowser, newPage, type Platform, screenshot, startPlatform } from "./harness";

describe("dashboard: API tokens and the audit log", () => {
  let platform: Platform;
  let browser: Browser;
  let page: Page;
  let teamId: string;
  let secret: string;
  const owner = newPerson("Tess Tokens");

  const callApi = (path: string, init: RequestInit = {}) =>
    fetch(`${platform.url}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${secret}`, "content-type": "application/json", ...init.headers },
    });

  beforeAll(async () => {
    platform = await startPlatform();
    browser = await newBrowser();
    page = await newPage(browser, platform);
    await signUp(page, owner);
    teamId = currentTeamId(page);
  });

  afterAll(async () => {
    await browser?.close();
    await platform?.dispose();
  });

  it("creates a token with chosen scopes and shows its secret exactly once", async () => {
    await nav(page).getByRole("link", { name: "API tokens" }).click();
    await see(page, "No API tokens yet");
    await screenshot(page, "tokens-empty");

    secret = await createToken(page, { name: "CI deploys", scopes: ["team:read", "tokens:read"], expires: "30 days" });
    expect(secret).toMatch(tokenPattern);
    await see(page, "won't be shown again");
    await screenshot(page, "token-secret");

    // The secret works, as the token it was made for.
    const me = await callApi("/api/v1/me");
    expect(me.status).toBe(200);
    expect(((await me.json()) as { token: { name: string } }).token.name).toBe("CI deploys");

    await page.getByRole("button", { name: "Done" }).click();
    const row = page.getByTestId("token-row").filter({ hasText: "CI deploys" });
    await row.getByText("Active").waitFor();
    expect(await row.textContent()).toContain("tokens:read");
    expect(await page.content()).not.toContain(secret);
    await page.reload();
    await row.waitFor();
    expect(await page.content()).not.toContain(secret);
  });

  it("revokes a token after confirming, and the secret stops working", async () => {
    // Scoped to reading: creating another token is refused (and audited as denied).
    const refused = await callApi(`/api/v1/teams/${teamId}/tokens`, {
      method: "POST",
      body: JSON.stringify({ name: "sneaky", scopes: ["team:read"], expiresInDays: 1 }),
    });
    expect(refused.status).toBe(403);

    const row = page.getByTestId("token-row").filter({ hasText: "CI deploys" });
    await row.getByRole("button", { name: "Revoke CI deploys" }).click();
    await screenshot(page, "token-revoke-confirm");
    await page.getByRole("alertdialog").getByRole("button", { name: "Revoke token" }).click();
    await see(page, "Revoked CI deploys");
    await row.getByText("Revoked", { exact: true }).waitFor();
    expect(await row.getByRole("button", { name: /Revoke/ }).count()).toBe(0);
    expect((await callApi("/api/v1/me")).status).toBe(401);
    await screenshot(page, "tokens-list");
  });

  it("pages through a long token list with Load more", async () => {
    for (let index = 1; index <= 25; index++) {
      const response = await page.request.post(`/api/v1/teams/${teamId}/tokens`, {
        headers: { origin: platform.url },
        data: { name: `batch ${index}`, scopes: ["team:read"], expiresInDays: null },
      });
      expect(response.status()).toBe(201);
    }
    await page.reload();
    await page.getByTestId("token-row").nth(24).waitFor();
    expect(await page.getByTestId("token-row").count()).toBe(25);
    await page.getByRole("button", { name: "Load more" }).click();
    await page.getByTestId("token-row").nth(25).waitFor();
    expect(await page.getByRole("button", { name: "Load more" }).count()).toBe(0);
  });

  it("shows who did what in the audit log and filters it", async () => {
    await nav(page).getByRole("link", { name: "Audit log" }).click();
    const rows = page.getByTestId("audit-row");
    await rows.filter({ hasText: "token.revoke" }).waitFor();
    await rows.filter({ hasText: "token.create" }).first().waitFor();
    await screenshot(page, "audit-log");

    await page.getByLabel("Action").fill("token.revoke");
    await page.waitForURL(/action=token\.revoke/);
    // Until the filtered page arrives the list is a skeleton, with no rows at all.
    await page.waitForFunction(() => {
      const shown = [...document.querySelectorAll("[data-testid=audit-row]")];
      return shown.length > 0 && shown.every((row) => row.textContent?.includes("token.revoke"));
    });
    expect(await rows.count()).toBe(1);
    await rows.first().getByRole("button", { name: "Details of token.revoke" }).click();
    await see(page, "When (UTC)");
    await screenshot(page, "audit-filtered");

    // The refused attempt made with the read-only token is there too, under "denied".
    await page.getByRole("button", { name: "Clear" }).click();
    await page.getByRole("combobox", { name: "Result" }).click();
    await page.getByRole("option", { name: "Denied" }).click();
    await page.waitForURL(/result=denied/);
    const denied = rows.filter({ hasText: "access.denied" }).first();
    await denied.waitFor();
    expect(await denied.textContent()).toContain("CI deploys");

    // A filter that matches nothing says so.
    await page.getByLabel("Action").fill("nothing.matches");
    await see(page, "No matching entries");
  });
});
