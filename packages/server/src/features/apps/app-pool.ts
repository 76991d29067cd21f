import { EventEmitter } from "node:events";
import type { AppState, Instance, InstanceState, RuntimeSettings } from "@slipway/contracts";
import type { AppUpstream, AppUpstreams } from "../../edge/route-table.ts";
import { createSupervisor, type SupervisedApp } from "../../engines/runtime/supervisor.ts";
import type { Sandbox, Workspace } from "../../engines/sandbox/sandbox.types.ts";
import { freePort } from "../../platform/free-port.ts";
import { newId } from "../../platform/ids.ts";
import type { Logger } from "../../platform/logger.ts";
import type { RuntimeLogWriter } from "./runtime-logs.ts";

/** What an app deployment runs: fixed when it was deployed. */
export type AppSpec = {
  deploymentId: string;
  projectId: string;
  /** The artifact, mounted read-only at /app, where the command starts. */
  artifactDir: string;
  startCommand: string;
  env: Record<string, string>;
};

export type AppPoolDeps = {
  sandbox: Sandbox;
  logger: Logger;
  log: RuntimeLogWriter;
  /** The project's runtime settings now: a change applies to the next start and scaling step. */
  settings(): RuntimeSettings;
  /** Supervisor timing, shortened by tests. */
  backoff?: { initialMs: number; maxMs: number };
};

type Member = {
  id: string;
  port: number;
  app: SupervisedApp;
  workspace: Workspace;
  startedAt: Date;
  state: InstanceState;
  reason: string | null;
  restarts: number;
  inflight: number;
  cpuPercent: number | null;
  memoryBytes: number | null;
  lastCpu: { ms: number; at: number; pid: number | null } | null;
};

const appMount = "/app";

/**
 * The instances of one app deployment: starts and stops them, lends them to the edge one
 * request at a time (least busy first), and wakes the app when a request finds none running.
 */
export class AppPool implements AppUpstreams {
  readonly spec: AppSpec;
  readonly #deps: AppPoolDeps;
  readonly #members = new Map<string, Member>();
  readonly #changes = new EventEmitter();
  #desired = 0;
  #waiting = 0;
  #crashReason: string | null = null;
  #lastActivityAt = Date.now();
  #isClosed = false;

  constructor(spec: AppSpec, deps: AppPoolDeps) {
    this.spec = spec;
    this.#deps = deps;
    this.#changes.setMaxListeners(0);
  }

  get desired(): number {
    return this.#desired;
  }

  get lastActivityAt(): number {
    return this.#lastActivityAt;
  }

