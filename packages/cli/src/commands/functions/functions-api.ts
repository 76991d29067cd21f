import {
  type FunctionVersion,
  functionSchema,
  functionVersionSchema,
  type Invocation,
  type InvocationDetail,
  type Project,
  type ServerlessFunction,
  type Team,
} from "@slipway/contracts";
import { z } from "zod";
import { teamPath } from "../../api-paths.ts";
import type { Client } from "../../client.ts";
import { CliError } from "../../errors.ts";
import { formatBytes } from "../../output.ts";
import { resolveProject } from "../../project-link.ts";

/** The `--project` flag every functions command takes. */
export const projectFlag = {
  type: "string",
  placeholder: "id|slug",
  description: "The function's project (default: the one this directory is linked to)",
} as const;

export const functionsPath = (teamId: string) => `${teamPath(teamId)}/functions`;
export const functionPath = (teamId: string, functionId: string) =>
  `${functionsPath(teamId)}/${encodeURIComponent(functionId)}`;

const functionListSchema = z.object({ items: z.array(functionSchema) });
const versionListSchema = z.object({ items: z.array(functionVersionSchema) });

export type FunctionTarget = { team: Team; project: Project; fn: ServerlessFunction };

/** Every function of a project. */
export async function listFunctions(client: Client, teamId: string, projectId: string): Promise<ServerlessFunction[]> {
  const list = await client.get(functionsPath(teamId), functionListSchema, {
    query: { projectId },
    progress: "Loading functions",
  });
  return list.items;
}

/** The function `ref` (its name or id) names in `--project` or the linked project. */
export async function resolveFunction(
  client: Client,
  options: { ref: string; project: string | undefined },
): Promise<FunctionTarget> {
  const { team, project } = await resolveProject(client, { ref: options.project, dir: process.cwd() });
  const functions = await listFunctions(client, team.id, project.id);
  const fn = functions.find((candidate) => candidate.name === options.ref || candidate.id === options.ref);
  if (fn) return { team, project, fn };
  throw new CliError(`no function "${options.ref}" in project ${project.slug}`, {
    hint: "`slipway functions ls` lists them; `slipway functions deploy <dir>` creates one",
  });
}

/** A function's versions, newest first. */
export async function listVersions(client: Client, target: FunctionTarget): Promise<FunctionVersion[]> {
  const list = await client.get(`${functionPath(target.team.id, target.fn.id)}/versions`, versionListSchema, {
    progress: "Loading versions",
  });
  return list.items;
}

/** "12.3 ms", "1.24 s": a duration as an invocation report shows it. */
export function formatMs(ms: number): string {
  return ms < 1000 ? `${ms.toFixed(1)} ms` : `${(ms / 1000).toFixed(2)} s`;
}

/** "5m ago", "3h ago", "2d ago"; `fallback` for never. */
export function formatAgo(iso: string | null, now = Date.now(), fallback = "never"): string {
  if (!iso) return fallback;
  const seconds = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (seconds < 60) return `${seconds}s ago`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m ago`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)}h ago`;
  return `${Math.floor(seconds / 86_400)}d ago`;
}

/**
 * What one invocation cost, like Lambda's REPORT line: status, duration, the init time of a
 * cold start, peak memory and CPU time. Fields the invocation has not got yet are left out.
 */
export function describeInvocation(invocation: Invocation): string {
  const parts = [
    invocation.responseStatus === null ? invocation.status : `${invocation.status} ${invocation.responseStatus}`,
    invocation.durationMs === null ? undefined : `duration ${formatMs(invocation.durationMs)}`,
    invocation.isColdStart === null ? undefined : invocation.isColdStart ? "cold" : "warm",
    invocation.isColdStart && invocation.initMs !== null ? `init ${formatMs(invocation.initMs)}` : undefined,
    invocation.memoryBytes === null ? undefined : `memory ${formatBytes(invocation.memoryBytes)}`,
    invocation.cpuMs === null ? undefined : `cpu ${formatMs(invocation.cpuMs)}`,
  ];
  return parts.filter((part) => part !== undefined).join("  ");
}

/**
 * `time  REPORT id  v2 api  succeeded 200  duration …`, then the error (a timeout, a crash)
 * and the function's log lines, indented.
 */
export function formatInvocation(invocation: InvocationDetail): string[] {
  const version = invocation.versionNumber === null ? "" : `v${invocation.versionNumber} `;
  const head = `${invocation.createdAt}  REPORT ${invocation.id}  ${version}${invocation.trigger}  ${describeInvocation(invocation)}`;
  const error = invocation.error ? [`  error: ${invocation.error}`] : [];
  return [head, ...error, ...invocation.logs.map((line) => `  ${line}`)];
}
