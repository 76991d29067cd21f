import { PassThrough, Writable } from "node:stream";
import { freePort } from "@slipway/server/testing";
import { describe, expect, it } from "vitest";
import { runCli } from "./program.ts";

/** Runs the CLI in-process with captured output; no stdin, like a script. */
async function run(argv: string[], env: NodeJS.ProcessEnv = {}) {
  let stdout = "";
  let stderr = "";
  const sink = (append: (text: string) => void) =>
    new Writable({
      write(chunk, _encoding, done) {
        append(chunk.toString());
        done();
      },
    });
  const stdin = new PassThrough();
  stdin.end();
  const code = await runCli(argv, {
    env: { SLIPWAY_CONFIG: "/nonexistent/slipway/config.json", ...env },
    streams: { stdin, stdout: sink((t) => (stdout += t)), stderr: sink((t) => (stderr += t)) },
  });
  return { code, stdout, stderr };
}

describe("slipway", () => {
  it("prints the program help with no arguments and with --help", async () => {
    for (const argv of [[], ["--help"], ["help"]]) {
      const result = await run(argv);
      expect(result.code).toBe(0);
      expect(result.stdout).toContain("Usage: slipway <command> [options]");
    }
  });

  it("prints a command's help for `help <noun> <verb>` and `<noun> <verb> --help`", async () => {
    const viaHelp = await run(["help", "tokens", "create"]);
    const viaFlag = await run(["tokens", "create", "--help"]);
    expect(viaHelp.stdout).toContain("Usage: slipway tokens create");
    expect(viaFlag).toEqual(viaHelp);
  });

  it("answers a bare group with its help on stderr and exit code 2", async () => {
    const result = await run(["tokens"]);
    expect(result).toMatchObject({ code: 2, stdout: "" });
    expect(result.stderr).toContain("Usage: slipway tokens <command>");
  });

  it("fails with exit code 2 and a hint for an unknown command", async () => {
    const result = await run(["tokns", "ls"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      'error: unknown command "tokns"\nhint: did you mean `slipway tokens`?\nRun `slipway --help` for usage.\n',
    );
  });

  it("fails with exit code 2 and points at the command's help for an unknown flag", async () => {
    const result = await run(["tokens", "ls", "--al"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("error: unknown flag --al\n");
    expect(result.stderr).toContain("Run `slipway tokens ls --help` for usage.");
  });

  it("checks token flags before calling the server", async () => {
    const both = await run([
      "tokens",
      "create",
      "--name",
      "ci",
      "--scope",
      "team:read",
      "--no-expiry",
      "--expires-in-days",
      "5",
    ]);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain("use either --expires-in-days or --no-expiry");
    const tooLong = await run([
      "tokens",
      "create",
      "--name",
      "ci",
      "--scope",
      "team:read",
      "--expires-in-days",
      "5000",
    ]);
    expect(tooLong.code).toBe(2);
    expect(tooLong.stderr).toContain("--expires-in-days:");
  });

  it("says so when not logged in", async () => {
    const result = await run(["whoami"]);
    expect(result).toEqual({
      code: 1,
      stdout: "",
      stderr: "error: not logged in\nhint: run `slipway login`, or set SLIPWAY_TOKEN\n",
    });
  });

  it("names the server it cannot reach", async () => {
    const api = `http://127.0.0.1:${await freePort()}`;
    const result = await run(["whoami", "--json"], { SLIPWAY_API: api, SLIPWAY_TOKEN: `slw_${"a".repeat(36)}` });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(new RegExp(`^error: cannot reach ${api}: connect ECONNREFUSED`));
  });

  it("refuses something that is not a token at login, before saving anything", async () => {
    const result = await run(["login", "--token", "hunter2"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("error: that is not a Slipway API token");
  });
});
