import { createHash } from "node:crypto";
import type { FunctionSettings, InvocationTrigger } from "@slipway/contracts";
import { eq } from "drizzle-orm";
import { type FunctionCall, type FunctionReply, functionError } from "../../edge/function-proxy.ts";
import type { RouteEntry } from "../../edge/route-table.ts";
import {
  createFunctionRuntime,
  type FunctionCode,
  type FunctionRuntimeName,
  type InvocationResult,
} from "../../engines/functions/function-runtime.ts";
import type { Sandbox } from "../../engines/sandbox/sandbox.types.ts";
import type { Db } from "../../platform/db.ts";
import { newId } from "../../platform/ids.ts";
import type { Logger } from "../../platform/logger.ts";
import type { Secrets } from "../../platform/secrets.ts";
import type { EdgeAddress } from "../deployments/hostnames.ts";
import { projects } from "../projects/projects.tables.ts";
import { resolveTeamAccess } from "../teams/teams.service.ts";
import { authenticateToken } from "../tokens/tokens.service.ts";
import { versionDirs, versionEnvSealFor } from "./function-deploy.ts";
import { type InvocationInsert, type InvocationRow, insertedRow, textOf } from "./function-invocations.ts";
import { functionHost } from "./functions.service.ts";
import { functions, functionVersions } from "./functions.tables.ts";
import { type InvocationRecorder, maxResponseBodyChars } from "./invocation-recorder.ts";

/** The instance profile pre-started runtimes have: a function with other limits starts its own. */
export const pooledLimits = { memoryMb: 128, cpus: 1, pids: 64 };
const pooledRuntimes: FunctionRuntimeName[] = ["node", "python"];
const tokenCacheMs = 60_000;
type CallerVerdict = "allowed" | "invalid" | "forbidden";
const maxCachedTokens = 10_000;

export type GatewayRequest = { method: string; path: string; headers: Record<string, string>; body?: Buffer };
export type InvokeMeta = { trigger: InvocationTrigger; mode: "sync" | "async"; invocationId?: string };

/** An invocation's record fields that come from its run (the rest is who, when and what was asked). */
export type RunFields = Pick<
  InvocationInsert,
  | "versionId"
  | "versionNumber"
  | "status"
  | "outcome"
  | "responseStatus"
  | "isColdStart"
  | "initMs"
  | "durationMs"
  | "memoryBytes"
  | "cpuMs"
  | "error"
  | "logs"
  | "responseBody"
  | "finishedAt"
>;

export type InvokeOutcome =
  /** It ran; `row` is its record (sync: as written to the store in the next batch). */
  | { kind: "done"; invocationId: string; result: InvocationResult; fields: RunFields; row: InvocationRow }
  /** Over its rate or concurrency: try again in `retryAfterSeconds`. */
  | { kind: "limited"; retryAfterSeconds: number; message: string }
  /** Nothing to run: unknown here, or no ready version. */
  | { kind: "unavailable"; message: string };

/** What the gateway keeps per function: enough to run it without asking the store. */
type Loaded = {
  id: string;
  teamId: string;
  runtime: FunctionRuntimeName;
  settings: FunctionSettings;
  version: { id: string; number: number; entry: string; codeDir: string; envSealed: string | null } | null;
};

/** Requests that enqueue async invocations (the edge's `X-Slipway-Invocation: async`). */
export type EnqueueFromEdge = (input: {
  teamId: string;
  functionId: string;
  request: GatewayRequest;
}) => Promise<string | null>;

export type FunctionGateway = ReturnType<typeof createFunctionGateway>;

/**
 * The functions data plane: one runtime (pools of pre-started instances), an in-memory table
 * of every function's production version and settings (reloaded with the edge's routes, never
 * read per request), rate and concurrency limits counted in memory, private functions' tokens
 * checked and cached, and every sync invocation handed to the batched recorder.
 */
