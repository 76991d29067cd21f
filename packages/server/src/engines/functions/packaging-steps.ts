import type { BuildLimits } from "../builder/builder.types.ts";
import type { Sandbox, SandboxBind, Workspace } from "../sandbox/sandbox.types.ts";

/** A packaging workspace holds the function's files in src/, and what a step produces beside it. */
export const sourceSubdir = "src";
const sourceMount = `/workspace/${sourceSubdir}`;
/** A failure's message shows this much of the tool's output: the first error, not a wall. */
const messageLines = 20;

export type PackagingStep = {
  /** What failed, for the message: "npm install failed". */
  title: string;
  /** Run with /bin/sh -c in the function's folder. */
  command: string;
  env?: Record<string, string>;
  binds?: SandboxBind[];
  /** Advice to add to a failure's message, read from the tool's output. */
  hint?(output: string): string | null;
};

/** Runs one step in the sandbox; resolves to null when it succeeded, or the message a user reads. */
export type StepRunner = (step: PackagingStep) => Promise<string | null>;

export type StepRunnerContext = {
  sandbox: Sandbox;
  workspace: Workspace;
  signal: AbortSignal;
  /** Every step of one packaging shares this wall-clock budget. */
  timeLimitSeconds: number;
  limits: Omit<BuildLimits, "timeoutSeconds">;
  onLog?: ((line: string) => void) | undefined;
};

export function createStepRunner(context: StepRunnerContext): StepRunner {
  const deadline = Date.now() + context.timeLimitSeconds * 1000;
  let isAdopted = false;
  return async (step) => {
    // What the platform copied in (the function's files, a build cache) goes to the sandbox user once, before the first step.
    if (!isAdopted) {
      await context.workspace.adopt();
      isAdopted = true;
    }
    context.onLog?.(`$ ${step.command}`);
    const output: string[] = [];
    const result = await context.sandbox.run({
      command: step.command,
      cwd: context.workspace.dir,
      subdir: sourceSubdir,
      env: step.env ?? {},
      extraReadOnlyBinds: step.binds ?? [],
      limits: { ...context.limits, timeoutSeconds: Math.max(1, (deadline - Date.now()) / 1000) },
      signal: context.signal,
      onOutput: (_stream, text) => {
        output.push(text);
        context.onLog?.(text);
      },
    });
    if (result.isCanceled) return "packaging was canceled";
    if (result.isTimedOut) return `${step.title}: packaging ran past its ${context.timeLimitSeconds} s limit`;
    if (result.isOutOfMemory) return `${step.title}: it ran out of memory (${context.limits.memoryMb} MB)`;
    if (result.exitCode === 0) return null;
    const hint = step.hint?.(output.join("\n"));
    return [`${step.title}:`, ...shortOutput(output), ...(hint ? [hint] : [])].join("\n");
  };
}

/** Lines about the tool rather than the code: Node's own frames and version, Go's `# package` header, npm's log file. */
const noise = [/^\s+at .*\(node:internal\//, /^Node\.js v\d/, /^# \S+$/, /A complete log of this run can be found in/];

/**
 * The head of a tool's output as the user's folder would show it: paths relative to it, no
 * color codes, no noise.
 */
export function shortOutput(output: string[]): string[] {
  const lines = output
    .map((line) =>
      line
        // biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI color codes start with ESC.
        .replace(/\x1b\[[0-9;]*m/g, "")
        .replaceAll(`${sourceMount}/`, "")
        .replaceAll(sourceMount, ".")
        .replace(/^\.\//, ""),
    )
    .filter((line) => !noise.some((pattern) => pattern.test(line)));
  const collapsed = lines.filter((line, index) => line.trim() !== "" || (lines[index - 1]?.trim() ?? "") !== "");
  while (collapsed.length > 0 && collapsed[0]?.trim() === "") collapsed.shift();
  while (collapsed.length > 0 && collapsed.at(-1)?.trim() === "") collapsed.pop();
  if (collapsed.length <= messageLines) return collapsed;
  const more = collapsed.length - messageLines;
  return [...collapsed.slice(0, messageLines), `… ${more} more ${more === 1 ? "line" : "lines"}`];
}

/** Quoted for /bin/sh: a file name from the user's folder goes into a command line. */
export function shellQuote(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}
