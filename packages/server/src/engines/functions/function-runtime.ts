import { chmod, cp, mkdir, readdir, readFile, rm, stat } from "node:fs/promises";
import { Agent, request } from "node:http";
import { join } from "node:path";
import { freePort } from "../../platform/free-port.ts";
import { randomText } from "../../platform/ids.ts";
import type { Logger } from "../../platform/logger.ts";
import { answersTcp } from "../runtime/health-probe.ts";
import type { Sandbox, SandboxInstance, SandboxInstanceLimits, Workspace } from "../sandbox/sandbox.types.ts";
import { processTree } from "../sandbox/sandbox-process.ts";

/**
 * Serverless functions on this host: each instance is a long-lived Node process in its own
 * sandbox serving one invocation at a time. Cold starts take a pre-started blank instance from
 * a pool (the runtime already up, listening) and load the function's code into it; warm
 * invocations reuse an instance that has it loaded. A timed-out invocation kills its instance.
 */

/** The languages a function can be written in, and how their host process starts. */
export const functionRuntimes = {
  node: "exec node /host/node-host.mjs",
  python: "exec python3 -u /host/python-host.py",
} as const;
export type FunctionRuntimeName = keyof typeof functionRuntimes;

export type FunctionCode = {
  runtime: FunctionRuntimeName;
  /** Names the code and its settings: a function's version. Instances are reused per key. */
  key: string;
  /** Host directory with the function's files; copied into the instance on a cold start. */
  codeDir: string;
  /** Relative to codeDir: the module whose default export (or `handler`) takes a Request. */
  entry: string;
  env: Record<string, string>;
  limits: SandboxInstanceLimits;
  timeoutMs: number;
};

export type InvocationRequest = { method: string; path: string; headers: Record<string, string>; body?: Buffer };

export type InvocationOutcome = "ok" | "error" | "timeout" | "out_of_memory" | "crashed" | "load_failed";

export type InvocationResult = {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
  outcome: InvocationOutcome;
  isCold: boolean;
  /** Loading the code into the runtime (cold starts only). */
  initMs: number | null;
  durationMs: number;
  cpuMs: number | null;
  memoryBytes: number | null;
  /** What the instance printed during the invocation. */
  logs: string[];
};

type Instance = {
  id: string;
  port: number;
  sandbox: SandboxInstance;
  workspace: Workspace;
  slotDir: string;
  limits: SandboxInstanceLimits;
  runtime: FunctionRuntimeName;
  key: string | null;
  /** The runtime's own process (inside the sandbox's), found once: its /proc entry gives CPU and memory. */
  runtimePid: number | null;
  /** Lines printed go to the invocation in progress, if any. */
  lines: string[] | null;
  isFrozen: boolean;
  /** Freezes, then stops, the instance while it waits warm. */
  parkTimers: NodeJS.Timeout[];
  exited: boolean;
  isOutOfMemory: boolean;
};

export type FunctionRuntimeOptions = {
  sandbox: Sandbox;
  logger: Logger;
  /** Where instances' code slots live; must be traversable by the sandbox user. */
  slotsDir: string;
  /** Blank instances kept started, per runtime, for this memory profile. */
  pool: { size: number; limits: SandboxInstanceLimits; runtimes: FunctionRuntimeName[] };
  startTimeoutMs?: number;
  /** A warm instance with nothing to do is frozen (SIGSTOP) after this long: it uses no CPU. */
  freezeAfterMs?: number;
  /** …and stopped after this long: an idle function costs no memory. */
  idleStopMs?: number;
};

const hostsDir = join(import.meta.dirname, "hosts");
const codeMount = "/fn";
const hostMount = "/host";
const agent = new Agent({ keepAlive: true });

const sameLimits = (a: SandboxInstanceLimits, b: SandboxInstanceLimits) =>
  a.memoryMb === b.memoryMb && a.cpus === b.cpus && a.pids === b.pids;

