import { execFile } from "node:child_process";
import { promisify } from "node:util";

const run = promisify(execFile);

/** The first version number a command prints about itself, or null when it is not installed. */
async function versionOf(command: string, args: string[]): Promise<string | null> {
  try {
    const { stdout, stderr } = await run(command, args, { timeout: 5_000 });
    return /\d+\.\d+(?:\.\d+)?/.exec(`${stdout} ${stderr}`)?.[0] ?? null;
  } catch {
    return null;
  }
}

export type Toolchains = { python: string | null; go: string | null; ruby: string | null };

/** Python, Go and Ruby as installed on this host (Debian's packages), asked once. */
export function detectToolchains(): () => Promise<Toolchains> {
  let found: Promise<Toolchains> | null = null;
  return () => {
    found ??= Promise.all([
      versionOf("python3", ["--version"]),
      versionOf("go", ["version"]),
      versionOf("ruby", ["--version"]),
    ]).then(([python, go, ruby]) => ({ python, go, ruby }));
    return found;
  };
}
