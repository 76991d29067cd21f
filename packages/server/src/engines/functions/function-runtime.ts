import { chmod, cp, lstat, mkdir, readdir, rm } from "node:fs/promises";
import { basename, join, posix } from "node:path";
import { functionRuntimeNames } from "@slipway/contracts";
import { freePort } from "../../platform/free-port.ts";
import { randomText } from "../../platform/ids.ts";
import type { Logger } from "../../platform/logger.ts";
import { answersTcp } from "../runtime/health-probe.ts";
import type { Sandbox, SandboxInstance, SandboxInstanceLimits, Workspace } from "../sandbox/sandbox.types.ts";
import { processTree } from "../sandbox/sandbox-process.ts";
import { callInstance, createUsageReader, TimedOut, type UsageReader } from "./instance-call.ts";
import { createInvocationLog, type InvocationLog, parseHostLine } from "./invocation-log.ts";
import { shellQuote } from "./packaging-steps.ts";

/**
 * Serverless functions on this host: each instance is a long-lived process in its own sandbox
 * serving up to its function's `concurrency` invocations at once. A cold start of a Node,
 * Python or Ruby function takes a pre-started blank instance from a pool (the runtime already
 * up, listening) and loads the function's code into it; a Go function is its own binary (the
 * host compiled in by the packager), started on the cold start. Warm invocations reuse an
 * instance that has the code loaded and a free slot. A timed-out invocation kills its instance.
 */

/** The languages a function can be written in: the API's list, each of which has a host below. */
export { functionRuntimeNames };
export type FunctionRuntimeName = (typeof functionRuntimeNames)[number];

const codeMount = "/fn";
const hostMount = "/host";

export type FunctionRuntimeHost = {
  /** Starts the host in the sandbox, where /host holds the hosts and /fn the function's code. */
  command(entry: string): string;
  /** The host process's name in /proc (its CPU and memory are the invocation's; it is what freezes). */
  processName(entry: string): string;
  /**
   * Starts before any function is known, to wait in the pool, and loads one later with
   * POST /__slipway/load. A Go host is compiled into the function: its binary is the instance.
   */
  isPreStartable: boolean;
};

/** The languages a function can be written in, and how their host process starts. */
export const functionRuntimes: Record<FunctionRuntimeName, FunctionRuntimeHost> = {
  node: { command: () => "exec node /host/node-host.mjs", processName: () => "node", isPreStartable: true },
  python: {
    command: () => "exec python3 -u /host/python-host.py",
    processName: () => "python3",
    isPreStartable: true,
  },
  ruby: { command: () => "exec ruby /host/ruby-host.rb", processName: () => "ruby", isPreStartable: true },
  go: {
    command: (entry) => `exec ${shellQuote(posix.join(codeMount, entry))}`,
    // The kernel keeps the first 15 bytes of a process's name.
    processName: (entry) => basename(entry).slice(0, 15),
    isPreStartable: false,
  },
};

export type FunctionCode = {
  runtime: FunctionRuntimeName;
  /** Names the code and its settings: a function's version. Instances are reused per key. */
  key: string;
  /** Host directory with the function's files (a packager's outDir); copied into the instance on a cold start. */
  codeDir: string;
  /** Relative to codeDir: the module whose default export (or `handler`) takes a Request; for Go, the binary. */
  entry: string;
  env: Record<string, string>;
  limits: SandboxInstanceLimits;
  timeoutMs: number;
  /** Invocations one instance serves at once (default 1); a warm instance with a free slot is used before a cold start. */
  concurrency?: number;
};

export type InvocationRequest = {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
  /** Sent to the function as the x-slipway-invocation header; its 500 page names it. Generated when absent. */
  invocationId?: string;
};

export type InvocationOutcome = "ok" | "error" | "timeout" | "out_of_memory" | "crashed" | "load_failed";

