import { setTimeout as sleep } from "node:timers/promises";
import type { Logger } from "../../platform/logger.ts";
import type { ProcessUsage } from "../sandbox/process-usage.ts";
import type {
  Sandbox,
  SandboxBind,
  SandboxExit,
  SandboxInstance,
  SandboxInstanceLimits,
} from "../sandbox/sandbox.types.ts";
import { answersHttp, answersTcp } from "./health-probe.ts";

export type SupervisorState = "starting" | "healthy" | "restarting" | "crash-loop" | "stopped";

export type SupervisorOptions = {
  sandbox: Sandbox;
  logger: Logger;
  /** Delay before restart n (from 1): initialMs·2^(n-1), at most maxMs. Default 1 s … 30 s. */
  backoff?: { initialMs: number; maxMs: number };
  /** This many unexpected exits within windowMs: crash loop, no more restarts. Default 5 in 60 s. */
  crashLoop?: { exits: number; windowMs: number };
  /** How long an instance has to answer on its port. Default 60 s. */
  readyTimeoutMs?: number;
  pollIntervalMs?: number;
};

export type SuperviseOptions = {
  /** Names the app in logs. */
  id: string;
  command: string;
  /** A workspace directory (see Sandbox.createWorkspace). */
  cwd: string;
  subdir?: string;
  /** Start here inside the sandbox (a bind destination) instead of the workspace. */
  workdir?: string;
  extraReadOnlyBinds?: SandboxBind[];
  /** PORT is added: the app must listen on it, on 127.0.0.1. */
  env: Record<string, string>;
  port: number;
  limits: SandboxInstanceLimits;
  /** Readiness by `GET healthPath` answering 2xx/3xx; without it, by the port accepting a connection. */
  healthPath?: string;
  onOutput(stream: "stdout" | "stderr", text: string): void;
  onState(state: SupervisorState, reason?: string): void;
};

export type SupervisedApp = {
  /** Resolves the first time the app answers; rejects if it exits first, the deadline passes or it is stopped. */
  ready(): Promise<void>;
  state(): SupervisorState;
  /** Host pid of the current instance; null between instances. */
  pid(): number | null;
  /** CPU time and memory of the current instance; null between instances. */
  usage(): Promise<ProcessUsage | null>;
  /** No more restarts; SIGTERM, then SIGKILL to everything after graceMs. */
  stop(graceMs: number): Promise<void>;
};

export type Supervisor = { supervise(options: SuperviseOptions): SupervisedApp };

const keptOutputLines = 20;

