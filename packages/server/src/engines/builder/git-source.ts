import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { HostCommandError, runHostCommand } from "../sandbox/run-host-command.ts";
import { BuildFailure } from "./builder.types.ts";

/** Transports git may use unless the platform says otherwise. `file` (local paths too) reads this host's disk. */
export const defaultGitProtocols = ["https", "http", "git"];

export type CloneOptions = {
  url: string;
  ref: string;
  /** An empty directory to clone into. */
  dir: string;
  protocols: readonly string[];
  signal: AbortSignal;
  timeoutMs: number;
};

export type ClonedSource = { commitSha: string; treeHash: string };

/**
 * Shallow clone of one branch, tag or full commit sha, run on the host (not in the sandbox)
 * with the transports limited to `protocols`, no credential helpers, no prompts, no hooks, no
 * system or user git config, and without the platform's environment.
 */
export async function cloneGitSource(options: CloneOptions): Promise<ClonedSource> {
  const protocol = protocolOf(options.url);
  if (!options.protocols.includes(protocol)) {
    throw new BuildFailure(
      "clone",
      "source_unreachable",
      `${protocol}: repositories are not allowed here (allowed: ${options.protocols.join(", ")})`,
    );
  }
  const home = await mkdtemp(join(tmpdir(), "slipway-git-home-"));
  const git = (args: string[], cwd?: string) =>
    runHostCommand("git", [...gitConfig(options.protocols, options.dir), ...args], {
      cwd,
      env: gitEnvironment(home),
      signal: options.signal,
      timeoutMs: options.timeoutMs,
    });
  try {
    try {
      if (/^[0-9a-f]{40}$/i.test(options.ref)) {
        await git(["init", "--quiet", options.dir]);
        await git(["fetch", "--quiet", "--depth", "1", "--no-tags", "--", options.url, options.ref], options.dir);
        await git(["checkout", "--quiet", "--detach", "FETCH_HEAD"], options.dir);
      } else {
        // --no-local: a local path goes through the transport (no hardlinks into the source repository).
        await git([
          "clone",
          "--quiet",
          "--no-local",
          "--depth",
          "1",
          "--single-branch",
          "--no-tags",
          "--branch",
          options.ref,
          "--",
          options.url,
          options.dir,
        ]);
      }
    } catch (error) {
      // Canceled or out of time: the step says so; asking ls-remote would only take longer.
      if (options.signal.aborted || !(error instanceof HostCommandError) || error.isKilled) throw error;
      throw await explainCloneFailure(options, error, (args) => git(args));
    }
    const commitSha = (await git(["rev-parse", "HEAD"], options.dir)).stdout.trim();
    const treeHash = (await git(["rev-parse", "HEAD^{tree}"], options.dir)).stdout.trim();
    return { commitSha, treeHash };
  } finally {
    await rm(home, { recursive: true, force: true });
  }
}

/** The clone failed: `git ls-remote` tells an unreachable repository from a missing ref. */
async function explainCloneFailure(
  options: CloneOptions,
  cloneError: HostCommandError,
  git: (args: string[]) => Promise<{ stdout: string }>,
): Promise<BuildFailure> {
  const where = redactUrl(options.url);
  let refs: string;
  try {
    refs = (await git(["ls-remote", "--", options.url])).stdout;
  } catch (error) {
    if (options.signal.aborted) throw error;
    const stderr = error instanceof HostCommandError ? error.stderr : String(error);
    // git ends with advice ("...and the repository exists."); its `fatal:` line says what happened.
    const fatal = stderr.split("\n").find((line) => line.startsWith("fatal:"));
    const detail = fatal ? fatal.slice("fatal:".length).trim() : lastLine(stderr);
    return new BuildFailure("clone", "source_unreachable", `cannot reach ${where}: ${detail}`);
  }
  const names = new Set(refs.split("\n").map((line) => line.split("\t")[1] ?? ""));
  const isFound =
    /^[0-9a-f]{40}$/i.test(options.ref) ||
    names.has(`refs/heads/${options.ref}`) ||
    names.has(`refs/tags/${options.ref}`) ||
    names.has(options.ref);
  if (!isFound) return new BuildFailure("clone", "ref_not_found", `${where} has no branch or tag named ${options.ref}`);
  return new BuildFailure("clone", "source_unreachable", `cloning ${where} failed: ${lastLine(cloneError.stderr)}`);
}

/** The transport git will use for a URL: `helper::address`, `scheme://`, scp-like `host:path` (ssh), or a local path (file). */
export function protocolOf(url: string): string {
  const helper = /^([A-Za-z0-9][A-Za-z0-9+.-]*)::/.exec(url)?.[1];
  if (helper) return helper.toLowerCase();
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(url)?.[1];
  if (scheme) return scheme.toLowerCase().replace(/^git\+ssh$|^ssh\+git$/, "ssh");
  if (/^[^/]+:/.test(url) && !url.startsWith("/")) return "ssh";
  return "file";
}

/** Credentials in a URL (`https://token@host/...`), wherever it sits in a text, never reach a log. */
export function redactUrl(text: string): string {
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/)[^@/\s']*@/gi, "$1•••@");
}

function gitConfig(protocols: readonly string[], dir: string): string[] {
  const settings = [
    "protocol.allow=never",
    ...protocols.map((protocol) => `protocol.${protocol}.allow=always`),
    "credential.helper=",
    "core.hooksPath=/dev/null",
    "core.fsmonitor=false",
    "init.templateDir=",
    "submodule.recurse=false",
    "advice.detachedHead=false",
    // The workspace belongs to the sandbox user; git runs as the platform's.
    `safe.directory=${dir}`,
  ];
  return settings.flatMap((setting) => ["-c", setting]);
}

function gitEnvironment(home: string): Record<string, string> {
  return {
    PATH: "/usr/local/bin:/usr/bin:/bin",
    HOME: home,
    LANG: "C.UTF-8",
    GIT_TERMINAL_PROMPT: "0",
    GIT_CONFIG_NOSYSTEM: "1",
    GIT_CONFIG_GLOBAL: "/dev/null",
    GIT_ASKPASS: "/bin/false",
    SSH_ASKPASS: "/bin/false",
    GIT_SSH_COMMAND: "ssh -o BatchMode=yes",
  };
}

function lastLine(text: string): string {
  const lines = text
    .split("\n")
    .map((line) => line.trim())
    .filter(Boolean);
  return redactUrl(lines.at(-1) ?? "no output");
}