  /** Requests being answered by any instance now. */
  get inflight(): number {
    let total = 0;
    for (const member of this.#members.values()) total += member.inflight;
    return total;
  }

  /** Instances that take requests. */
  healthy(): number {
    let n = 0;
    for (const member of this.#members.values()) if (member.state === "healthy") n += 1;
    return n;
  }

  state(): { state: AppState; reason: string | null } {
    if (this.#crashReason) return { state: "unhealthy", reason: this.#crashReason };
    const members = [...this.#members.values()];
    if (members.some((m) => m.state === "healthy")) return { state: "running", reason: null };
    if (members.some((m) => m.state === "starting" || m.state === "restarting"))
      return { state: "starting", reason: null };
    return { state: this.#desired === 0 ? "idle" : "stopped", reason: null };
  }

  instances(): Instance[] {
    const now = Date.now();
    return [...this.#members.values()].map((m) => ({
      id: m.id,
      deploymentId: this.spec.deploymentId,
      state: m.state,
      reason: m.reason,
      port: m.port,
      pid: m.app.pid(),
      startedAt: m.startedAt.toISOString(),
      uptimeSeconds: Math.floor((now - m.startedAt.getTime()) / 1000),
      restarts: m.restarts,
      inflight: m.inflight,
      cpuPercent: m.cpuPercent,
      memoryBytes: m.memoryBytes,
    }));
  }

  tryAcquire(exclude?: string): AppUpstream | null {
    this.#lastActivityAt = Date.now();
    const picked = this.#pick(exclude === undefined ? undefined : new Set([exclude]));
    return picked ? this.#lend(picked) : null;
  }

  async acquire(exclude?: ReadonlySet<string>): Promise<AppUpstream> {
    this.#lastActivityAt = Date.now();
    const picked = this.#pick(exclude);
    if (picked) return this.#lend(picked);
    // A retry after a failure: another instance now, or none (waking one would send the same request to it).
    if (exclude && exclude.size > 0) throw new Error("no other instance to retry on");
    if (this.#crashReason) throw new Error(this.#crashReason);
    const deadline = Date.now() + this.#deps.settings().healthCheckTimeoutSeconds * 1000;
    // A waiting request keeps the app from idling out under it.
    this.#waiting += 1;
    try {
      for (;;) {
        // Scaled to zero (or every instance restarting, or stopped while this waited): wake it.
        if (this.#desired === 0 || this.#starting() + this.healthy() === 0) this.scaleTo(Math.max(1, this.#desired));
        const remaining = deadline - Date.now();
        if (remaining <= 0) throw new Error("no instance became healthy in time");
        await this.#next("change", Math.min(remaining, 1000));
        const member = this.#pick(exclude);
        if (member) return this.#lend(member);
        if (this.#crashReason) throw new Error(this.#crashReason);
        if (this.#isClosed) throw new Error("the deployment was removed");
      }
    } finally {
      this.#waiting -= 1;
    }
  }

  /** Requests waiting for an instance to start. */
  get waiting(): number {
    return this.#waiting;
  }

  /** Runs exactly n instances: starts the missing ones, drains and stops the extra ones. */
  scaleTo(n: number): void {
    if (this.#isClosed) return;
    this.#desired = n;
    const live = [...this.#members.values()].filter((m) => m.state !== "stopping" && m.state !== "stopped");
    if (live.length < n) {
      // A crash loop is not retried by scaling; a new start (deploy, restart) clears it.
      this.#crashReason = null;
      for (let i = live.length; i < n; i++) void this.#start();
    } else if (live.length > n) {
      const extra = live.sort((a, b) => a.inflight - b.inflight || b.startedAt.getTime() - a.startedAt.getTime());
      for (const member of extra.slice(0, live.length - n)) void this.#retire(member);
    }
    if (n > 0) this.#lastActivityAt = Date.now();
    this.#changed();
  }

  /** Resolves once n instances answer their health check; rejects with the first failure (and its output). */
  async whenReady(): Promise<void> {
    const starting = [...this.#members.values()].filter((m) => m.state !== "stopping" && m.state !== "stopped");
    await Promise.all(starting.map((m) => m.app.ready()));
  }

  /** Replaces every instance, one after the other: a new one is healthy before an old one goes. */
  async restart(): Promise<void> {
    const old = [...this.#members.values()].filter((m) => m.state !== "stopping" && m.state !== "stopped");
    this.#crashReason = null;
    for (const member of old) {
      const fresh = this.#start();
      try {
        await fresh.app.ready();
      } catch (error) {
        // The replacement does not come up: keep the running one, say why.
        await this.#retire(fresh);
        throw error;
      }
      await this.#retire(member);
    }
  }

  /** Stops everything; the pool takes no more requests. */
  async close(): Promise<void> {
    this.#isClosed = true;
    this.#desired = 0;
    await Promise.all([...this.#members.values()].map((m) => this.#retire(m)));
    this.#changed();
  }

  /** Samples CPU and memory of every instance (for the instance view and CPU autoscaling). */
  async sample(): Promise<void> {
    const now = Date.now();
    await Promise.all(
      [...this.#members.values()].map(async (m) => {
        const usage = await m.app.usage();
        if (!usage) return;
        m.memoryBytes = usage.memoryBytes;
        // A restarted instance is a new process: its CPU time starts again from zero.
        const pid = m.app.pid();
        if (m.lastCpu && m.lastCpu.pid !== pid) m.lastCpu = null;
        if (m.lastCpu && now > m.lastCpu.at)
          m.cpuPercent = Math.round(((usage.cpuMs - m.lastCpu.ms) / (now - m.lastCpu.at)) * 1000) / 10;
        m.lastCpu = { ms: usage.cpuMs, at: now, pid };
      }),
    );
  }

  /** Mean CPU percent of the healthy instances; null before a sample. */
  meanCpu(): number | null {
    const values = [...this.#members.values()]
      .filter((m) => m.state === "healthy" && m.cpuPercent !== null)
      .map((m) => m.cpuPercent ?? 0);
    return values.length === 0 ? null : values.reduce((a, b) => a + b, 0) / values.length;
  }

  #pick(exclude?: ReadonlySet<string>): Member | null {
    let best: Member | null = null;
    for (const member of this.#members.values()) {
      if (member.state !== "healthy" || exclude?.has(member.id)) continue;
      if (!best || member.inflight < best.inflight) best = member;
    }
    return best;
  }

  #lend(member: Member): AppUpstream {
    member.inflight += 1;
    let isReleased = false;
    return {
      instanceId: member.id,
      port: member.port,
      release: () => {
        if (isReleased) return;
        isReleased = true;
        member.inflight -= 1;
        this.#lastActivityAt = Date.now();
        if (member.inflight === 0) this.#changes.emit("idle", member.id);
      },
    };
  }

  #starting(): number {
    let n = 0;
    for (const m of this.#members.values()) if (m.state === "starting" || m.state === "restarting") n += 1;
    return n;
  }

  #changed(): void {
    this.#changes.emit("change");
  }

  /** Resolves at the next event (or after timeoutMs), leaving no listener behind. */
  #next(event: "change" | "idle", timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.#changes.off(event, done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      this.#changes.once(event, done);
    });
  }

  #start(): Member {
    const settings = this.#deps.settings();
    const id = newId("ins");
    const member: Member = {
      id,
      port: 0,
      app: placeholderApp,
      workspace: placeholderWorkspace,
      startedAt: new Date(),
      state: "starting",
      reason: null,
      restarts: 0,
      inflight: 0,
      cpuPercent: null,
      memoryBytes: null,
      lastCpu: null,
    };
    this.#members.set(id, member);
    const log = this.#deps.log;
    const deferred = deferredApp();
    member.app = deferred.app;
    void (async () => {
      try {
        member.port = await freePort();
        member.workspace = await this.#deps.sandbox.createWorkspace(`app-${this.spec.deploymentId}`);
      } catch (error) {
        deferred.fail(new Error(`could not prepare the instance: ${(error as Error).message}`));
        this.#members.delete(id);
        await member.workspace.remove().catch(() => undefined);
        this.#changed();
        return;
      }
      log.write(id, "system", `Starting instance ${id} on port ${member.port}: ${this.spec.startCommand}`);
      const supervisor = createSupervisor({
        sandbox: this.#deps.sandbox,
        logger: this.#deps.logger,
        readyTimeoutMs: settings.healthCheckTimeoutSeconds * 1000,
        ...(this.#deps.backoff ? { backoff: this.#deps.backoff } : {}),
      });
      const app = supervisor.supervise({
        id,
        command: this.spec.startCommand,
        cwd: member.workspace.dir,
        workdir: appMount,
        extraReadOnlyBinds: [{ source: this.spec.artifactDir, destination: appMount }],
        env: { ...this.spec.env, HOME: "/workspace", TMPDIR: "/tmp", HOST: "127.0.0.1" },
        port: member.port,
        limits: { memoryMb: settings.memoryMb, cpus: settings.cpus, pids: settings.pids },
        healthPath: settings.healthCheckPath ?? undefined,
        onOutput: (stream, text) => log.write(id, stream, text),
        onState: (state, reason) => {
          if (member.state === "stopping" || member.state === "stopped") return;
          if (state === "restarting") member.restarts += 1;
          member.state = state;
          member.reason = reason ?? null;
          if (state === "healthy") log.write(id, "system", `Instance ${id} is healthy`);
          else if (reason) log.write(id, "system", `Instance ${id}: ${state}: ${reason}`);
          if (state === "crash-loop") {
            this.#crashReason = `crash loop: ${reason ?? "the app keeps exiting"}`;
            this.#deps.logger.warn({ deployment: this.spec.deploymentId, reason }, "app: crash loop");
          }
          this.#changed();
        },
      });
      deferred.resolve(app);
    })();
    return member;
  }

  async #retire(member: Member): Promise<void> {
    if (member.state === "stopping" || member.state === "stopped") return;
    member.state = "stopping";
    this.#changed();
    const graceMs = this.#deps.settings().shutdownGraceSeconds * 1000;
    // Requests already lent to it finish first (up to the grace period), then SIGTERM.
    const deadline = Date.now() + graceMs;
    while (member.inflight > 0 && Date.now() < deadline) await this.#next("idle", 100);
    await member.app.stop(graceMs);
    member.state = "stopped";
    this.#members.delete(member.id);
    this.#deps.log.write(member.id, "system", `Instance ${member.id} stopped`);
    await member.workspace.remove().catch(() => undefined);
    this.#changed();
  }
}

/** Stands in for the supervised app while its port and workspace are made. */
function deferredApp() {
  let real: SupervisedApp | null = null;
  let settle: { resolve(app: SupervisedApp): void; reject(error: Error): void } | null = null;
  const ready = new Promise<SupervisedApp>((resolve, reject) => {
    settle = { resolve, reject };
  });
  ready.catch(() => undefined);
  const app: SupervisedApp = {
    ready: () => ready.then((a) => a.ready()),
    state: () => real?.state() ?? "starting",
    pid: () => real?.pid() ?? null,
    usage: async () => real?.usage() ?? null,
    stop: async (graceMs) => {
      const a = await ready.catch(() => null);
      await a?.stop(graceMs);
    },
  };
  return {
    app,
    resolve(a: SupervisedApp) {
      real = a;
      settle?.resolve(a);
    },
    fail(error: Error) {
      settle?.reject(error);
    },
  };
}

const placeholderApp = deferredApp().app;
const placeholderWorkspace: Workspace = { dir: "", adopt: async () => undefined, remove: async () => undefined };
