import type { BuildLimits, IsolationReport } from "../builder/builder.types.ts";
import type { ProcessUsage } from "./process-usage.ts";

export type SandboxBind = { source: string; destination: string };

export type SandboxRunOptions = {
  /** Run with /bin/sh -c inside the sandbox. */
  command: string;
  /** A workspace from createWorkspace(): bound read-write at /workspace, the only host directory the command can write. */
  cwd: string;
  /** Where in the workspace the command starts, relative to it; "" (default) for /workspace itself. */
  subdir?: string;
  /** The only variables the command sees, besides PATH, HOME, CI and LANG (which these may override). */
  env: Record<string, string>;
  /** Start in this absolute path inside the sandbox (a bind's destination) instead of /workspace/<subdir>. */
  workdir?: string;
  /** Host paths the command may read (a Node install outside /usr, an artifact); they must be traversable by the sandbox user. */
  extraReadOnlyBinds?: SandboxBind[];
  limits: BuildLimits;
  /** Aborting kills every process of the run at once. */
  signal: AbortSignal;
  /** One call per line of output, in order per stream. */
  onOutput(stream: "stdout" | "stderr", text: string): void;
};

export type SandboxResult = {
  /** The command's exit code; 128+n when a process inside died of signal n; null when the sandbox itself was killed. */
  exitCode: number | null;
  /** Set when the sandbox itself was killed (timeout, cancel). */
  signal: NodeJS.Signals | null;
  isTimedOut: boolean;
  /** The kernel killed a process of the run for exceeding the memory limit (cgroup only). */
  isOutOfMemory: boolean;
  /** A fork failed because the run had limits.pids processes already (cgroup only). */
  hasHitPidsLimit: boolean;
  isCanceled: boolean;
  durationMs: number;
};

/** What holds a long-running instance: no wall clock, it runs until stopped. */
export type SandboxInstanceLimits = Pick<BuildLimits, "memoryMb" | "cpus" | "pids">;

export type SandboxStartOptions = Omit<SandboxRunOptions, "limits" | "signal"> & { limits: SandboxInstanceLimits };

export type SandboxExit = {
  /** As in SandboxResult: 128+n when the command died of signal n; null when the sandbox itself was killed. */
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  isOutOfMemory: boolean;
};

/** A long-running sandboxed command (a server app). It shares the host's network namespace. */
export type SandboxInstance = {
  /** Host pid of the sandbox's outermost process; SIGKILL on it takes the whole instance down. */
  pid: number;
  /** CPU time and resident memory of its processes now. */
  usage(): Promise<ProcessUsage>;
  /** Settles once the command has exited, every process of it is gone and its cgroup is removed. */
  exited: Promise<SandboxExit>;
  /** SIGTERM to the command's main process, SIGKILL to the whole tree after graceMs; resolves once it is all gone. */
  stop(graceMs: number): Promise<void>;
};

export type Workspace = {
  /** Host path; pass it as `cwd` to run(). */
  dir: string;
  /** Hands what the platform wrote into the workspace (a clone, an extracted archive) to the sandbox user. */
  adopt(): Promise<void>;
  remove(): Promise<void>;
};

export type Sandbox = {
  /** What this machine gives; `limits` fills in the wall-clock figure. Probed once, then cached. */
  isolation(limits?: BuildLimits): Promise<IsolationReport>;
  run(options: SandboxRunOptions): Promise<SandboxResult>;
  /** Starts a long-running command; the caller must stop() it. */
  start(options: SandboxStartOptions): Promise<SandboxInstance>;
  /** A new private directory under workRoot; `label` only helps a human reading the disk. */
  createWorkspace(label: string): Promise<Workspace>;
};
