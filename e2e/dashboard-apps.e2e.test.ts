import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  buildNow,
  currentTeamId,
  expectNoSidewaysScroll,
  importGitProject,
  newPerson,
  openProjectTab,
  see,
  signIn,
  signUp,
  waitForBuildStatus,
} from "./dashboard";
import { type ExampleSession, newPage, openWithExample, type Platform, screenshot } from "./harness";

describe("dashboard: server apps", () => {
  let platform: Platform;
  let browser: Browser;
  let page: Page;
  let teamId: string;
  let projectId: string;
  let repo: ExampleSession["repo"];
  let session: ExampleSession;
  const owner = newPerson("Opal Operator");

  beforeAll(async () => {
    session = await openWithExample("node-server");
    ({ platform, browser, page, repo } = session);
    await signUp(page, owner);
    teamId = currentTeamId(page);
  });

  afterAll(() => session?.close());

  const instanceRows = (state?: string) =>
    page.locator(state ? `[data-testid="instance-row"][data-state="${state}"]` : '[data-testid="instance-row"]');
  const logLines = (text: string | RegExp) => page.getByTestId("log-line").filter({ hasText: text });
  /** The full ids of the instances listed now (the table shows them shortened). */
  const instanceIds = async () =>
    Promise.all(
      (await page.getByTestId("instance-id").all()).map(async (id) => (await id.getAttribute("title")) ?? ""),
    );
  /** A settings card, found by its title. */
  const card = (title: string) =>
    page.locator("section").filter({ has: page.getByRole("heading", { name: title, exact: true }) });

  it("deploys the node server and shows its one healthy instance with its memory", async () => {
    projectId = await importGitProject(page, { teamId, url: repo.url, name: "Harbour Api" });
    await buildNow(page);
    await waitForBuildStatus(page, "Succeeded");
    const deployStep = page.locator('[data-testid="build-step"][data-step="deploy"]');
    await expect.poll(() => deployStep.getAttribute("data-status")).toBe("succeeded");

    await page.goto(`/t/${teamId}/projects/${projectId}`);
    await openProjectTab(page, "Runtime");
    await page.getByTestId("app-state").filter({ hasText: "Running" }).first().waitFor({ timeout: 30_000 });
    await expect.poll(() => instanceRows("healthy").count()).toBe(1);
    await see(page, "1 of 1 instance running.");
    // Memory is sampled every few seconds; the page refreshes on its own until it shows.
    await page
      .getByTestId("instance-memory")
      .filter({ hasText: /\d+(\.\d)? MB/ })
      .waitFor({ timeout: 20_000 });
    await logLines(/listening on \d+/)
      .first()
      .waitFor();
    await page.getByTestId("log-live").waitFor();
    await screenshot(page, "app-runtime", { fullPage: true });
  });

  it("scales to two instances once the maximum allows, the new one's log line arriving live", async () => {
    const scaleTo = page.getByRole("spinbutton", { name: "Scale to" });
    await scaleTo.fill("2");
    await page.getByRole("button", { name: "Apply" }).click();
    await see(page, "At most 1, the project's maximum");

    await openProjectTab(page, "Settings");
    await card("Resources & scaling").getByLabel("Maximum", { exact: true }).fill("3");
    await card("Resources & scaling").getByRole("button", { name: "Save" }).click();
    await see(page, "Saved the resources and scaling");
    await openProjectTab(page, "Runtime");
    const listening = logLines(/listening on \d+/);
    await listening.first().waitFor();
    const before = await listening.count();
    await scaleTo.fill("2");
    await page.getByRole("button", { name: "Apply" }).click();
    await see(page, "Scaling to 2 instances");
    await expect.poll(() => instanceRows("healthy").count(), { timeout: 30_000 }).toBe(2);
    await see(page, "2 of 2 instances running.");
    await expect.poll(() => listening.count(), { timeout: 10_000 }).toBe(before + 1);
  });

  it("restarts every instance, one after the other", async () => {
    const idsBefore = await instanceIds();
    await page.getByRole("button", { name: "Restart" }).click();
    await page.getByRole("alertdialog").getByRole("button", { name: "Restart" }).click();
    await see(page, "Restarted every instance");
    await expect
      .poll(
        async () => {
          const ids = await instanceIds();
          const healthy = await instanceRows("healthy").count();
          return healthy === 2 && ids.filter((id) => idsBefore.includes(id)).length === 0 && ids.length === 2;
        },
        { timeout: 30_000 },
      )
      .toBe(true);
    await screenshot(page, "app-runtime-scaled", { fullPage: true });
  });

  it("filters the runtime log by text, stream and instance on the server", async () => {
    const lines = page.getByTestId("log-line");
    await page.getByLabel("Search", { exact: true }).fill("listening");
    await page.waitForURL(/q=listening/);
    await expect
      .poll(async () => {
        const texts = await lines.allTextContents();
        return texts.length > 0 && texts.every((text) => text.includes("listening on"));
      })
      .toBe(true);
    await page.getByTestId("runtime-log").locator("mark").first().waitFor();

    await page.getByRole("button", { name: "Clear" }).click();
    await page.getByRole("combobox", { name: "Stream" }).click();
    await page.getByRole("option", { name: "Slipway" }).click();
    await page.waitForURL(/stream=system/);
    await expect
      .poll(async () => {
        const streams = await lines.evaluateAll((rows) => rows.map((row) => row.getAttribute("data-stream")));
        return streams.length > 0 && streams.every((stream) => stream === "system");
      })
      .toBe(true);
    await logLines(/is healthy/)
      .first()
      .waitFor();

    await page.getByRole("combobox", { name: "Instance" }).click();
    const option = page.getByRole("option").nth(1);
    const shortId = (await option.textContent()) ?? "";
    await option.click();
    await page.waitForURL(/instance=ins_/);
    await expect
      .poll(async () => {
        const texts = await lines.allTextContents();
        return texts.length > 0 && texts.every((text) => text.includes(shortId));
      })
      .toBe(true);

    await page.getByRole("button", { name: "Pause" }).click();
    await page.getByRole("button", { name: "Follow" }).waitFor();
    await screenshot(page, "app-runtime-logs-filtered");
    await page.getByRole("button", { name: "Follow" }).click();
    await page.getByRole("button", { name: "Clear" }).click();
    await page.waitForURL((url) => !url.search.includes("stream="));
  });

  it("labels deployments as apps with their runtime state", async () => {
    await openProjectTab(page, "Deployments");
    const row = page.getByTestId("deployment-row").first();
    await row.getByTestId("deployment-kind").filter({ hasText: "App" }).waitFor();
    await row.getByTestId("app-state").filter({ hasText: "Running" }).waitFor();
    await row.getByRole("link", { name: "Instances & logs" }).click();
    await page.waitForURL(/\/runtime\?deployment=dpl_/);
    await expect.poll(() => instanceRows("healthy").count()).toBe(2);
  });

  it("saves resources and scaling, says what the server refuses, and keeps them after a reload", async () => {
    await page.goto(`/t/${teamId}/projects/${projectId}/settings`);
    const resources = card("Resources & scaling");
    await resources.getByLabel("Minimum", { exact: true }).fill("4");
    await resources.getByLabel("Maximum", { exact: true }).fill("3");
    await resources.getByRole("button", { name: "Save" }).click();
    await resources
      .getByRole("alert")
      .filter({ hasText: /minInstances must not be above/ })
      .waitFor();

    await resources.getByLabel("Minimum", { exact: true }).fill("1");
    await resources.getByLabel("Memory (MB)", { exact: true }).fill("256");
    await resources.getByRole("switch", { name: "Autoscale" }).click();
    await resources.getByLabel("Target per instance", { exact: true }).fill("5");
    await resources.getByRole("switch", { name: "Scale production to zero" }).click();
    await resources.getByLabel("Production after (minutes)", { exact: true }).fill("30");
    await resources.getByLabel("Health check path", { exact: true }).fill("/healthz");
    await resources.getByRole("button", { name: "Save" }).click();
    await see(page, "Saved the resources and scaling");

    await page.reload();
    await expect
      .poll(() => card("Resources & scaling").getByLabel("Memory (MB)", { exact: true }).inputValue())
      .toBe("256");
    const saved = card("Resources & scaling");
    expect(await saved.getByLabel("Maximum", { exact: true }).inputValue()).toBe("3");
    expect(await saved.getByRole("switch", { name: "Autoscale" }).getAttribute("aria-checked")).toBe("true");
    expect(await saved.getByLabel("Target per instance", { exact: true }).inputValue()).toBe("5");
    expect(await saved.getByLabel("Production after (minutes)", { exact: true }).inputValue()).toBe("30");
    expect(await saved.getByLabel("Health check path", { exact: true }).inputValue()).toBe("/healthz");
  });

  it("turns off deploying on push and keeps previews forever", async () => {
    const preferences = card("Deployment preferences");
    expect(await preferences.getByRole("switch", { name: "Deploy on push" }).getAttribute("aria-checked")).toBe("true");
    await preferences.getByRole("switch", { name: "Deploy on push" }).click();
    await preferences.getByRole("switch", { name: "Keep previews forever" }).click();
    await preferences.getByRole("button", { name: "Save" }).click();
    await see(page, "Saved the deployment preferences");
    await screenshot(page, "app-settings", { fullPage: true });

    await page.reload();
    const saved = card("Deployment preferences");
    await saved.getByRole("switch", { name: "Deploy on push" }).waitFor();
    expect(await saved.getByRole("switch", { name: "Deploy on push" }).getAttribute("aria-checked")).toBe("false");
    expect(await saved.getByRole("switch", { name: "Keep previews forever" }).getAttribute("aria-checked")).toBe(
      "true",
    );
    expect(await saved.getByLabel("Delete previews after (days)").isDisabled()).toBe(true);
  });

  it("says why an app that keeps crashing is unhealthy, and a restart brings it back", async () => {
    await openProjectTab(page, "Runtime");
    await page.getByRole("spinbutton", { name: "Scale to" }).fill("1");
    await page.getByRole("button", { name: "Apply" }).click();
    await expect.poll(() => instanceRows().count(), { timeout: 20_000 }).toBe(1);
    // Five exits within a minute make a crash loop. The edge holds a request while the instance
    // restarts; one sent just as it exits fails instead, so keep crashing it until the page says so.
    const productionUrl = (await page.getByTestId("production-url").getAttribute("href")) ?? "";
    const alert = page.getByTestId("unhealthy-alert");
    const visitor = await page.context().newPage();
    for (let attempt = 0; attempt < 20 && !(await alert.isVisible()); attempt++) {
      await visitor.goto(`${productionUrl}/crash`, { timeout: 60_000 }).catch(() => null);
      await visitor.waitForTimeout(500);
    }
    await visitor.close();
    await alert.getByText(/crash loop/).waitFor({ timeout: 10_000 });
    await page.getByTestId("app-state").filter({ hasText: "Unhealthy" }).first().waitFor();
    await logLines("crashing on request").first().waitFor();
    await screenshot(page, "app-runtime-unhealthy", { fullPage: true });

    await page.getByRole("button", { name: "Restart" }).click();
    await page.getByRole("alertdialog").getByRole("button", { name: "Restart" }).click();
    await see(page, "Restarted every instance");
    await page.getByTestId("app-state").filter({ hasText: "Running" }).first().waitFor({ timeout: 30_000 });
    expect(await alert.count()).toBe(0);
  }, 180_000);

  it("tells a static site that the runtime settings are for server apps", async () => {
    await page.goto(`/t/${teamId}/projects/new`);
    await page.getByText("Empty project", { exact: true }).click();
    await page.getByLabel("Project name").fill("Plain Files");
    await page.getByRole("button", { name: "Create project" }).click();
    await page.getByRole("heading", { name: "Plain Files" }).waitFor();
    expect(await page.getByRole("navigation", { name: "Project" }).getByRole("link", { name: "Runtime" }).count()).toBe(
      0,
    );
    await openProjectTab(page, "Settings");
    await page.getByTestId("resources-static-note").getByText("Applies to server apps.").waitFor();
  });

  it("fits the runtime and settings pages on a phone, and reads in dark mode", async () => {
    const phone = await newPage(browser, platform, {
      viewport: { width: 375, height: 740 },
      isMobile: true,
      hasTouch: true,
    });
    await signIn(phone, owner);
    await phone.goto(`/t/${teamId}/projects/${projectId}/runtime`);
    await phone.locator('[data-testid="instance-row"][data-state="healthy"]').first().waitFor({ timeout: 20_000 });
    await phone.getByTestId("log-line").first().waitFor();
    await expectNoSidewaysScroll(phone);
    await screenshot(phone, "app-runtime-phone", { fullPage: true });
    await phone.goto(`/t/${teamId}/projects/${projectId}/settings`);
    await phone.getByRole("heading", { name: "Resources & scaling" }).waitFor();
    await expectNoSidewaysScroll(phone);
    await screenshot(phone, "app-settings-phone", { fullPage: true });
    await phone.context().close();

    const dark = await newPage(browser, platform, { colorScheme: "dark" });
    await signIn(dark, owner);
    await dark.goto(`/t/${teamId}/projects/${projectId}/runtime`);
    await dark.locator('[data-testid="instance-row"][data-state="healthy"]').first().waitFor({ timeout: 20_000 });
    await dark.getByTestId("log-line").first().waitFor();
    await screenshot(dark, "app-runtime-dark");
    await dark.context().close();
  });
});