export type InvocationResult = {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
  outcome: InvocationOutcome;
  /** It waited for a cold start: its own, or one it joined for a free slot of the new instance. */
  isCold: boolean;
  /** Loading the code into the runtime, or for Go from start to listening (cold starts only). */
  initMs: number | null;
  durationMs: number;
  /** CPU of the instance over the invocation: shared with those overlapping it when concurrency > 1. */
  cpuMs: number | null;
  memoryBytes: number | null;
  /** What the instance printed for this invocation (capped, see invocation-log.ts). */
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
  /** Invocations it may serve at once, and serves now. */
  concurrency: number;
  inFlight: number;
  /** The runtime's own process (inside the sandbox's), found once: its /proc entry gives CPU and memory. */
  runtimePid: number | null;
  /** Reads the runtime process's /proc entry (open while the instance lives). */
  usage: UsageReader | null;
  /** Where its output goes: the invocations in flight (and a cold start's load), by invocation id. */
  logs: Map<string, InvocationLog>;
  /** The last lines it printed with no invocation in flight: why a runtime did not start. */
  strayLines: string[];
  isFrozen: boolean;
  /** Freezes, then stops, the instance while it waits warm. */
  parkTimers: NodeJS.Timeout[];
  exited: boolean;
  isOutOfMemory: boolean;
  /** The platform killed it: one of its invocations ran past the timeout. */
  hasTimedOut: boolean;
};

/** A cold start in progress: invocations of the same key join it while it has free slots. */
type ColdStart = { seats: number; concurrency: number; ready: Promise<{ instance: Instance; initMs: number }> };

export type FunctionRuntimeOptions = {
  sandbox: Sandbox;
  logger: Logger;
  /** Where instances' code slots live; must be traversable by the sandbox user. */
  slotsDir: string;
  /** Blank instances kept started, per runtime, for this memory profile (Go has none: its binary is the function). */
  pool: { size: number; limits: SandboxInstanceLimits; runtimes: FunctionRuntimeName[] };
  startTimeoutMs?: number;
  /** A warm instance with nothing to do is frozen (SIGSTOP) after this long: it uses no CPU. */
  freezeAfterMs?: number;
  /** …and stopped after this long: an idle function costs no memory. */
  idleStopMs?: number;
};

/** How long an answered invocation waits for the rest of its output (it travels on another pipe than the answer). */
const outputWaitMs = 1_000;
const strayLinesKept = 20;
const hostsDir = join(import.meta.dirname, "hosts");

const sameLimits = (a: SandboxInstanceLimits, b: SandboxInstanceLimits) =>
  a.memoryMb === b.memoryMb && a.cpus === b.cpus && a.pids === b.pids;

