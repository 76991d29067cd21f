import type { RuntimeLogLine } from "@slipway/contracts";
import { shortInstanceId } from "./app-runtime.ts";

const red = (text: string) => `\x1b[31m${text}\x1b[39m`;
const dim = (text: string) => `\x1b[2m${text}\x1b[22m`;

/** Colors only for a person at a terminal, and never when NO_COLOR asks for none (no-color.org). */
export function isColorWanted(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv): boolean {
  if (env.NO_COLOR) return false;
  if (env.FORCE_COLOR) return true;
  return stream.isTTY === true && env.TERM !== "dumb";
}

/**
 * `time  instance  text`. stderr is red and Slipway's own lines are dim; without colors they
 * are tagged instead, so a piped log still tells them apart.
 */
export function formatRuntimeLogLine(line: RuntimeLogLine, options: { isColor: boolean }): string {
  const prefix = `${line.at}  ${shortInstanceId(line.instanceId).padEnd(8)}  `;
  if (line.stream === "stdout") return `${prefix}${line.text}`;
  if (options.isColor) return line.stream === "stderr" ? `${prefix}${red(line.text)}` : dim(`${prefix}${line.text}`);
  return `${prefix}${line.stream === "stderr" ? "[stderr]" : "[slipway]"} ${line.text}`;
}
