import { createInterface } from "node:readline/promises";
import type { Streams } from "./client.ts";
import { CliError, exitCodes } from "./errors.ts";

const cancelled = () => new CliError("cancelled", { exitCode: exitCodes.interrupted });

/**
 * Reads a secret without echoing it. With a terminal it prompts; with piped input
 * (`slipway login < token.txt`) it reads the first line, so scripts need no terminal.
 */
export async function readSecret(streams: Streams, label: string): Promise<string> {
  const { stdin, stderr } = streams;
  if (!stdin.isTTY || !stdin.setRawMode) return firstLine(stdin);
  stderr.write(label);
  const setRawMode = stdin.setRawMode.bind(stdin);
  setRawMode(true);
  stdin.setEncoding("utf8");
  try {
    return await new Promise<string>((resolve, reject) => {
      let secret = "";
      const onData = (chunk: string) => {
        for (const char of chunk) {
          if (char === "\r" || char === "\n") return finish(() => resolve(secret));
          if (char === "\u0003" || (char === "\u0004" && secret === "")) return finish(() => reject(cancelled()));
          if (char === "\u007f" || char === "\b") secret = secret.slice(0, -1);
          else if (char >= " ") secret += char;
        }
      };
      const finish = (settle: () => void) => {
        stdin.off("data", onData);
        settle();
      };
      stdin.on("data", onData);
      stdin.resume();
    });
  } finally {
    setRawMode(false);
    stdin.pause();
    stderr.write("\n");
  }
}

/** Asks a yes/no question on the terminal; anything but y or yes is no. */
export async function confirm(streams: Streams, question: string): Promise<boolean> {
  // readline echoes to its output; stderr keeps stdout clean for results.
  const readline = createInterface({ input: streams.stdin, output: streams.stderr });
  try {
    const answer = await readline.question(`${question} [y/N] `);
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    readline.close();
  }
}

async function firstLine(stdin: NodeJS.ReadableStream): Promise<string> {
  let text = "";
  for await (const chunk of stdin) {
    text += chunk.toString();
    if (text.includes("\n")) break;
  }
  return text.split("\n")[0]?.trim() ?? "";
}

/** Everything piped to stdin, less the one line break `echo` adds at the end. */
export async function readPiped(stdin: NodeJS.ReadableStream): Promise<string> {
  let text = "";
  for await (const chunk of stdin) text += chunk.toString();
  return text.replace(/\r?\n$/, "");
}