export function createSupervisor(options: SupervisorOptions): Supervisor {
  const { sandbox, logger } = options;
  const backoff = options.backoff ?? { initialMs: 1_000, maxMs: 30_000 };
  const crashLoop = options.crashLoop ?? { exits: 5, windowMs: 60_000 };
  const readyTimeoutMs = options.readyTimeoutMs ?? 60_000;
  const pollIntervalMs = options.pollIntervalMs ?? 200;

  return {
    supervise(app) {
      let state: SupervisorState = "starting";
      let instance: SandboxInstance | null = null;
      let pendingStart: Promise<unknown> | null = null;
      let isStopping = false;
      let restarts = 0;
      let exitTimes: number[] = [];
      const lastLines: string[] = [];
      const wakeStop = new AbortController();

      let settleReady: { resolve(): void; reject(error: Error): void } | null = null;
      const readyPromise = new Promise<void>((resolve, reject) => {
        settleReady = { resolve, reject };
      });
      // A caller that never asks for ready() must not see an unhandled rejection.
      readyPromise.catch(() => undefined);
      const resolveReady = () => {
        settleReady?.resolve();
        settleReady = null;
      };
      const rejectReady = (message: string) => {
        settleReady?.reject(new Error(withOutput(`${app.id}: ${message}`)));
        settleReady = null;
      };
      const withOutput = (message: string) =>
        lastLines.length > 0 ? `${message}\nlast output:\n${lastLines.join("\n")}` : `${message} (no output)`;
      const setState = (next: SupervisorState, reason?: string) => {
        if (state === next && reason === undefined) return;
        state = next;
        logger.info({ app: app.id, state: next, reason }, "supervisor: app state");
        app.onState(next, reason);
      };
      const probe = () => (app.healthPath ? answersHttp(app.port, app.healthPath) : answersTcp(app.port));
      const what = app.healthPath ? `GET ${app.healthPath} on port ${app.port}` : `port ${app.port}`;

      /** Polls until the instance answers (true), exits or the deadline passes (false). */
      const awaitHealthy = async (current: SandboxInstance, hasExited: () => boolean) => {
        const deadline = Date.now() + readyTimeoutMs;
        // Often at first (a woken app has a request waiting), then less: 5 ms growing to the interval.
        let interval = Math.min(5, pollIntervalMs);
        while (!hasExited() && !isStopping && instance === current) {
          if (await probe()) return !hasExited() && instance === current;
          if (Date.now() > deadline) {
            rejectReady(`did not answer on ${what} within ${Math.round(readyTimeoutMs / 1000)} s`);
            logger.warn({ app: app.id, port: app.port }, "supervisor: app does not answer on its port");
            return false;
          }
          await sleep(interval);
          interval = Math.min(pollIntervalMs, interval * 1.5);
        }
        return false;
      };

      const launch = async () => {
        let current: SandboxInstance;
        try {
          const starting = sandbox.start({
            command: app.command,
            cwd: app.cwd,
            subdir: app.subdir,
            workdir: app.workdir,
            extraReadOnlyBinds: app.extraReadOnlyBinds,
            env: { ...app.env, PORT: String(app.port) },
            limits: app.limits,
            onOutput(stream, text) {
              lastLines.push(text);
              if (lastLines.length > keptOutputLines) lastLines.shift();
              app.onOutput(stream, text);
            },
          });
          pendingStart = starting.catch(() => undefined);
          current = await starting;
        } catch (error) {
          const message = `could not start: ${(error as Error).message}`;
          rejectReady(message);
          setState("stopped", message);
          return;
        }
        instance = current;
        // stop() came while the instance was being started: it waits for this one to go.
        if (isStopping) return;
        let hasExited = false;
        void current.exited.then(
          (exit) => {
            hasExited = true;
            void onExit(current, exit);
          },
          (error: Error) => {
            hasExited = true;
            void onExit(current, { exitCode: null, signal: null, isOutOfMemory: false }, error);
          },
        );
        if (await awaitHealthy(current, () => hasExited)) {
          restarts = 0;
          setState("healthy");
          resolveReady();
        }
      };

      const onExit = async (current: SandboxInstance, exit: SandboxExit, error?: Error) => {
        if (instance === current) instance = null;
        if (isStopping) return;
        const how = error
          ? `failed: ${error.message}`
          : exit.isOutOfMemory
            ? `was killed for exceeding ${app.limits.memoryMb} MB of memory`
            : exit.signal
              ? `was killed by ${exit.signal}`
              : `exited with code ${exit.exitCode}`;
        rejectReady(`${how} before answering on ${what}`);
        const now = Date.now();
        exitTimes = [...exitTimes.filter((time) => now - time < crashLoop.windowMs), now];
        if (exitTimes.length >= crashLoop.exits) {
          setState("crash-loop", withOutput(`${how}; ${exitTimes.length} exits within ${crashLoop.windowMs / 1000} s`));
          return;
        }
        restarts += 1;
        const delayMs = Math.min(backoff.initialMs * 2 ** (restarts - 1), backoff.maxMs);
        setState("restarting", `${how}; restarting in ${delayMs} ms`);
        await sleep(delayMs, undefined, { signal: wakeStop.signal }).catch(() => undefined);
        if (!isStopping) await launch();
      };

      void launch();

      return {
        ready: () => readyPromise,
        state: () => state,
        pid: () => instance?.pid ?? null,
        usage: async () => (instance ? instance.usage().catch(() => null) : null),
        async stop(graceMs) {
          isStopping = true;
          wakeStop.abort();
          rejectReady("stopped before it was ready");
          await pendingStart;
          const current = instance;
          await current?.stop(graceMs);
          if (state !== "stopped") setState("stopped");
        },
      };
    },
  };
}
