import type { Browser, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { currentTeamId, nav, newPerson, see, signUp } from "./dashboard";
import { newBrowser, newPage, type Platform, startPlatform } from "./harness";

/** The handler deployed as version 2: the template's, with its own greeting. */
const editedHandler = `export default async function handler(request) {
  const url = new URL(request.url);
  const name = url.searchParams.get("name") ?? "world";
  console.log(\`greeting \${name}\`);
  return Response.json({ message: \`Hello from v2, \${name}!\` });
}
`;

describe("dashboard: functions", () => {
  let platform: Platform;
  let browser: Browser;
  let page: Page;
  let teamId: string;
  let functionUrl: string;
  const owner = newPerson("Fern Functions");

  beforeAll(async () => {
    [platform, browser] = await Promise.all([startPlatform(), newBrowser()]);
    page = await newPage(browser, platform);
    await signUp(page, owner);
    teamId = currentTeamId(page);
    await page.goto(`/t/${teamId}/projects/new`);
    await page.getByText("Empty project", { exact: true }).click();
    await page.getByLabel("Project name").fill("Dock Api");
    await page.getByRole("button", { name: "Create project" }).click();
    await page.getByRole("heading", { name: "Dock Api" }).waitFor();
  });

  afterAll(async () => {
    await browser?.close();
    await platform?.dispose();
  });

  /** Saves a full-page screenshot as /tmp/fn-<name>.png, to look at. */
  const shot = (name: string) =>
    page.screenshot({ path: `/tmp/fn-${name}.png`, fullPage: true, animations: "disabled" });
  const functionTab = async (tab: string) => {
    await page.getByRole("navigation", { name: "Function" }).getByRole("link", { name: tab, exact: true }).click();
  };
  const editor = (file: string): Locator =>
    page.locator(`[data-testid="code-editor"][data-file="${file}"]`).locator(".cm-content");
  /** Replaces the editor's text the way a paste does, then types a line as a person would. */
  async function rewrite(file: string, code: string, typed: string) {
    await editor(file).click();
    await page.keyboard.press("ControlOrMeta+a");
    await page.keyboard.insertText(code);
    await page.keyboard.press("ControlOrMeta+End");
    await page.keyboard.type(typed);
  }
  const versionRow = (number: number) => page.locator(`[data-testid="version-row"][data-number="${number}"]`);

  it("creates a function from the Node template in the dialog and lists it", async () => {
    await page.getByRole("navigation", { name: "Project" }).getByRole("link", { name: "Functions" }).click();
    await see(page, "No functions yet");
    await shot("empty");

    await page.getByRole("button", { name: "Create function" }).first().click();
    const dialog = page.getByRole("dialog");
    // The form checks the name with the contract's rules before sending it.
    await dialog.getByLabel("Name").fill("Hello_World");
    await dialog.getByRole("button", { name: "Create function" }).click();
    await dialog.getByText("lowercase letters, digits and single hyphens").waitFor();
    await dialog.getByLabel("Name").fill("hello");
    await dialog.getByRole("radio", { name: /Node\.js/ }).check();
    await dialog.getByTestId("template-preview").getByText("A Web Request in, a Response out").first().waitFor();
    await shot("create-dialog");
    await dialog.getByRole("button", { name: "Create function" }).click();

    await page.waitForURL(/\/functions\/fn_[^/]+$/);
    await see(page, "Created hello and deployed version 1");
    await page.getByTestId("production-version").filter({ hasText: "v1" }).waitFor();
    await editor("index.mjs").getByText("A Web Request in, a Response out").first().waitFor();
    functionUrl = (await page.getByTestId("function-url").getAttribute("href")) ?? "";
    await shot("code");

    await nav(page).getByRole("link", { name: "Functions" }).click();
    await page.getByRole("heading", { name: "Functions" }).waitFor();
    const row = page.locator('[data-testid="function-row"][data-name="hello"]');
    await row
      .getByTestId("function-runtime")
      .filter({ hasText: /^Node\.js \d+ · Dock Api$/ })
      .waitFor();
    await row.getByText("v1", { exact: true }).waitFor();
    await shot("list");
    await row.getByRole("link", { name: "hello" }).click();
  });

  it("edits the code in the editor and deploys it as version 2", async () => {
    await rewrite("index.mjs", editedHandler, "// edited in the dashboard");
    await page.getByTestId("unsaved-changes").waitFor();
    await page.getByRole("button", { name: "Deploy" }).click();
    await see(page, "Deployed version 2 to production");
    await page.getByTestId("production-version").filter({ hasText: "v2" }).waitFor();
    await page.getByTestId("unsaved-changes").waitFor({ state: "detached" });
    await editor("index.mjs").getByText("// edited in the dashboard").first().waitFor();
  });

  it("runs a test invocation: the response body, a cold then a warm start, and the log line", async () => {
    await functionTab("Test");
    await page.getByLabel("Path").fill("/?name=Slipway");
    await page.getByRole("button", { name: "Run test" }).click();
    const result = page.getByTestId("invoke-result");
    await result.getByTestId("response-status").filter({ hasText: "200" }).waitFor({ timeout: 30_000 });
    await result.getByTestId("response-body").getByText("Hello from v2, Slipway!").first().waitFor();
    await result.getByTestId("invocation-log-line").filter({ hasText: "greeting Slipway" }).waitFor();
    expect(await result.getByTestId("start-badge").textContent()).toBe("Cold");
    await shot("test");

    await page.getByRole("button", { name: "Run test" }).click();
    await result.getByTestId("start-badge").filter({ hasText: "Warm" }).waitFor();
    expect(await result.getByTestId("report-line").textContent()).toMatch(/REPORT RequestId: inv_\S+\s+Version: 2/);
  });

  it("lists the invocations, filters the cold start and opens one with its logs", async () => {
    await functionTab("Invocations");
    await expect.poll(() => page.getByTestId("invocation-row").count()).toBe(2);
    await page.getByRole("combobox", { name: "Start" }).click();
    await page.getByRole("option", { name: "Cold starts" }).click();
    await expect.poll(() => page.getByTestId("invocation-row").count()).toBe(1);

    await page.getByTestId("invocation-row").first().click();
    const detail = page.getByTestId("invocation-detail");
    await detail.getByTestId("invocation-log-line").filter({ hasText: "greeting Slipway" }).waitFor();
    await detail.getByTestId("start-badge").filter({ hasText: "Cold" }).waitFor();
    await detail.getByText("POST /?name=Slipway").waitFor();
    await shot("invocation");
    await page.keyboard.press("Escape");
    await detail.waitFor({ state: "detached" });
    await page.getByRole("button", { name: "Clear" }).click();
    await expect.poll(() => page.getByTestId("invocation-row").count()).toBe(2);

    // Following: a call to the function's URL shows up on its own, at the top.
    await page.getByRole("button", { name: "Follow" }).click();
    await page.getByTestId("follow-status").getByText("Live").waitFor();
    const caller = await browser.newContext();
    const response = await (await caller.newPage()).goto(`${functionUrl}/from-the-edge`);
    expect(response?.status()).toBe(200);
    await caller.close();
    // The browser asks for /favicon.ico too: another invocation, so look for the row by its path.
    await page.getByTestId("invocation-row").filter({ hasText: "GET /from-the-edge" }).waitFor();
    expect(await page.getByTestId("invocation-row").filter({ hasText: "HTTP" }).count()).toBeGreaterThanOrEqual(1);
    await shot("invocations");
  });

  it("shows the compiler's message for a syntax error and keeps production on version 2", async () => {
    await functionTab("Code");
    await rewrite(
      "index.mjs",
      "export default async function handler(request) {\n  return Response.json({ ok: true \n",
      "",
    );
    await page.getByRole("button", { name: "Deploy" }).click();
    const failure = page.getByTestId("deploy-error");
    await failure.getByText("Production is unchanged: version 2 keeps serving.").waitFor({ timeout: 30_000 });
    expect((await failure.locator("pre").textContent())?.trim()).not.toBe("");
    await see(page, "Deploy failed: production is unchanged");
    await shot("deploy-error");

    await functionTab("Versions");
    await versionRow(3).getByText("Failed").waitFor();
    await versionRow(3).locator("xpath=following-sibling::tr[1]").getByTestId("version-error").waitFor();
    expect(await versionRow(2).getAttribute("data-production")).toBe("true");
    await versionRow(2).getByTestId("production-badge").waitFor();
    await shot("versions");
  });

  it("rolls back to version 1 after confirming, and the template answers again", async () => {
    await versionRow(1).getByRole("button", { name: "Roll back" }).click();
    await page.getByRole("alertdialog").getByRole("button", { name: "Roll back" }).click();
    await see(page, "Version 1 is in production");
    await page.getByTestId("production-version").filter({ hasText: "v1" }).waitFor();
    await versionRow(1).getByTestId("production-badge").waitFor();

    await functionTab("Test");
    await page.getByRole("button", { name: "Run test" }).click();
    await page.getByTestId("response-body").getByText("Hello, Slipway!").first().waitFor({ timeout: 30_000 });
  });

  it("adds an hourly schedule with its next run, makes the function private, and shows the metrics", async () => {
    await functionTab("Triggers");
    await page.getByRole("button", { name: "Add schedule" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByRole("button", { name: "Every hour" }).click();
    await dialog.getByRole("button", { name: "Add schedule" }).click();
    await see(page, "Added the schedule 0 * * * *");
    await page
      .getByTestId("cron-next-run")
      .filter({ hasText: /^in \d+ minutes?$|^in 1 hour$/ })
      .waitFor();
    await page.getByRole("switch", { name: "Private" }).click();
    await see(page, "hello is private now");
    await shot("triggers");

    await functionTab("Metrics");
    const summary = page.getByTestId("metrics-summary");
    await summary.getByText("Invocations").waitFor();
    await page.getByTestId("metrics-charts").waitFor();
    // Two tests, the call from the edge (and its favicon request), the test after the rollback.
    await expect.poll(async () => Number(await summary.locator("dd").first().textContent())).toBeGreaterThanOrEqual(4);
    await shot("metrics");
  });

  it("saves settings and a variable, then deletes the function after typing its name", async () => {
    await functionTab("Settings");
    const limits = page.locator("section").filter({ has: page.getByRole("heading", { name: "Resources & limits" }) });
    await limits.getByLabel("Memory (MB)").fill("32");
    await limits.getByRole("button", { name: "Save" }).click();
    await limits.getByText("use at least 64").waitFor();
    await limits.getByLabel("Memory (MB)").fill("256");
    await limits.getByRole("button", { name: "Save" }).click();
    await see(page, "Saved the limits");

    await page.getByRole("button", { name: "Add variable" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByLabel("Key").fill("GREETING");
    await dialog.getByLabel("Value").fill("ahoy");
    await dialog.getByRole("button", { name: "Add variable" }).click();
    await page.getByTestId("function-env-row").filter({ hasText: "GREETING" }).waitFor();
    await shot("settings");

    await page.getByRole("button", { name: "Delete function" }).click();
    const confirm = page.getByRole("alertdialog");
    await confirm.getByLabel(/Type hello to confirm/).fill("hello");
    await confirm.getByRole("button", { name: "Delete function" }).click();
    await see(page, "Deleted hello");
    await page.waitForURL(/\/projects\/prj_[^/]+\/functions$/);
    await see(page, "No functions yet");
  });
});
