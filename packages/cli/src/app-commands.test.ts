import { PassThrough, Writable } from "node:stream";
import type { RuntimeLogLine } from "@slipway/contracts";
import { describe, expect, it } from "vitest";
import { formatUptime, shortInstanceId } from "./app-runtime.ts";
import { parseCommandArgs } from "./args.ts";
import { logs } from "./commands/logs.ts";
import { scale } from "./commands/scale.ts";
import { renderCommandHelp } from "./help.ts";
import { runCli } from "./program.ts";
import { formatRuntimeLogLine, isColorWanted } from "./runtime-log.ts";

/** Runs the CLI in-process with captured output and a token for a server that is not there. */
async function run(argv: string[]) {
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
    // Port 9 (discard): a command that reached for the server would fail with "cannot reach".
    env: { SLIPWAY_CONFIG: "/nonexistent/config.json", SLIPWAY_API: "http://127.0.0.1:9", SLIPWAY_TOKEN: "slw_x" },
    streams: { stdin, stdout: sink((t) => (stdout += t)), stderr: sink((t) => (stderr += t)) },
  });
  return { code, stdout, stderr };
}

describe("slipway logs, instances, scale and restart: arguments", () => {
  it("reads the log filters, --follow and -n", () => {
    const parsed = parseCommandArgs("logs", logs, [
      "dpl_1",
      "-f",
      "--instance",
      "3f2a9c1d",
      "--stream",
      "stderr",
      "--grep",
      "time out",
      "-n",
      "50",
      "--json",
    ]);
    expect(parsed).toEqual({
      args: { deploymentId: "dpl_1" },
      flags: { follow: true, instance: "3f2a9c1d", stream: "stderr", grep: "time out", lines: 50, json: true },
    });
    expect(parseCommandArgs("logs", logs, [])).toEqual({ args: {}, flags: { follow: false, json: false } });
  });

  it("takes the count first and the deployment second for scale", () => {
    expect(parseCommandArgs("scale", scale, ["2", "dpl_1"])).toEqual({
      args: { count: "2", deploymentId: "dpl_1" },
      flags: { json: false },
    });
  });

  it("refuses a bad count, stream or line count with exit code 2, before asking the server", async () => {
    for (const [argv, message] of [
      [["scale"], "error: missing argument <count>"],
      [["scale", "21"], 'error: <count> must be a whole number from 0 to 20, not "21"'],
      [["scale", "1.5"], 'error: <count> must be a whole number from 0 to 20, not "1.5"'],
      [["logs", "--stream", "stdin"], 'error: --stream does not accept "stdin"'],
      [["logs", "--lines", "0"], "error: --lines must be from 1 to 5000"],
      [["logs", "dpl_1", "--project", "site"], "error: give a deployment id or --project, not both"],
      [["restart", "dpl_1", "dpl_2"], 'error: unexpected argument "dpl_2"'],
    ] as const) {
      const result = await run([...argv]);
      expect(result.code, argv.join(" ")).toBe(2);
      expect(result.stderr).toContain(message);
      expect(result.stderr).not.toContain("cannot reach");
    }
  });

  it("documents each command's arguments and options", () => {
    const help = renderCommandHelp("logs", logs);
    expect(help).toContain("Usage: slipway logs [deploymentId] [options]");
    expect(help).toMatch(/-f, --follow +Keep printing new lines until Ctrl-C/);
    expect(help).toMatch(/-n, --lines <count> +How many of the newest lines/);
    expect(help).toContain("One of: stdout, stderr, system");
    expect(renderCommandHelp("scale", scale)).toContain("Usage: slipway scale <count> [deploymentId] [options]");
  });
});

describe("runtime log lines", () => {
  const line = (stream: RuntimeLogLine["stream"], text: string): RuntimeLogLine => ({
    id: 1,
    instanceId: "ins_3f2a9c1d0123456789ab",
    stream,
    text,
    at: "2026-01-01T10:00:00.000Z",
  });

  it("prints time, short instance id and text, tagging stderr and Slipway's lines without colors", () => {
    const plain = { isColor: false };
    expect(formatRuntimeLogLine(line("stdout", "listening on 3000"), plain)).toBe(
      "2026-01-01T10:00:00.000Z  3f2a9c1d  listening on 3000",
    );
    expect(formatRuntimeLogLine(line("stderr", "boom"), plain)).toBe(
      "2026-01-01T10:00:00.000Z  3f2a9c1d  [stderr] boom",
    );
    expect(formatRuntimeLogLine({ ...line("system", "scaled to zero"), instanceId: "-" }, plain)).toBe(
      "2026-01-01T10:00:00.000Z  -         [slipway] scaled to zero",
    );
  });

  it("colors stderr red and dims Slipway's lines at a terminal", () => {
    const color = { isColor: true };
    expect(formatRuntimeLogLine(line("stderr", "boom"), color)).toBe(
      "2026-01-01T10:00:00.000Z  3f2a9c1d  \x1b[31mboom\x1b[39m",
    );
    expect(formatRuntimeLogLine(line("system", "healthy"), color)).toBe(
      "\x1b[2m2026-01-01T10:00:00.000Z  3f2a9c1d  healthy\x1b[22m",
    );
  });

  it("uses colors at a terminal only, and never with NO_COLOR", () => {
    expect(isColorWanted({ isTTY: true }, {})).toBe(true);
    expect(isColorWanted({ isTTY: false }, {})).toBe(false);
    expect(isColorWanted({ isTTY: true }, { NO_COLOR: "1" })).toBe(false);
    expect(isColorWanted({ isTTY: true }, { TERM: "dumb" })).toBe(false);
  });

  it("shortens instance ids and uptimes the way the instances table shows them", () => {
    expect(shortInstanceId("ins_3f2a9c1d0123456789ab")).toBe("3f2a9c1d");
    expect(shortInstanceId("-")).toBe("-");
    expect([45, 60, 725, 3600, 12_000, 90_061].map(formatUptime)).toEqual([
      "45s",
      "1m",
      "12m5s",
      "1h",
      "3h20m",
      "1d1h",
    ]);
  });
});
