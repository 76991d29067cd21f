// A deployment's `api/` functions at `/api/<name>` of its hostnames: the calls the edge's route
// targets hold (see edge-routes.ts). Each runs the packaged code in the platform's one function
// runtime with the deployment's sealed env, and leaves its output and a REPORT line in the
// deployment's runtime logs, the way an app's instances leave theirs.
import { join } from "node:path";
import { type FunctionCall, type FunctionReply, functionError } from "../../edge/function-proxy.ts";
import type { ApiFunctions } from "../../edge/route-table.ts";
import { functionsArtifactDir } from "../../engines/builder/api-functions.ts";
import {
  type FunctionCode,
  type FunctionRuntime,
  functionRuntimeNames,
  type InvocationResult,
} from "../../engines/functions/function-runtime.ts";
import { newId } from "../../platform/ids.ts";
import type { Logger } from "../../platform/logger.ts";
import type { RuntimeLogs, RuntimeLogWriter } from "../apps/runtime-logs.ts";
import { pooledLimits } from "../functions/function-gateway.ts";
import type { deployments } from "./deployments.tables.ts";

type DeploymentRow = typeof deployments.$inferSelect;

/**
 * What every deployment function gets (no settings of their own, as on Vercel's defaults): the
 * pooled instance profile (128 MB), 10 s, one invocation per instance, and at most this many
 * invocations of one function at once before 429.
 */
export const deploymentFunctionDefaults = { limits: pooledLimits, timeoutMs: 10_000, concurrency: 1, maxInFlight: 10 };

export type DeploymentFunctionsDeps = {
  /** The platform's one function runtime (features/functions/function-gateway.ts). */
  runtime: Pick<FunctionRuntime, "invoke">;
  logs: RuntimeLogs;
  artifactsDir: string;
  /** The deployment's env vars, as sealed at deploy time. */
  openEnv(deploymentId: string, sealed: string | null): Record<string, string>;
  logger: Logger;
};

export type DeploymentFunctions = ReturnType<typeof createDeploymentFunctions>;

export function createDeploymentFunctions(deps: DeploymentFunctionsDeps) {
  let loaded = new Map<string, ApiFunctions>();

  /** The calls of one deployment's functions; the env is opened on the first invocation, once. */
  function callsOf(row: DeploymentRow): ApiFunctions {
    let env: Record<string, string> | null = null;
    const envOf = () => {
      env ??= deps.openEnv(row.id, row.envSealed);
      return env;
    };
    const log = deps.logs.writer({ id: row.id, projectId: row.projectId });
    const calls = new Map<string, FunctionCall>();
    for (const fn of row.functions ?? []) {
      const runtime = functionRuntimeNames.find((name) => name === fn.runtime);
      if (!runtime) {
        deps.logger.warn({ deploymentId: row.id, function: fn.name }, "deployment function of an unknown runtime");
        continue;
      }
      const code: Omit<FunctionCode, "env"> = {
        runtime,
        key: `${row.id}:api/${fn.name}`,
        codeDir: join(deps.artifactsDir, row.artifactHash, functionsArtifactDir, fn.name),
        entry: fn.entry,
        limits: deploymentFunctionDefaults.limits,
        timeoutMs: deploymentFunctionDefaults.timeoutMs,
        concurrency: deploymentFunctionDefaults.concurrency,
      };
      calls.set(fn.name, callOf({ deploymentId: row.id, name: fn.name, code, envOf, log }));
    }
    return calls;
  }

  function callOf(fn: {
    deploymentId: string;
    name: string;
    code: Omit<FunctionCode, "env">;
    envOf(): Record<string, string>;
    log: RuntimeLogWriter;
  }): FunctionCall {
    const source = `api/${fn.name}`;
    let inFlight = 0;
    return async (request): Promise<FunctionReply> => {
      if (inFlight >= deploymentFunctionDefaults.maxInFlight) {
        const message = `/api/${fn.name} is running ${inFlight} invocations, its most at once`;
        return functionError(429, "rate_limited", message, { headers: { "retry-after": "1" } });
      }
      inFlight += 1;
      const invocationId = newId("inv");
      const idHeaders = { "x-slipway-deployment": fn.deploymentId, "x-slipway-invocation-id": invocationId };
      let result: InvocationResult;
      try {
        // An async request (X-Slipway-Invocation: async) runs sync here: only project functions have a queue.
        result = await deps.runtime.invoke(
          { ...fn.code, env: fn.envOf() },
          { method: request.method, path: request.path, headers: request.headers, body: request.body, invocationId },
        );
      } catch (error) {
        // No instance could be had (a runtime missing on this host, no sandbox): the platform's failure, not the code's.
        deps.logger.warn(
          { err: error, deploymentId: fn.deploymentId, function: fn.name },
          "deployment function failed",
        );
        fn.log.write(source, "system", `ERROR RequestId: ${invocationId} the function could not be started`);
        return functionError(502, "bad_gateway", `the function could not be started (request id ${invocationId})`, {
          headers: idHeaders,
        });
      } finally {
        inFlight -= 1;
      }
      writeInvocation(fn.log, source, invocationId, result, fn.code);
      return { status: result.status, headers: { ...result.headers, ...idHeaders }, body: result.body };
    };
  }

  return {
    /**
     * The functions of each deployment that has some, by deployment id, from the rows the edge's
     * routes were loaded from. A deployment keeps its calls (and their counters) across reloads.
     */
    plan(rows: readonly DeploymentRow[]): ReadonlyMap<string, ApiFunctions> {
      const next = new Map<string, ApiFunctions>();
      for (const row of rows) {
        if (row.functions?.length) next.set(row.id, loaded.get(row.id) ?? callsOf(row));
      }
      loaded = next;
      return next;
    },
  };
}

/** The function's own lines (stderr ones as stderr), then one line like Lambda's REPORT. */
function writeInvocation(
  log: RuntimeLogWriter,
  source: string,
  invocationId: string,
  result: InvocationResult,
  code: Omit<FunctionCode, "env">,
): void {
  for (const line of result.logs) {
    if (line.startsWith(stderrPrefix)) log.write(source, "stderr", line.slice(stderrPrefix.length));
    else log.write(source, "stdout", line);
  }
  log.write(source, "system", reportLine(source, invocationId, result, code));
}

/** How the engine marks what a function printed on stderr (engines/functions/invocation-log.ts). */
const stderrPrefix = "[stderr] ";

export function reportLine(
  source: string,
  invocationId: string,
  result: InvocationResult,
  code: Pick<FunctionCode, "limits">,
): string {
  const ms = (value: number) => `${value.toFixed(2)} ms`;
  const parts = [
    `REPORT RequestId: ${invocationId}`,
    `Function: /${source}`,
    `Status: ${result.status}`,
    `Outcome: ${result.outcome}`,
    `Duration: ${ms(result.durationMs)}`,
    ...(result.initMs !== null ? [`Init Duration: ${ms(result.initMs)}`] : []),
    `Cold Start: ${result.isCold ? "yes" : "no"}`,
    `Memory Size: ${code.limits.memoryMb} MB`,
    ...(result.memoryBytes !== null ? [`Max Memory Used: ${Math.ceil(result.memoryBytes / 1048576)} MB`] : []),
    ...(result.cpuMs !== null ? [`CPU: ${ms(result.cpuMs)}`] : []),
  ];
  return parts.join("\t");
}
