import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { testLogger } from "../../testing/test-store.ts";
import type { BuildLimits } from "../builder/builder.types.ts";
import { createSandbox } from "./sandbox.ts";
import type { SandboxResult, SandboxRunOptions } from "./sandbox.types.ts";

export const testLimits: BuildLimits = { memoryMb: 512, cpus: 1, pids: 256, timeoutSeconds: 60 };

export type OutputLine = { stream: "stdout" | "stderr"; text: string };

/** A real sandbox over a temporary work root, and one workspace in it; `destroy` removes both. */
export async function openTestSandbox(options: Partial<Parameters<typeof createSandbox>[0]> = {}) {
  const workRoot = await mkdtemp(join(tmpdir(), "slipway-sandbox-test-"));
  const sandbox = createSandbox({ logger: testLogger, workRoot, ...options });
  const workspace = await sandbox.createWorkspace("test");
  return {
    sandbox,
    workspace,
    workRoot,
    /** Runs a command in the workspace and collects its output. */
    async run(
      command: string,
      options: Partial<Omit<SandboxRunOptions, "limits">> & { limits?: Partial<BuildLimits> } = {},
    ): Promise<SandboxResult & { lines: OutputLine[]; stdout: string[] }> {
      const lines: OutputLine[] = [];
      const result = await sandbox.run({
        command,
        cwd: workspace.dir,
        env: {},
        signal: new AbortController().signal,
        ...options,
        limits: { ...testLimits, ...options.limits },
        onOutput: (stream, text) => lines.push({ stream, text }),
      });
      const stdout = lines.filter((line) => line.stream === "stdout").map((line) => line.text);
      return { ...result, lines, stdout };
    },
    destroy: () => rm(workRoot, { recursive: true, force: true }),
  };
}

/** Host processes whose command line contains `marker` (pgrep -f), across every namespace. */
export function findProcesses(marker: string): Promise<number[]> {
  return new Promise((resolve, reject) => {
    execFile("pgrep", ["-f", marker], (error, stdout) => {
      // pgrep exits 1 when nothing matches.
      if (error && error.code !== 1) return reject(error);
      resolve(stdout.split("\n").filter(Boolean).map(Number));
    });
  });
}

/** A number no other process on the machine has in its command line: `sleep <marker>` is findable with pgrep. */
export function uniqueSleepSeconds(): string {
  return `600.${Math.floor(Math.random() * 1e9)
    .toString()
    .padStart(9, "1")}`;
}