export function createFunctionGateway(deps: {
  db: Db;
  secrets: Secrets;
  logger: Logger;
  sandbox: Sandbox;
  edge: EdgeAddress;
  recorder: InvocationRecorder;
  functionsDir: string;
  /** Where instances' code slots live (under the data dir: the sandbox user must traverse it). */
  slotsDir: string;
  /** Blank instances per runtime (node, python); 0 makes every cold start a brand-new process. */
  poolSize: number;
  freezeAfterMs?: number;
  idleStopMs?: number;
}) {
  const runtime = createFunctionRuntime({
    sandbox: deps.sandbox,
    logger: deps.logger,
    slotsDir: deps.slotsDir,
    pool: { size: deps.poolSize, limits: pooledLimits, runtimes: pooledRuntimes },
    ...(deps.freezeAfterMs !== undefined ? { freezeAfterMs: deps.freezeAfterMs } : {}),
    ...(deps.idleStopMs !== undefined ? { idleStopMs: deps.idleStopMs } : {}),
  });
  let table = new Map<string, Loaded>();
  const calls = new Map<string, FunctionCall>();
  const envs = new Map<string, Record<string, string>>();
  const codes = new WeakMap<Loaded, FunctionCode>();
  const inFlight = new Map<string, number>();
  const windows = new Map<string, { startedAt: number; count: number }>();
  const verdicts = new Map<string, { verdict: CallerVerdict; until: number }>();
  let isPoolStarted = false;
  /** Set once the async side exists (it runs through this gateway); until then async requests get 503. */
  let enqueueAsync: EnqueueFromEdge | null = null;

  /** The table and the edge entries of every function host; called by the edge route reload. */
  async function load(): Promise<RouteEntry[]> {
    const rows = await deps.db
      .select({ fn: functions, projectSlug: projects.slug, version: functionVersions })
      .from(functions)
      .innerJoin(projects, eq(projects.id, functions.projectId))
      .leftJoin(functionVersions, eq(functionVersions.id, functions.productionVersionId));
    const next = new Map<string, Loaded>();
    const entries: RouteEntry[] = [];
    for (const { fn, projectSlug, version } of rows) {
      next.set(fn.id, {
        id: fn.id,
        teamId: fn.teamId,
        runtime: fn.runtime as FunctionRuntimeName,
        settings: fn.settings,
        version:
          version?.status === "ready" && version.codeEntry
            ? {
                id: version.id,
                number: version.number,
                entry: version.codeEntry,
                codeDir: versionDirs(deps, fn.id, version.id).codeDir,
                envSealed: version.envSealed,
              }
            : null,
      });
      entries.push({
        host: functionHost(fn.name, projectSlug, deps.edge),
        target: { kind: "function", deploymentId: fn.id, call: callFor(fn.id) },
      });
    }
    table = next;
    const live = new Set([...next.values()].map((f) => f.version?.id));
    for (const versionId of envs.keys()) if (!live.has(versionId)) envs.delete(versionId);
    for (const id of calls.keys()) if (!next.has(id)) calls.delete(id);
    // An instance without functions needs no pre-started runtimes: the pool starts with the first one.
    if (!isPoolStarted && live.size > 0 && deps.poolSize > 0) {
      isPoolStarted = true;
      void runtime.start().catch((error) => deps.logger.warn({ err: error }, "functions: the pool did not start"));
    }
    return entries;
  }

  function envOf(version: NonNullable<Loaded["version"]>): Record<string, string> {
    let env = envs.get(version.id);
    if (!env) {
      env = version.envSealed
        ? (JSON.parse(deps.secrets.open(version.envSealed, versionEnvSealFor(version.id))) as Record<string, string>)
        : {};
      envs.set(version.id, env);
    }
    return env;
  }

  /** Made once per loaded table entry (a reload makes new ones): the runtime only reads it. */
  function codeOf(fn: Loaded, version: NonNullable<Loaded["version"]>): FunctionCode {
    let code = codes.get(fn);
    if (!code) {
      code = makeCode(fn, version);
      codes.set(fn, code);
    }
    return code;
  }

  function makeCode(fn: Loaded, version: NonNullable<Loaded["version"]>): FunctionCode {
    const { memoryMb, timeoutSeconds, concurrency } = fn.settings;
    return {
      runtime: fn.runtime,
      // New limits make new instances: the ones warm with the old limits idle out.
      key: `${fn.id}:${version.id}:${memoryMb}:${timeoutSeconds}:${concurrency}`,
      codeDir: version.codeDir,
      entry: version.entry,
      env: envOf(version),
      limits: { memoryMb, cpus: 1, pids: 64 },
      timeoutMs: timeoutSeconds * 1000,
      concurrency,
    };
  }

  /** Takes a slot under the function's rate and concurrency limits, or says when to come back. */
  function admit(fn: Loaded): { retryAfterSeconds: number; message: string } | null {
    const { rateLimitPerMinute, maxInstances, concurrency } = fn.settings;
    const now = Date.now();
    if (rateLimitPerMinute !== null) {
      let window = windows.get(fn.id);
      if (!window || now - window.startedAt >= 60_000) {
        window = { startedAt: now, count: 0 };
        windows.set(fn.id, window);
      }
      if (window.count >= rateLimitPerMinute)
        return {
          retryAfterSeconds: Math.max(1, Math.ceil((window.startedAt + 60_000 - now) / 1000)),
          message: `the function's limit of ${rateLimitPerMinute} invocations per minute is reached`,
        };
      window.count += 1;
    }
    const running = inFlight.get(fn.id) ?? 0;
    if (running >= maxInstances * concurrency)
      return {
        retryAfterSeconds: 1,
        message: `the function is running ${running} invocations, its most at once (${maxInstances} instances × ${concurrency})`,
      };
    inFlight.set(fn.id, running + 1);
    return null;
  }

  function release(functionId: string) {
    const running = (inFlight.get(functionId) ?? 1) - 1;
    if (running > 0) inFlight.set(functionId, running);
    else inFlight.delete(functionId);
  }

  /** Runs one invocation of a function's production version; sync ones are recorded here. */
  async function invoke(functionId: string, request: GatewayRequest, meta: InvokeMeta): Promise<InvokeOutcome> {
    const fn = table.get(functionId);
    if (!fn) return { kind: "unavailable", message: "the function is not deployed on this node" };
    const version = fn.version;
    if (!version) return { kind: "unavailable", message: "the function has no ready version: deploy one" };
    const limited = admit(fn);
    if (limited) return { kind: "limited", ...limited };
    const invocationId = meta.invocationId ?? newId("inv");
    const createdAt = new Date();
    let result: InvocationResult;
    const started = performance.now();
    try {
      result = await runtime.invoke(codeOf(fn, version), { ...request, invocationId });
    } catch (error) {
      // The runtime could not run it at all (no sandbox, a runtime missing on this host): a failed invocation.
      deps.logger.warn({ err: error, functionId }, "functions: the runtime failed an invocation");
      result = {
        status: 502,
        headers: { "content-type": "text/plain; charset=utf-8" },
        body: Buffer.from(`The function could not be started: ${error instanceof Error ? error.message : error}\n`),
        outcome: "crashed",
        isCold: true,
        initMs: null,
        durationMs: performance.now() - started,
        cpuMs: null,
        memoryBytes: null,
        logs: [],
      };
    } finally {
      release(fn.id);
    }
    const isOk = result.outcome === "ok";
    const keepsBody = meta.mode === "async" || meta.trigger === "test";
    const fields: RunFields = {
      versionId: version.id,
      versionNumber: version.number,
      status: isOk ? "succeeded" : "failed",
      outcome: result.outcome,
      responseStatus: result.status,
      isColdStart: result.isCold,
      initMs: result.initMs,
      durationMs: result.durationMs,
      memoryBytes: result.memoryBytes,
      cpuMs: result.cpuMs,
      error: isOk ? null : errorOf(result),
      logs: result.logs,
      responseBody: keepsBody ? (textOf(result.body)?.slice(0, maxResponseBodyChars) ?? null) : null,
      finishedAt: new Date(),
    };
    const row = insertedRow({
      id: invocationId,
      teamId: fn.teamId,
      functionId: fn.id,
      trigger: meta.trigger,
      mode: meta.mode,
      method: request.method,
      path: request.path.slice(0, 2048),
      attempts: 1,
      createdAt,
      ...fields,
    });
    if (meta.mode === "sync") deps.recorder.record(row);
    return { kind: "done", invocationId, result, fields, row };
  }

  /**
   * Whether a token may invoke the team's functions. Asked of the store once a minute per token
   * and team, never per request: a revoked token keeps working for up to that minute.
   */
  async function tokenVerdict(secret: string, teamId: string): Promise<CallerVerdict> {
    const key = `${createHash("sha256").update(secret).digest("hex")}:${teamId}`;
    const cached = verdicts.get(key);
    if (cached && cached.until > Date.now()) return cached.verdict;
    const actor = await authenticateToken(secret, deps.db);
    const verdict: CallerVerdict =
      !actor || actor.type === "anonymous"
        ? "invalid"
        : (await resolveTeamAccess(actor, teamId, deps.db))?.permissions.has("functions:invoke")
          ? "allowed"
          : "forbidden";
    if (verdicts.size >= maxCachedTokens) verdicts.clear();
    verdicts.set(key, { verdict, until: Date.now() + tokenCacheMs });
    return verdict;
  }

  /** A private function's caller: null when allowed, the 401/403 answer otherwise. */
  async function checkCaller(fn: Loaded, authorization: string | undefined): Promise<FunctionReply | null> {
    const secret = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? "")?.[1];
    const challenge = { headers: { "www-authenticate": 'Bearer realm="slipway"' } };
    if (!secret)
      return functionError(
        401,
        "unauthenticated",
        "this function is private: send an API token with functions:invoke as Authorization: Bearer <token>",
        challenge,
      );
    const verdict = await tokenVerdict(secret, fn.teamId);
    if (verdict === "invalid")
      return functionError(401, "unauthenticated", "the API token is invalid, expired or revoked", challenge);
    if (verdict === "forbidden")
      return functionError(
        403,
        "forbidden",
        "the token needs the functions:invoke permission for this function's team",
      );
    return null;
  }

  /** A request at the function's host, from the edge. */
  async function serveHttp(functionId: string, request: Parameters<FunctionCall>[0]): Promise<FunctionReply> {
    const fn = table.get(functionId);
    if (!fn) return functionError(404, "not_found", "function not found");
    let headers = request.headers;
    if (fn.settings.isPrivate) {
      const denied = await checkCaller(fn, headers.authorization);
      if (denied) return denied;
      // The platform's token is for the platform, not for the function's code.
      headers = { ...headers };
      delete headers.authorization;
    }
    const asked = { method: request.method, path: request.path, headers, body: request.body };
    if (request.isAsync) {
      if (!fn.version) return functionError(503, "unavailable", "the function has no ready version: deploy one");
      const invocationId = await enqueueAsync?.({ teamId: fn.teamId, functionId, request: asked });
      if (!invocationId) return functionError(503, "unavailable", "async invocations are not available");
      return {
        status: 202,
        headers: { "content-type": "application/json; charset=utf-8", "x-slipway-invocation-id": invocationId },
        body: Buffer.from(JSON.stringify({ invocationId })),
      };
    }
    const outcome = await invoke(functionId, asked, { trigger: "http", mode: "sync" });
    if (outcome.kind === "limited")
      return functionError(429, "rate_limited", outcome.message, {
        headers: { "retry-after": String(outcome.retryAfterSeconds) },
      });
    if (outcome.kind === "unavailable") return functionError(503, "unavailable", outcome.message);
    const { result } = outcome;
    return {
      status: result.status,
      headers: { ...result.headers, "x-slipway-invocation-id": outcome.invocationId },
      body: result.body,
    };
  }

  function callFor(functionId: string): FunctionCall {
    let call = calls.get(functionId);
    if (!call) {
      call = (request) =>
        serveHttp(functionId, request).catch((error) => {
          deps.logger.error({ err: error, functionId }, "functions: an invocation failed in the gateway");
          return functionError(502, "bad_gateway", "the function could not be invoked");
        });
      calls.set(functionId, call);
    }
    return call;
  }

  return {
    runtime,
    load,
    invoke,
    /** Settings and team of a loaded function (async retries read their policy here). */
    lookup: (functionId: string) => {
      const fn = table.get(functionId);
      return fn ? { teamId: fn.teamId, settings: fn.settings, hasVersion: fn.version !== null } : undefined;
    },
    /** Stops a deleted function's idle instances (every version's: keys start with the function's id). */
    evict: (functionId: string) => runtime.evict((key) => key.startsWith(`${functionId}:`)),
    setEnqueueAsync(enqueue: EnqueueFromEdge) {
      enqueueAsync = enqueue;
    },
    async stop(): Promise<void> {
      await runtime.stop();
      await deps.recorder.stop();
    },
  };
}

/** Why an invocation failed, in a line: the engine's own message, or the status the handler answered. */
function errorOf(result: InvocationResult): string {
  if (result.outcome === "error") return `the function answered ${result.status}`;
  return textOf(result.body)?.trim().slice(0, 500) || result.outcome;
}