export function createFunctionRuntime(options: FunctionRuntimeOptions) {
  const { sandbox, logger } = options;
  const blanks = new Map<FunctionRuntimeName, Instance[]>(options.pool.runtimes.map((name) => [name, []]));
  const warm = new Map<string, Instance[]>();
  const all = new Set<Instance>();
  let refilling: Promise<void> | null = null;
  let isStopped = false;

  async function startInstance(runtime: FunctionRuntimeName, limits: SandboxInstanceLimits): Promise<Instance> {
    const id = `fni_${randomText(10)}`;
    const slotDir = join(options.slotsDir, id);
    await mkdir(slotDir, { recursive: true, mode: 0o755 });
    await chmod(slotDir, 0o755);
    const workspace = await sandbox.createWorkspace(`fn-${id}`);
    const port = await freePort();
    const instance = {
      id,
      port,
      workspace,
      slotDir,
      limits,
      runtime,
      key: null,
      runtimePid: null,
      isFrozen: false,
      parkTimers: [],
      lines: null,
      exited: false,
      isOutOfMemory: false,
    } as Omit<Instance, "sandbox"> as Instance;
    instance.sandbox = await sandbox.start({
      command: functionRuntimes[runtime],
      cwd: workspace.dir,
      workdir: codeMount,
      extraReadOnlyBinds: [
        { source: slotDir, destination: codeMount },
        { source: hostsDir, destination: hostMount },
      ],
      env: { PORT: String(port), HOME: "/workspace", NODE_ENV: "production" },
      limits,
      onOutput: (stream, text) => {
        if (instance.lines) instance.lines.push(stream === "stderr" ? `[stderr] ${text}` : text);
      },
    });
    all.add(instance);
    void instance.sandbox.exited.then((exit) => {
      instance.exited = true;
      instance.isOutOfMemory = exit.isOutOfMemory;
      void forget(instance);
    });
    const deadline = Date.now() + (options.startTimeoutMs ?? 10_000);
    while (!(await answersTcp(port))) {
      if (instance.exited || Date.now() > deadline) {
        await forget(instance);
        throw new Error("the function runtime did not start");
      }
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const processName = runtime === "node" ? "node" : "python3";
    instance.runtimePid = (await processTree(instance.sandbox.pid)).find((p) => p.name === processName)?.pid ?? null;
    return instance;
  }

  /** Waiting warm: frozen after a moment, stopped after the idle time. */
  function park(instance: Instance) {
    const freeze = setTimeout(() => {
      if (instance.runtimePid === null || instance.exited) return;
      try {
        process.kill(instance.runtimePid, "SIGSTOP");
        instance.isFrozen = true;
      } catch {
        // Gone already.
      }
    }, options.freezeAfterMs ?? 2_000);
    const stop = setTimeout(() => void forget(instance), options.idleStopMs ?? 5 * 60_000);
    freeze.unref();
    stop.unref();
    instance.parkTimers = [freeze, stop];
  }

  function unpark(instance: Instance) {
    for (const timer of instance.parkTimers) clearTimeout(timer);
    instance.parkTimers = [];
    if (instance.isFrozen && instance.runtimePid !== null) {
      process.kill(instance.runtimePid, "SIGCONT");
      instance.isFrozen = false;
    }
  }

  async function forget(instance: Instance) {
    unpark(instance);
    all.delete(instance);
    const pool = blanks.get(instance.runtime) ?? [];
    const index = pool.indexOf(instance);
    if (index !== -1) pool.splice(index, 1);
    if (instance.key) {
      const list = warm.get(instance.key) ?? [];
      const at = list.indexOf(instance);
      if (at !== -1) list.splice(at, 1);
    }
    if (!instance.exited) await instance.sandbox.stop(0);
    await instance.workspace.remove().catch(() => undefined);
    await rm(instance.slotDir, { recursive: true, force: true });
  }

  function refill(): Promise<void> {
    refilling ??= (async () => {
      for (const [runtime, pool] of blanks) {
        while (!isStopped && pool.length < options.pool.size) {
          try {
            pool.push(await startInstance(runtime, options.pool.limits));
          } catch (error) {
            logger.warn({ err: error, runtime }, "functions: could not pre-start a runtime");
            break;
          }
        }
      }
    })().finally(() => {
      refilling = null;
    });
    return refilling;
  }

  /** A warm instance for the code, or a blank one made cold (pooled when the limits match). */
  async function instanceFor(code: FunctionCode): Promise<{ instance: Instance; initMs: number | null }> {
    const idle = warm.get(code.key)?.pop();
    if (idle) {
      unpark(idle);
      return { instance: idle, initMs: null };
    }
    const pooled = sameLimits(code.limits, options.pool.limits) ? blanks.get(code.runtime)?.shift() : undefined;
    // Refilled once this cold start is done: a runtime starting beside it would slow it down.
    setTimeout(() => void refill(), 50).unref();
    const instance = pooled ?? (await startInstance(code.runtime, code.limits));
    await cp(code.codeDir, instance.slotDir, { recursive: true });
    await makeReadable(instance.slotDir);
    const loaded = await call(
      instance,
      "POST",
      "/__slipway/load",
      {},
      Buffer.from(JSON.stringify({ entry: join(codeMount, code.entry) })),
      code.timeoutMs,
    );
    if (loaded.status !== 200) {
      await forget(instance);
      throw new LoadFailure(JSON.parse(loaded.body.toString() || "{}").error ?? `status ${loaded.status}`);
    }
    instance.key = code.key;
    return { instance, initMs: Number(JSON.parse(loaded.body.toString()).initMs) };
  }

  return {
    /** Starts the pool of blank instances (and waits for it). */
    start: () => refill(),

    async invoke(code: FunctionCode, req: InvocationRequest): Promise<InvocationResult> {
      const started = performance.now();
      const failure = (
        outcome: InvocationOutcome,
        status: number,
        message: string,
        extra: Partial<InvocationResult> = {},
      ) => ({
        status,
        headers: { "content-type": "text/plain; charset=utf-8" },
        body: Buffer.from(`${message}\n`),
        outcome,
        isCold: true,
        initMs: null,
        durationMs: performance.now() - started,
        cpuMs: null,
        memoryBytes: null,
        logs: [],
        ...extra,
      });
      let got: { instance: Instance; initMs: number | null };
      try {
        got = await instanceFor(code);
      } catch (error) {
        if (error instanceof LoadFailure)
          return failure("load_failed", 500, `The function could not be loaded: ${error.message}`);
        throw error;
      }
      const { instance, initMs } = got;
      const isCold = initMs !== null;
      const lines: string[] = [];
      instance.lines = lines;
      const before = await usageOf(instance);
      const invokeStarted = performance.now();
      try {
        const res = await call(instance, req.method, req.path, req.headers, req.body, code.timeoutMs);
        const after = await usageOf(instance);
        instance.lines = null;
        const list = warm.get(code.key) ?? [];
        warm.set(code.key, list);
        list.push(instance);
        park(instance);
        return {
          ...res,
          outcome: res.status >= 500 ? "error" : "ok",
          isCold,
          initMs,
          durationMs: performance.now() - invokeStarted,
          cpuMs: before && after ? after.cpuMs - before.cpuMs : null,
          memoryBytes: after?.memoryBytes ?? null,
          logs: lines,
        };
      } catch (error) {
        instance.lines = null;
        const isTimeout = error instanceof TimedOut;
        if (!isTimeout) await instance.sandbox.exited.catch(() => undefined);
        await forget(instance);
        const extra = { isCold, initMs, logs: lines };
        if (isTimeout) return failure("timeout", 504, `The function timed out after ${code.timeoutMs} ms.`, extra);
        if (instance.isOutOfMemory)
          return failure("out_of_memory", 502, `The function ran out of memory (${code.limits.memoryMb} MB).`, extra);
        return failure("crashed", 502, "The function's process ended during the invocation.", extra);
      }
    },

    /** The instances running now, as the host sees them. */
    instances: () =>
      [...all].map((i) => ({ id: i.id, runtime: i.runtime, key: i.key, hostPid: i.runtimePid, isFrozen: i.isFrozen })),

    /** Instances running now: blank, and warm per key. */
    counts: () => ({
      blank: [...blanks.values()].reduce((n, pool) => n + pool.length, 0),
      warm: [...warm.values()].reduce((n, list) => n + list.length, 0),
      all: all.size,
    }),

    async stop(): Promise<void> {
      isStopped = true;
      await refilling;
      await Promise.all([...all].map((instance) => forget(instance)));
    },
  };
}

export type FunctionRuntime = ReturnType<typeof createFunctionRuntime>;

class LoadFailure extends Error {}
class TimedOut extends Error {}

/** One request to an instance; rejects with TimedOut after timeoutMs, or with the socket's error. */
function call(
  instance: Instance,
  method: string,
  path: string,
  headers: Record<string, string>,
  body: Buffer | undefined,
  timeoutMs: number,
): Promise<{ status: number; headers: Record<string, string>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port: instance.port, method, path, headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => {
        clearTimeout(timer);
        const out: Record<string, string> = {};
        for (const [name, value] of Object.entries(res.headers)) if (value !== undefined) out[name] = String(value);
        resolve({ status: res.statusCode ?? 502, headers: out, body: Buffer.concat(chunks) });
      });
      res.on("error", reject);
    });
    const timer = setTimeout(() => {
      req.destroy();
      reject(new TimedOut());
    }, timeoutMs);
    req.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    req.end(body);
  });
}

/** CPU time and resident memory of the runtime process: two reads of its /proc entry. */
async function usageOf(instance: Instance): Promise<{ cpuMs: number; memoryBytes: number } | null> {
  if (instance.runtimePid === null) return null;
  const text = await readFile(`/proc/${instance.runtimePid}/stat`, "utf8").catch(() => "");
  const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
  if (fields.length < 22) return null;
  // utime, stime (fields 14, 15) in ticks of 10 ms; rss (field 24) in 4 KiB pages.
  return { cpuMs: (Number(fields[11]) + Number(fields[12])) * 10, memoryBytes: Number(fields[21]) * 4096 };
}

/** The sandbox user reads the code: files a+r, directories a+rx (only where they are not yet). */
async function makeReadable(dir: string): Promise<void> {
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    const path = join(entry.parentPath, entry.name);
    const want = entry.isDirectory() ? 0o555 : 0o444;
    const { mode } = await stat(path);
    if ((mode & want) !== want) await chmod(path, mode | want);
  }
}