export function createFunctionRuntime(options: FunctionRuntimeOptions) {
  const { sandbox, logger } = options;
  const blanks = new Map<FunctionRuntimeName, Instance[]>(
    options.pool.runtimes.filter((name) => functionRuntimes[name].isPreStartable).map((name) => [name, []]),
  );
  const warm = new Map<string, Instance[]>();
  const starting = new Map<string, ColdStart[]>();
  const all = new Set<Instance>();
  let refilling: Promise<void> | null = null;
  let isStopped = false;

  /** Starts a host; `cold` is the function itself for a runtime that cannot start blank (Go). */
  async function startInstance(
    runtime: FunctionRuntimeName,
    limits: SandboxInstanceLimits,
    cold?: { code: FunctionCode; log: InvocationLog },
  ): Promise<Instance> {
    const id = `fni_${randomText(10)}`;
    const slotDir = join(options.slotsDir, id);
    await mkdir(slotDir, { recursive: true, mode: 0o755 });
    await chmod(slotDir, 0o755);
    if (cold) await copyCode(cold.code.codeDir, slotDir);
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
      concurrency: 1,
      inFlight: 0,
      runtimePid: null,
      usage: null,
      logs: new Map(cold ? [[cold.log.id, cold.log]] : []),
      strayLines: [],
      isFrozen: false,
      parkTimers: [],
      exited: false,
      isOutOfMemory: false,
      hasTimedOut: false,
    } as Omit<Instance, "sandbox"> as Instance;
    const host = functionRuntimes[runtime];
    const entry = cold?.code.entry ?? "";
    instance.sandbox = await sandbox.start({
      command: host.command(entry),
      cwd: workspace.dir,
      workdir: codeMount,
      extraReadOnlyBinds: [
        { source: slotDir, destination: codeMount },
        { source: hostsDir, destination: hostMount },
      ],
      env: { ...cold?.code.env, PORT: String(port), HOME: "/workspace", NODE_ENV: "production" },
      limits,
      onOutput: (stream, text) => route(instance, stream, text),
    });
    all.add(instance);
    void instance.sandbox.exited.then((exit) => {
      instance.exited = true;
      instance.isOutOfMemory = exit.isOutOfMemory;
      void forget(instance);
    });
    const startTimeoutMs = options.startTimeoutMs ?? 10_000;
    const deadline = Date.now() + startTimeoutMs;
    while (!(await answersTcp(port))) {
      if (instance.exited || Date.now() > deadline) {
        await forget(instance);
        const what = host.isPreStartable ? `the ${runtime} runtime` : "the function's binary";
        const why = instance.exited ? "exited at start" : `did not listen on its port within ${startTimeoutMs} ms`;
        throw new StartFailure(`${what} ${why}`, instance.strayLines);
      }
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const name = host.processName(entry);
    instance.runtimePid = (await processTree(instance.sandbox.pid)).find((p) => p.name === name)?.pid ?? null;
    if (instance.runtimePid !== null && !instance.exited) instance.usage = createUsageReader(instance.runtimePid);
    return instance;
  }

  /** A line the instance printed, to the invocation it names, or to every one in flight when it names none. */
  function route(instance: Instance, stream: "stdout" | "stderr", text: string) {
    const line = parseHostLine(text);
    if (line.kind === "untagged") {
      for (const log of instance.logs.values()) log.push(stream, line.text);
      if (instance.logs.size === 0) {
        instance.strayLines.push(line.text);
        if (instance.strayLines.length > strayLinesKept) instance.strayLines.shift();
      }
      return;
    }
    // A line for an invocation that is over (a timer it left running) is dropped: in the log
    // of whichever invocation runs now it would mislead.
    const log = instance.logs.get(line.invocationId);
    if (line.kind === "end") log?.markEnded(stream);
    else log?.push(stream, line.text);
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
    instance.usage?.close();
    all.delete(instance);
    const pool = blanks.get(instance.runtime) ?? [];
    const index = pool.indexOf(instance);
    if (index !== -1) pool.splice(index, 1);
    if (instance.key) removeFrom(warm, instance.key, instance);
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

  /** A seat on an instance with the code loaded: a warm one with a free slot, a cold start's, or a new cold start. */
  async function acquire(code: FunctionCode, log: InvocationLog) {
    // One already busy first, then the most recently used idle one (idle ones are kept in the
    // order they went idle): the others stay frozen, and stop.
    const list = warm.get(code.key) ?? [];
    const free =
      list.find((instance) => instance.inFlight > 0 && instance.inFlight < instance.concurrency) ??
      list.findLast((instance) => instance.inFlight === 0);
    if (free) {
      if (free.inFlight === 0) unpark(free);
      free.inFlight += 1;
      return { instance: free, initMs: null, isCold: false };
    }
    const joinable = starting.get(code.key)?.find((start) => start.seats < start.concurrency);
    if (joinable) {
      joinable.seats += 1;
      return { ...(await joinable.ready), isCold: true };
    }
    // `ready` is set right below, before anything can join.
    const start = { seats: 1, concurrency: Math.max(1, Math.floor(code.concurrency ?? 1)) } as ColdStart;
    start.ready = (async () => {
      try {
        const cold = await coldStart(code, log);
        // In the same step as leaving `starting`: no invocation can take a seat twice.
        cold.instance.key = code.key;
        cold.instance.concurrency = start.concurrency;
        cold.instance.inFlight = start.seats;
        warm.set(code.key, [...(warm.get(code.key) ?? []), cold.instance]);
        return cold;
      } finally {
        removeFrom(starting, code.key, start);
      }
    })();
    starting.set(code.key, [...(starting.get(code.key) ?? []), start]);
    return { ...(await start.ready), isCold: true };
  }

  /** A new instance with the code loaded: a blank one from the pool when the limits match, or Go's binary started. */
  async function coldStart(code: FunctionCode, log: InvocationLog): Promise<{ instance: Instance; initMs: number }> {
    if (!functionRuntimes[code.runtime].isPreStartable) {
      const started = performance.now();
      const instance = await startInstance(code.runtime, code.limits, { code, log });
      return { instance, initMs: performance.now() - started };
    }
    const pooled = sameLimits(code.limits, options.pool.limits) ? blanks.get(code.runtime)?.shift() : undefined;
    // Refilled once this cold start is done: a runtime starting beside it would slow it down.
    setTimeout(() => void refill(), 50).unref();
    const instance = pooled ?? (await startInstance(code.runtime, code.limits));
    instance.logs.set(log.id, log);
    await copyCode(code.codeDir, instance.slotDir);
    const body = Buffer.from(JSON.stringify({ entry: join(codeMount, code.entry), env: code.env }));
    const loaded = await callInstance(
      instance,
      "POST",
      "/__slipway/load",
      { "x-slipway-invocation": log.id },
      body,
      code.timeoutMs,
    )
      .then(async (res) => {
        await log.drained(outputWaitMs);
        return res;
      })
      .catch(async (error: unknown) => {
        if (!(error instanceof TimedOut)) await settled(instance);
        await forget(instance);
        if (error instanceof TimedOut) throw new LoadFailure(`loading the code took longer than ${code.timeoutMs} ms`);
        if (instance.isOutOfMemory)
          throw new LoadFailure(`loading the code ran out of memory (${code.limits.memoryMb} MB)`);
        throw new LoadFailure("the runtime ended while loading the code");
      });
    instance.logs.delete(log.id);
    if (loaded.status !== 200) {
      await forget(instance);
      throw new LoadFailure(JSON.parse(loaded.body.toString() || "{}").error ?? `status ${loaded.status}`);
    }
    return { instance, initMs: Number(JSON.parse(loaded.body.toString()).initMs) };
  }

  /** The invocation is done with its seat: an instance with none taken waits warm. */
  function release(instance: Instance, invocationId: string) {
    instance.logs.delete(invocationId);
    instance.inFlight -= 1;
    if (instance.inFlight > 0 || !all.has(instance) || !instance.key) return;
    removeFrom(warm, instance.key, instance);
    warm.set(instance.key, [...(warm.get(instance.key) ?? []), instance]);
    park(instance);
  }

  return {
    /** Starts the pool of blank instances (and waits for it). */
    start: () => refill(),

    async invoke(code: FunctionCode, req: InvocationRequest): Promise<InvocationResult> {
      const started = performance.now();
      const invocationId = req.invocationId ?? req.headers["x-slipway-invocation"] ?? `inv_${randomText(16)}`;
      const log = createInvocationLog(invocationId);
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
        logs: log.lines(),
        ...extra,
      });
      let acquired: Awaited<ReturnType<typeof acquire>>;
      try {
        acquired = await acquire(code, log);
      } catch (error) {
        // A runtime that does not start is a load failure too: for Go, it is the function's own binary.
        if (error instanceof LoadFailure || error instanceof StartFailure)
          return failure("load_failed", 500, `The function could not be loaded: ${error.message}`);
        throw error;
      }
      const { instance, initMs, isCold } = acquired;
      instance.logs.set(invocationId, log);
      const before = instance.usage?.read() ?? null;
      const invokeStarted = performance.now();
      const headers = { ...req.headers, "x-slipway-invocation": invocationId };
      try {
        const { printed, ...res } = await callInstance(
          instance,
          req.method,
          req.path,
          headers,
          req.body,
          code.timeoutMs,
        );
        await log.drained(outputWaitMs, printed);
        const after = instance.usage?.read() ?? null;
        release(instance, invocationId);
        return {
          ...res,
          outcome: res.status >= 500 ? "error" : "ok",
          isCold,
          initMs,
          durationMs: performance.now() - invokeStarted,
          cpuMs: before && after ? after.cpuMs - before.cpuMs : null,
          memoryBytes: after?.memoryBytes ?? null,
          logs: log.lines(),
        };
      } catch (error) {
        instance.logs.delete(invocationId);
        const isTimeout = error instanceof TimedOut;
        // Whoever else is on the instance learns why it went down.
        if (isTimeout) instance.hasTimedOut = true;
        else await settled(instance);
        await forget(instance);
        const extra = { isCold, initMs, logs: log.lines() };
        if (isTimeout) return failure("timeout", 504, `The function timed out after ${code.timeoutMs} ms.`, extra);
        if (instance.isOutOfMemory)
          return failure("out_of_memory", 502, `The function ran out of memory (${code.limits.memoryMb} MB).`, extra);
        if (instance.hasTimedOut) {
          const message = "The function's instance was stopped: another invocation on it ran past its timeout.";
          return failure("crashed", 502, message, extra);
        }
        return failure("crashed", 502, "The function's process ended during the invocation.", extra);
      }
    },

    /** The instances running now, as the host sees them. */
    instances: () =>
      [...all].map((i) => ({
        id: i.id,
        runtime: i.runtime,
        key: i.key,
        hostPid: i.runtimePid,
        isFrozen: i.isFrozen,
        inFlight: i.inFlight,
        concurrency: i.concurrency,
      })),

    /** Instances running now: blank, and warm per key. */
    counts: () => ({
      blank: [...blanks.values()].reduce((n, pool) => n + pool.length, 0),
      warm: [...warm.values()].reduce((n, list) => n + list.length, 0),
      all: all.size,
    }),

    /** Stops the idle instances whose key matches (a deleted function's); busy ones finish, then idle out. */
    async evict(matches: (key: string) => boolean): Promise<void> {
      const idle = [...all].filter((i) => i.key !== null && matches(i.key) && i.inFlight === 0);
      await Promise.all(idle.map((instance) => forget(instance)));
    },

    async stop(): Promise<void> {
      isStopped = true;
      await refilling;
      await Promise.all([...all].map((instance) => forget(instance)));
    },
  };
}

