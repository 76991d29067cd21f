import { execFile } from "node:child_process";
import { promisify } from "node:util";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  addMember,
  buildNow,
  createTeam,
  currentTeamId,
  expectNoSidewaysScroll,
  importGitProject,
  nav,
  newPerson,
  openProjectTab,
  saveProjectSetting,
  see,
  servedDeployment,
  signIn,
  signUp,
  waitForBuildStatus,
} from "./dashboard";
import { type ExampleSession, newPage, openWithExample, type Platform, screenshot } from "./harness";

const run = promisify(execFile);

describe("dashboard: projects, builds and deployments", () => {
  let platform: Platform;
  let browser: Browser;
  let page: Page;
  let teamId: string;
  let projectId: string;
  let repo: ExampleSession["repo"];
  let session: ExampleSession;
  /** Deployment URLs in the order the builds made them. */
  const deploymentUrls: string[] = [];
  const owner = newPerson("Bea Builder");

  beforeAll(async () => {
    session = await openWithExample("static-site");
    ({ platform, browser, page, repo } = session);
    await signUp(page, owner);
    teamId = currentTeamId(page);
  });

  afterAll(() => session?.close());

  /** The deployment the open build page links to, once it has deployed. */
  async function deploymentUrlOfBuild(): Promise<string> {
    const visit = page.getByTestId("build-deployment").getByRole("link", { name: "Visit" });
    await visit.waitFor();
    return (await visit.getAttribute("href")) ?? "";
  }

  it("imports a git repository: problems show on the field, detected settings can be changed", async () => {
    await nav(page).getByRole("link", { name: "Projects" }).click();
    await see(page, "No projects yet");
    await screenshot(page, "projects-empty");
    await page.getByRole("link", { name: "New project" }).first().click();

    await page.getByLabel("Repository URL").fill("file:///nowhere/missing.git");
    await page.getByRole("button", { name: "Detect settings" }).click();
    const urlField = page.getByLabel("Repository URL");
    await expect.poll(() => urlField.getAttribute("aria-invalid")).toBe("true");
    await page.getByLabel("Repository URL").fill(repo.url);
    await page.getByLabel("Branch", { exact: true }).fill("no-such-branch");
    await page.getByRole("button", { name: "Detect settings" }).click();
    await see(page, "has no branch or tag named no-such-branch");
    await screenshot(page, "new-project-branch-error");

    await page.getByLabel("Branch", { exact: true }).fill("main");
    await page.getByRole("button", { name: "Detect settings" }).click();
    await page.getByTestId("detected-framework").getByText("Static site").waitFor();
    expect(await page.getByLabel("Output directory").inputValue()).toBe(".");
    expect(await page.getByLabel("Project name").inputValue()).not.toBe("");
    // Slow enough to watch: one line a second.
    await page.getByLabel("Build command").fill('for i in $(seq 1 6); do echo "tick $i"; sleep 1; done');
    await page.getByLabel("Project name").fill("Harbour Site");
    await screenshot(page, "new-project-detected", { fullPage: true });
    await page.getByRole("button", { name: "Create project" }).click();
    await page.getByRole("heading", { name: "Harbour Site" }).waitFor();
    projectId = new URL(page.url()).pathname.split("/").at(-1) ?? "";
    await see(page, "Nothing in production yet");
    await see(page, "Push webhook");
  });

  it("streams the build log live, then serves the deployment", async () => {
    await buildNow(page);
    // Lines show while the build still runs: the first tick long before the last.
    await page.getByTestId("log-line").filter({ hasText: "tick 1" }).waitFor({ timeout: 60_000 });
    await waitForBuildStatus(page, "Running");
    expect(await page.getByTestId("log-line").filter({ hasText: "tick 6" }).count()).toBe(0);
    await page.getByTestId("log-live").waitFor();
    await screenshot(page, "build-running");

    await waitForBuildStatus(page, "Succeeded");
    await page.getByTestId("log-line").filter({ hasText: "tick 6" }).waitFor();
    expect(await page.locator('[data-testid="build-step"][data-step="build"]').getAttribute("data-status")).toBe(
      "succeeded",
    );
    await see(page, "bubblewrap");
    deploymentUrls.push(await deploymentUrlOfBuild());
    await screenshot(page, "build-succeeded", { fullPage: true });

    const site = await page.context().newPage();
    await site.goto(deploymentUrls[0] ?? "");
    await site.getByRole("heading", { name: "Hello from a static site" }).waitFor();
    await site.close();
  });

  it("keeps production on the last good deployment when a build fails", async () => {
    await page.goto(`/t/${teamId}/projects/${projectId}`);
    const productionUrl = (await page.getByTestId("production-url").getAttribute("href")) ?? "";
    expect(productionUrl).toMatch(/^http:\/\/harbour-site\.localhost:\d+$/);
    await page.getByTestId("production-deployment-url").waitFor();
    await page.getByTestId("deployment-row").first().waitFor();
    await page.getByTestId("webhook-url").waitFor();
    await screenshot(page, "project-overview", { fullPage: true });

    await openProjectTab(page, "Settings");
    await saveProjectSetting(page, "Build & output", "Build command", "echo about to fail >&2 && exit 3");
    await openProjectTab(page, "Overview");
    await buildNow(page);
    await waitForBuildStatus(page, "Failed");
    await page.getByTestId("build-error").getByText("command_failed").waitFor();
    await page.locator('[data-testid="log-line"][data-stream="stderr"]').filter({ hasText: "about to fail" }).waitFor();
    await screenshot(page, "build-failed");

    const firstId = await servedDeployment(page, deploymentUrls[0] ?? "");
    expect(firstId).toMatch(/^dpl_/);
    expect(await servedDeployment(page, productionUrl)).toBe(firstId);
  });

  it("renders thousands of log lines, follows them, and filters them", async () => {
    await page.goto(`/t/${teamId}/projects/${projectId}/settings`);
    await saveProjectSetting(page, "Build & output", "Build command", "seq 1 4000 && echo v2 > version.txt");
    await openProjectTab(page, "Overview");
    await buildNow(page);
    await waitForBuildStatus(page, "Succeeded");
    // Followed to the end, with only the rows in view in the page.
    await page
      .getByTestId("log-line")
      .filter({ hasText: /^\d+4000$/ })
      .waitFor();
    expect(await page.getByTestId("log-line").count()).toBeLessThan(200);
    deploymentUrls.push(await deploymentUrlOfBuild());

    await page.getByRole("region", { name: "Build log" }).evaluate((log) => log.scrollTo({ top: 0 }));
    await page.getByRole("button", { name: "Jump to bottom" }).click();
    await page
      .getByTestId("log-line")
      .filter({ hasText: /^\d+4000$/ })
      .waitFor();
    await page.getByLabel("Filter log lines").fill("3999");
    await see(page, /^1 of \d+ lines$/);
    await screenshot(page, "build-log-filtered");
  });

  it("rolls back production from the Deployments tab, and promotes again", async () => {
    await page.goto(`/t/${teamId}/projects/${projectId}/deployments`);
    const rows = page.getByTestId("deployment-row");
    await expect.poll(() => rows.count()).toBe(2);
    const [first, second] = [deploymentUrls[0] ?? "", deploymentUrls[1] ?? ""];
    expect(await rows.first().getAttribute("data-production")).toBe("true");
    await screenshot(page, "project-deployments");

    await page.getByRole("button", { name: "Roll back to previous" }).click();
    await page.getByRole("alertdialog").getByRole("button", { name: "Roll back" }).click();
    await see(page, "Rolled back production");
    await expect.poll(() => rows.nth(1).getAttribute("data-production")).toBe("true");
    const productionUrl = (await page.getByTestId("production-url").getAttribute("href")) ?? "";
    const firstId = await servedDeployment(page, first);
    expect(await servedDeployment(page, productionUrl)).toBe(firstId);

    await page.goto(`/t/${teamId}/projects/${projectId}/deployments`);
    await rows
      .first()
      .getByRole("button", { name: /^Promote/ })
      .click();
    await page.getByRole("alertdialog").getByRole("button", { name: "Promote" }).click();
    await see(page, "Promoted to production");
    expect(await servedDeployment(page, productionUrl)).toBe(await servedDeployment(page, second));
  });

  it("cancels a running build and leaves production alone", async () => {
    await page.goto(`/t/${teamId}/projects/${projectId}/settings`);
    await saveProjectSetting(page, "Build & output", "Build command", "echo waiting && sleep 60");
    await openProjectTab(page, "Overview");
    const productionBefore = await page.getByTestId("production-deployment-url").textContent();
    await buildNow(page);
    await page
      .getByTestId("log-line")
      .filter({ hasText: /^\d+waiting$/ })
      .waitFor({ timeout: 60_000 });
    await page.getByRole("button", { name: "Cancel" }).click();
    await page.getByRole("alertdialog").getByRole("button", { name: "Cancel build" }).click();
    await waitForBuildStatus(page, "Canceled");
    await page.getByRole("button", { name: "Retry" }).waitFor();

    await page.goto(`/t/${teamId}/projects/${projectId}/settings`);
    await saveProjectSetting(page, "Build & output", "Build command", "echo v3 > version.txt");
    await openProjectTab(page, "Overview");
    expect(await page.getByTestId("production-deployment-url").textContent()).toBe(productionBefore);
  });

  it("flags env changes as pending until the next deployment, and clears the build cache", async () => {
    await page.goto(`/t/${teamId}/projects/${projectId}/settings`);
    await page.getByRole("button", { name: "Add variable" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByLabel("Key").fill("API_URL");
    await dialog.getByLabel("Value").fill("https://api.example.com");
    await dialog.getByRole("checkbox", { name: "Development" }).click();
    await dialog.getByRole("button", { name: "Add variable" }).click();
    await see(page, "Added API_URL");
    await page.getByTestId("pending-env-banner").waitFor();

    await page.getByRole("button", { name: "Add variable" }).click();
    await dialog.getByLabel("Key").fill("DEPLOY_TOKEN");
    await dialog.getByLabel("Value").fill("s3cr3t-value");
    await dialog.getByRole("switch", { name: "Sensitive" }).click();
    await dialog.getByRole("button", { name: "Add variable" }).click();
    await see(page, "Added DEPLOY_TOKEN");
    const sensitiveRow = page.getByTestId("env-row").filter({ hasText: "DEPLOY_TOKEN" });
    await sensitiveRow.getByText("Sensitive").waitFor();
    expect(await page.content()).not.toContain("s3cr3t-value");
    const plainRow = page.getByTestId("env-row").filter({ hasText: "API_URL" });
    await plainRow.getByRole("button", { name: "Reveal value of API_URL" }).click();
    await plainRow.getByText("https://api.example.com").waitFor();
    expect(await plainRow.textContent()).not.toContain("Development");

    await page.getByRole("button", { name: "Clear cache" }).click();
    await page.getByRole("alertdialog").getByRole("button", { name: "Clear cache" }).click();
    await see(page, "Build cache cleared");
    await screenshot(page, "project-settings", { fullPage: true });
  });

  it("starts a build from the deploy hook recipe shown on the overview", async () => {
    await page.goto(`/t/${teamId}/projects/${projectId}`);
    await page.getByRole("button", { name: "Reveal webhook secret" }).click();
    const secret = (await page.getByTestId("secret-value").textContent()) ?? "";
    expect(secret).toMatch(/^[0-9a-f]{32,}$/);
    const script = (await page.getByTestId("code-block").textContent()) ?? "";
    const { stdout } = await run("sh", ["-c", script], { env: { ...process.env, SLIPWAY_HOOK_SECRET: secret } });
    expect(JSON.parse(stdout)).toMatchObject({ status: "queued" });

    await openProjectTab(page, "Builds");
    await page.getByTestId("build-row").filter({ hasText: "Deploy hook" }).waitFor();
    await page.getByTestId("builds-chart").waitFor();
    await screenshot(page, "project-builds");
  });

  it("lists every build on the team's Builds page with analytics and filters", async () => {
    await nav(page).getByRole("link", { name: "Builds" }).click();
    await see(page, /\d+ builds in the last 7 days/);
    const rows = page.getByTestId("build-row");
    await expect.poll(() => rows.count()).toBeGreaterThanOrEqual(4);
    await rows.first().getByText("Harbour Site").waitFor();
    await page.getByTestId("builds-chart").waitFor();
    await screenshot(page, "team-builds");

    await page.getByRole("combobox", { name: "Status" }).click();
    await page.getByRole("option", { name: "Failed" }).click();
    await page.waitForURL(/status=failed/);
    await expect.poll(() => rows.count()).toBe(1);
  });

  it("shows an empty project how to deploy with the CLI", async () => {
    await page.goto(`/t/${teamId}/projects/new`);
    await page.getByText("Empty project", { exact: true }).click();
    await page.getByLabel("Project name").fill("Cli Only");
    await page.getByRole("button", { name: "Create project" }).click();
    await page.getByRole("heading", { name: "Cli Only" }).waitFor();
    await see(page, "Deploy with the CLI");
    expect(await page.getByTestId("code-block").textContent()).toContain("slipway deploy --project cli-only");

    await nav(page).getByRole("link", { name: "Projects" }).click();
    await expect.poll(() => page.getByTestId("project-card").count()).toBe(2);
    await page.getByTestId("project-card").getByTestId("build-status").waitFor();
    await see(page, "No builds yet");
    await screenshot(page, "projects-list");
  });

  it("shows a viewer projects and builds without the actions the role lacks", async () => {
    const viewer = newPerson("Vic Viewer");
    const viewerPage = await newPage(browser, platform);
    await signUp(viewerPage, viewer);
    const crewTeamId = await createTeam(page, "Crew");
    await addMember(page, viewer, "Viewer");
    const crewProjectId = await importGitProject(page, { teamId: crewTeamId, url: repo.url, name: "Crew Site" });

    await viewerPage.goto(`/t/${crewTeamId}/projects`);
    await viewerPage.getByTestId("project-card").filter({ hasText: "Crew Site" }).waitFor();
    expect(await viewerPage.getByRole("link", { name: "New project" }).count()).toBe(0);
    await viewerPage.goto(`/t/${crewTeamId}/projects/${crewProjectId}`);
    await see(viewerPage, "shown to roles that may change the project");
    expect(await viewerPage.getByRole("button", { name: "Build now" }).count()).toBe(0);
    await openProjectTab(viewerPage, "Settings");
    await see(viewerPage, "Your role can't change these.");
    expect(await viewerPage.getByLabel("Project name").isDisabled()).toBe(true);
    for (const action of ["Save", "Add variable", "Clear cache", "Delete project", "Detect again"]) {
      expect(await viewerPage.getByRole("button", { name: action }).count(), action).toBe(0);
    }
    await screenshot(viewerPage, "viewer-project-settings");
    await viewerPage.goto(`/t/${crewTeamId}/builds`);
    await see(viewerPage, /\d+ builds? in the last 7 days/);
    expect(await viewerPage.getByRole("button", { name: "New build" }).count()).toBe(0);
    await viewerPage.context().close();
  });

  it("works at phone width and in dark mode", async () => {
    const phone = await newPage(browser, platform, {
      viewport: { width: 375, height: 740 },
      isMobile: true,
      hasTouch: true,
    });
    await signIn(phone, owner);
    for (const [path, name] of [
      [`/t/${teamId}/projects`, "phone-projects"],
      [`/t/${teamId}/projects/${projectId}`, "phone-project-overview"],
      [`/t/${teamId}/builds`, "phone-builds"],
      [`/t/${teamId}/projects/${projectId}/deployments`, "phone-deployments"],
      [`/t/${teamId}/projects/${projectId}/settings`, "phone-settings"],
      [`/t/${teamId}/projects/new`, "phone-new-project"],
    ] as const) {
      await phone.goto(path);
      await phone.getByRole("heading").first().waitFor();
      await phone.waitForLoadState("networkidle");
      await expectNoSidewaysScroll(phone);
      await screenshot(phone, name, { fullPage: true });
    }
    await phone.goto(`/t/${teamId}/builds`);
    await phone.getByTestId("build-row").first().getByRole("link").first().click();
    await phone.getByTestId("log-line").first().waitFor();
    await expectNoSidewaysScroll(phone);
    await screenshot(phone, "phone-build");
    await phone.context().close();

    const dark = await newPage(browser, platform, { colorScheme: "dark" });
    await signIn(dark, owner);
    await dark.goto(`/t/${teamId}/builds`);
    await dark.getByTestId("builds-chart").waitFor();
    await screenshot(dark, "dark-builds");
    await dark.goto(`/t/${teamId}/projects/${projectId}`);
    await dark.getByTestId("production-deployment-url").waitFor();
    await dark.getByTestId("webhook-url").waitFor();
    await screenshot(dark, "dark-project-overview", { fullPage: true });
    await dark.goto(`/t/${teamId}/projects/${projectId}/builds`);
    await dark
      .getByRole("link", { name: /^#\d+$/ })
      .first()
      .click();
    await dark.getByTestId("log-line").first().waitFor();
    await screenshot(dark, "dark-build");
    await dark.context().close();
  });
});
