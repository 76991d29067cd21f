import { execFile } from "node:child_process";

export type HostCommandOptions = {
  cwd?: string;
  /** Replaces the environment entirely: the platform's own variables stay out of child processes. */
  env?: Record<string, string>;
  signal?: AbortSignal;
  timeoutMs?: number;
};

export class HostCommandError extends Error {
  readonly exitCode: number | null;
  readonly stderr: string;
  /** Killed for running past its timeout. */
  readonly isKilled: boolean;
  constructor(command: string, exitCode: number | null, stderr: string, isKilled = false) {
    super(`${command} failed${exitCode === null ? "" : ` (exit ${exitCode})`}: ${stderr.trim().slice(-2_000)}`);
    this.name = "HostCommandError";
    this.exitCode = exitCode;
    this.stderr = stderr;
    this.isKilled = isKilled;
  }
}

const minimalEnvironment = { PATH: "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", LANG: "C.UTF-8" };

/** Runs a trusted tool on the host (chown, git, cp) with a minimal environment; rejects on a non-zero exit. */
export function runHostCommand(
  command: string,
  args: string[],
  options: HostCommandOptions = {},
): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(
      command,
      args,
      {
        cwd: options.cwd,
        env: options.env ?? minimalEnvironment,
        signal: options.signal,
        timeout: options.timeoutMs,
        killSignal: "SIGKILL",
        maxBuffer: 64 * 1024 * 1024,
      },
      (error, stdout, stderr) => {
        if (!error) return resolve({ stdout, stderr });
        if (error.name === "AbortError") return reject(error);
        const code = typeof error.code === "number" ? error.code : null;
        reject(new HostCommandError(command, code, stderr || error.message, error.killed === true));
      },
    );
  });
}
