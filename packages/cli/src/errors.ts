/** A failure the user can act on; the program prints `message` (and `hint`) and exits with `exitCode`. */
export class CliError extends Error {
  readonly exitCode: number;
  readonly hint: string | undefined;

  constructor(message: string, options: { exitCode?: number; hint?: string } = {}) {
    super(message);
    this.name = "CliError";
    this.exitCode = options.exitCode ?? 1;
    this.hint = options.hint;
  }
}

/** The command line itself is wrong: exit code 2, and a pointer to the help that explains it. */
export class UsageError extends CliError {
  /** The command whose help to point at, e.g. `tokens create`; empty for the program. */
  readonly commandPath: string;

  constructor(message: string, commandPath: string, hint?: string) {
    super(message, { exitCode: 2, hint });
    this.name = "UsageError";
    this.commandPath = commandPath;
  }
}

export const exitCodes = { ok: 0, failure: 1, usage: 2, interrupted: 130 } as const;