export type FunctionRuntime = ReturnType<typeof createFunctionRuntime>;

class LoadFailure extends Error {}
class StartFailure extends Error {
  constructor(message: string, lastLines: string[]) {
    super(lastLines.length > 0 ? `${message}: ${lastLines.slice(-5).join("\n")}` : message);
  }
}

/** Waits (a while) for an instance whose connection broke to be gone, so that its exit says why. */
async function settled(instance: Instance) {
  let timer: NodeJS.Timeout | undefined;
  const waited = new Promise((resolve) => {
    timer = setTimeout(resolve, 5_000);
  });
  await Promise.race([instance.sandbox.exited.catch(() => undefined), waited]);
  clearTimeout(timer);
}

function removeFrom<T>(lists: Map<string, T[]>, key: string, item: T) {
  const list = lists.get(key);
  const index = list?.indexOf(item) ?? -1;
  if (index !== -1) list?.splice(index, 1);
  if (list?.length === 0) lists.delete(key);
}

/**
 * The function's files into an instance's slot, readable by the sandbox user: files a+r,
 * directories a+rx. Symbolic links are copied as links and never followed here: one pointing
 * at a host file must not get that file's mode changed (inside the sandbox it points nowhere).
 */
async function copyCode(codeDir: string, slotDir: string): Promise<void> {
  await cp(codeDir, slotDir, { recursive: true, verbatimSymlinks: true });
  for (const entry of await readdir(slotDir, { recursive: true, withFileTypes: true })) {
    if (entry.isSymbolicLink()) continue;
    const path = join(entry.parentPath, entry.name);
    const want = entry.isDirectory() ? 0o555 : 0o444;
    const { mode } = await lstat(path);
    if ((mode & want) !== want) await chmod(path, mode | want);
  }
}
