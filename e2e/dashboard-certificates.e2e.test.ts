import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createTestAuthority,
  createTestLeaf,
  type TestAuthority,
} from "../packages/server/src/features/certificates/test-certificates.ts";
import { fetchOverTls } from "../packages/server/src/features/certificates/tls-fetch.ts";
import { currentTeamId, expectNoSidewaysScroll, newPerson, see, signUp } from "./dashboard";
import { newBrowser, newPage, type Platform, screenshot, startPlatform } from "./harness";

describe("dashboard: TLS certificates", () => {
  let platform: Platform;
  let browser: Browser;
  let page: Page;
  let authority: TestAuthority;
  let domainsUrl: string;
  const owner = newPerson("Tess Tls");

  beforeAll(async () => {
    [platform, authority] = await Promise.all([
      // An ACME directory nothing listens at: the order fails at once, and no request leaves the machine.
      startPlatform({ env: { SLIPWAY_ACME_DIRECTORY: "https://127.0.0.1:1/directory" } }),
      createTestAuthority("Harbour Test CA"),
    ]);
    browser = await newBrowser();
    page = await newPage(browser, platform);
    await signUp(page, owner);
    const teamId = currentTeamId(page);
    await page.goto(`/t/${teamId}/projects/new`);
    await page.getByText("Empty project", { exact: true }).click();
    await page.getByLabel("Project name").fill("Quay Shop");
    await page.getByRole("button", { name: "Create project" }).click();
    await page.getByRole("heading", { name: "Quay Shop" }).waitFor();
    const projectId = new URL(page.url()).pathname.split("/").at(-1) ?? "";
    domainsUrl = `/t/${teamId}/projects/${projectId}/domains`;
  });

  afterAll(async () => {
    await browser?.close();
    await platform?.dispose();
  });

  const item = (hostnames: string) =>
    page.getByTestId("certificate").and(page.locator(`[data-hostnames="${hostnames}"]`));

  it("uploads a certificate, showing the server's error for a key that does not match first", async () => {
    await page.goto(domainsUrl);
    await see(page, "No certificates yet");
    const leaf = await createTestLeaf(authority, ["shop.example.com", "www.shop.example.com"]);
    const stranger = await createTestLeaf(authority, ["elsewhere.example.com"]);

    await page.getByRole("button", { name: "Upload" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByLabel("Certificate", { exact: true }).fill(leaf.pem);
    await dialog.getByLabel("Chain (optional)").fill(authority.pem);
    await dialog.getByLabel("Private key").fill(stranger.keyPem);
    await dialog.getByRole("button", { name: "Upload" }).click();
    await dialog.getByText("the private key does not match the certificate").waitFor();
    expect(await dialog.getByLabel("Private key").getAttribute("aria-invalid")).toBe("true");
    await screenshot(page, "certificates-upload-error");

    await dialog.getByLabel("Private key").fill(leaf.keyPem);
    await dialog.getByRole("button", { name: "Upload" }).click();
    await see(page, "Uploaded the certificate for shop.example.com, www.shop.example.com");
    const uploaded = item("shop.example.com,www.shop.example.com");
    await uploaded.getByText("Active").waitFor();
    await uploaded.getByText("Issued by CN=Harbour Test CA").waitFor();
    const expiry = uploaded.getByTestId("certificate-expiry");
    expect(await expiry.textContent()).toMatch(/^Expires .+ · in 8[89] days$/);
    expect(await expiry.getAttribute("data-soon")).toBe("false");

    // The edge serves it over HTTPS for that name at once.
    const served = await fetchOverTls(platform.edgeTlsUrl, "www.shop.example.com", "/", { ca: authority.pem });
    expect(served.isAuthorized).toBe(true);
  });

  it("marks a certificate that expires within 14 days in red", async () => {
    const soon = await createTestLeaf(authority, ["soon.example.com"], { days: 10 });
    await page.getByRole("button", { name: "Upload" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByLabel("Certificate", { exact: true }).fill(soon.pem);
    await dialog.getByLabel("Private key").fill(soon.keyPem);
    await dialog.getByRole("button", { name: "Upload" }).click();
    const expiry = item("soon.example.com").getByTestId("certificate-expiry");
    await expiry.waitFor();
    expect(await expiry.getAttribute("data-soon")).toBe("true");
    expect(await expiry.textContent()).toMatch(/in 8 days$/);
  });

  it("issues a self-signed certificate for the project's local name and shows its expiry", async () => {
    await page.getByRole("button", { name: "Issue self-signed" }).click();
    const dialog = page.getByRole("dialog");
    expect(await dialog.getByLabel("Hostnames").inputValue()).toBe("quay-shop.localhost");
    await dialog.getByLabel("Hostnames").fill("quay-shop.localhost, *.quay-shop.localhost");
    await dialog.getByRole("button", { name: "Issue certificate" }).click();
    await see(page, "Issued a self-signed certificate for quay-shop.localhost, *.quay-shop.localhost");
    const issued = item("quay-shop.localhost,*.quay-shop.localhost");
    await issued.getByText("Self-signed", { exact: true }).waitFor();
    expect(await issued.getByTestId("certificate-expiry").textContent()).toMatch(/in 36[45] days$/);
    await issued.getByRole("button", { name: "Renew" }).waitFor();

    const served = await fetchOverTls(platform.edgeTlsUrl, "quay-shop.localhost");
    expect(served.subjectAltName).toBe("DNS:quay-shop.localhost, DNS:*.quay-shop.localhost");
    await expectNoSidewaysScroll(page);
    // The list itself, without toasts over it.
    await page.locator("[data-sonner-toast]").first().waitFor({ state: "detached", timeout: 15_000 });
    await screenshot(page, "certificates", { fullPage: true });
  });

  it("shows the ACME order failing with the reason when the CA cannot be reached", async () => {
    await page.getByRole("button", { name: "Request Let's Encrypt certificate" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByLabel("Hostnames").fill("shop.example.com");
    await dialog.getByRole("button", { name: "Request certificate" }).click();
    const ordered = item("shop.example.com");
    await ordered.getByTestId("certificate-error").waitFor({ timeout: 60_000 });
    expect(await ordered.getByTestId("certificate-status").getAttribute("data-status")).toBe("failed");
    await screenshot(page, "certificates-acme-failed");
  });

  it("deletes a certificate after asking", async () => {
    const soon = item("soon.example.com");
    await soon.getByRole("button", { name: "Delete the certificate for soon.example.com" }).click();
    await page.getByRole("alertdialog").getByRole("button", { name: "Delete certificate" }).click();
    await see(page, "Deleted the certificate for soon.example.com");
    await expect.poll(() => soon.count()).toBe(0);
  });
});
