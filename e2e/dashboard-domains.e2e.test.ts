import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDnsServer, type TestDnsServer } from "../packages/server/src/testing/dns-server.ts";
import { currentTeamId, expectNoSidewaysScroll, importGitProject, newPerson, see, signUp } from "./dashboard";
import { type ExampleSession, newPage, openWithExample, type Platform, screenshot } from "./harness";

describe("dashboard: custom domains", () => {
  let dns: TestDnsServer;
  let platform: Platform;
  let browser: Browser;
  let page: Page;
  let session: ExampleSession;
  let domainsUrl: string;
  const owner = newPerson("Dora Domains");

  beforeAll(async () => {
    dns = await startDnsServer();
    // The platform asks the test's DNS server, which answers only what the test puts in it.
    session = await openWithExample("static-site", {
      env: { SLIPWAY_DNS_SERVERS: dns.address, SLIPWAY_PUBLIC_IP: "203.0.113.20" },
    });
    ({ platform, browser, page } = session);
    const { repo } = session;
    await signUp(page, owner);
    const teamId = currentTeamId(page);
    const projectId = await importGitProject(page, { teamId, url: repo.url, name: "Pier Site" });
    domainsUrl = `/t/${teamId}/projects/${projectId}/domains`;
  });

  afterAll(async () => {
    await session?.close();
    await dns?.stop();
  });

  const domainItem = (hostname: string) =>
    page.getByTestId("domain").and(page.locator(`[data-hostname="${hostname}"]`));

  async function addDomain(hostname: string, options: { redirectTo?: string; status?: string } = {}) {
    await page.getByRole("button", { name: "Add domain" }).first().click();
    const dialog = page.getByRole("dialog");
    await dialog.getByLabel("Domain", { exact: true }).fill(hostname);
    if (options.redirectTo) {
      await dialog.getByRole("combobox", { name: "Serves" }).click();
      await page.getByRole("option", { name: "Redirect to another domain" }).click();
      await dialog.getByRole("combobox", { name: "Redirect to" }).click();
      await page.getByRole("option", { name: options.redirectTo, exact: true }).click();
      if (options.status) {
        await dialog.getByRole("combobox", { name: "Status" }).click();
        await page.getByRole("option", { name: options.status }).click();
      }
    }
    if (options.redirectTo) await screenshot(page, "domains-add-redirect");
    await dialog.getByRole("button", { name: "Add domain" }).click();
    await domainItem(hostname).waitFor();
  }

  it("adds a domain from the Domains tab and shows the TXT record to create", async () => {
    await page.getByRole("navigation", { name: "Project" }).getByRole("link", { name: "Domains", exact: true }).click();
    await page.waitForURL(/\/domains$/);
    await see(page, "No custom domains");

    // The form checks the name with the server's own rules before sending it.
    await page.getByRole("button", { name: "Add domain" }).first().click();
    await page.getByRole("dialog").getByLabel("Domain", { exact: true }).fill("not_a_domain");
    await page.getByRole("dialog").getByRole("button", { name: "Add domain" }).click();
    await see(page, "no underscores");
    await page.getByRole("dialog").getByRole("button", { name: "Cancel" }).click();

    await addDomain("shop.pier.test");
    const shop = domainItem("shop.pier.test");
    await shop.getByTestId("domain-status").filter({ hasText: "Pending" }).waitFor();
    const txt = shop.locator('[data-testid="dns-record"][data-type="TXT"]').getByTestId("dns-record-part");
    expect(await txt.nth(0).textContent()).toBe("_slipway-challenge.shop.pier.test");
    expect(await txt.nth(1).textContent()).toMatch(/^slipway-verify=[a-z0-9]{32}$/);
    const cname = shop.locator('[data-testid="dns-record"][data-type="CNAME"]').getByTestId("dns-record-part");
    expect(await cname.nth(1).textContent()).toBe("pier-site.localhost");
  });

  it("shows why verification failed, then Verified once DNS answers", async () => {
    const shop = domainItem("shop.pier.test");
    await shop.getByRole("button", { name: "Verify shop.pier.test" }).click();
    await shop.getByTestId("domain-check-result").filter({ hasText: "no TXT record (NXDOMAIN)" }).waitFor();
    await shop.getByTestId("domain-status").filter({ hasText: "Failed" }).waitFor();
    await see(page, "shop.pier.test isn't verified yet");

    const parts = shop.locator('[data-testid="dns-record"][data-type="TXT"]').getByTestId("dns-record-part");
    dns.set((await parts.nth(0).textContent()) ?? "", { TXT: [(await parts.nth(1).textContent()) ?? ""] });
    dns.set("shop.pier.test", { CNAME: "pier-site.localhost" });
    await shop.getByRole("button", { name: "Verify shop.pier.test" }).click();
    await shop.getByTestId("domain-status").filter({ hasText: "Verified" }).waitFor();
    await shop
      .getByTestId("domain-check-result")
      .filter({ hasText: /^found TXT values: "slipway-verify=/ })
      .waitFor();
    await shop.getByTestId("domain-routing").filter({ hasText: "CNAME points to pier-site.localhost" }).waitFor();
    await see(page, "shop.pier.test is verified");
  });

  it("adds a redirect domain and removes a domain after confirming", async () => {
    await addDomain("www.pier.test", { redirectTo: "shop.pier.test", status: "301 Moved Permanently" });
    const www = domainItem("www.pier.test");
    await www
      .getByTestId("domain-target")
      .filter({ hasText: "Redirects to shop.pier.test (301 Moved Permanently)" })
      .waitFor();
    await addDomain("old.pier.test");

    await page.setViewportSize({ width: 1280, height: 1100 });
    await screenshot(page, "domains", { fullPage: true });

    await domainItem("old.pier.test").getByRole("button", { name: "Remove old.pier.test" }).click();
    await page.getByRole("alertdialog").getByRole("button", { name: "Remove domain" }).click();
    await see(page, "Removed old.pier.test");
    await domainItem("old.pier.test").waitFor({ state: "detached" });
    expect(await page.getByTestId("domain").count()).toBe(2);
  });

  it("fits a phone screen", async () => {
    const phone = await newPage(browser, platform, { viewport: { width: 375, height: 800 } });
    await phone.context().addCookies(await page.context().cookies());
    await phone.goto(domainsUrl);
    await phone.getByTestId("domain").first().waitFor();
    await expectNoSidewaysScroll(phone);
    await screenshot(phone, "domains-phone", { fullPage: true });
    await phone.context().close();
  });
});
