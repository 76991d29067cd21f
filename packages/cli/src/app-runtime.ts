import {
  type Deployment,
  type DeploymentRuntime,
  deploymentRuntimeSchema,
  deploymentSchema,
  type Team,
} from "@slipway/contracts";
import { deploymentPath } from "./api-paths.ts";
import type { Client } from "./client.ts";
import { resolveCurrentTeam } from "./current-team.ts";
import { CliError, UsageError } from "./errors.ts";
import { formatBytes } from "./output.ts";
import { readProjectLink, resolveProject } from "./project-link.ts";

/** The `--project` flag the runtime commands share; a deployment id names its project already. */
export const projectFlag = {
  type: "string",
  placeholder: "id|slug",
  description: "Use this project's production deployment (default: the linked project's)",
} as const;

/**
 * The server app a runtime command acts on: the deployment named, else the production
 * deployment of `--project` or of the project this directory is linked to. `what` says what
 * the command needs that a static site lacks, e.g. "runtime logs".
 */
export async function resolveAppDeployment(
  client: Client,
  options: { commandPath: string; deploymentId: string | undefined; project: string | undefined; what: string },
): Promise<{ team: Team; deployment: Deployment }> {
  const dir = process.cwd();
  let team: Team;
  let deploymentId: string;
  if (options.deploymentId) {
    if (options.project) throw new UsageError("give a deployment id or --project, not both", options.commandPath);
    // A linked directory's team is the likeliest home of a deployment id pasted there.
    const link = await readProjectLink(dir);
    ({ team } = await resolveCurrentTeam(client, { linkedTeamId: link?.teamId }));
    deploymentId = options.deploymentId;
  } else {
    const resolved = await resolveProject(client, { ref: options.project, dir });
    team = resolved.team;
    const productionId = resolved.project.productionDeploymentId;
    if (!productionId) {
      throw new CliError(`project ${resolved.project.slug} has nothing in production yet`, {
        hint: "deploy it with `slipway deploy --prod`, or name a deployment: `slipway deployments ls` lists them",
      });
    }
    deploymentId = productionId;
  }
  const deployment = await client.get(deploymentPath(team.id, deploymentId), deploymentSchema, {
    progress: "Finding the deployment",
  });
  if (deployment.kind !== "app") {
    throw new CliError(`deployment ${deployment.id} serves static files: ${options.what} exist for server apps only`, {
      hint: "a project is a server app when its build settings have a start command",
    });
  }
  return { team, deployment };
}

/** The instances of a deployment, now. */
export function loadRuntime(client: Client, teamId: string, deploymentId: string): Promise<DeploymentRuntime> {
  return client.get(`${deploymentPath(teamId, deploymentId)}/instances`, deploymentRuntimeSchema, {
    progress: "Loading instances",
  });
}

/** What `instances`, `scale` and `restart` print: the app's state, then a table of its instances. */
export function printRuntime(client: Client, deploymentId: string, runtime: DeploymentRuntime): void {
  const { output } = client;
  output.result({ deploymentId, ...runtime }, () => {
    const wanted = `${runtime.desiredInstances} instance${runtime.desiredInstances === 1 ? "" : "s"} wanted`;
    output.print(`${deploymentId} is ${runtime.state}${runtime.reason ? `: ${runtime.reason}` : ""} (${wanted}).`);
    if (runtime.instances.length === 0) {
      output.print("No instances run now; the next request starts one.");
      return;
    }
    output.print();
    output.table(
      ["ID", "STATE", "UPTIME", "RESTARTS", "CPU", "MEMORY", "INFLIGHT", "REASON"],
      runtime.instances.map((instance) => [
        instance.id,
        instance.state,
        formatUptime(instance.uptimeSeconds),
        String(instance.restarts),
        instance.cpuPercent === null ? "-" : `${instance.cpuPercent.toFixed(1)}%`,
        instance.memoryBytes === null ? "-" : formatBytes(instance.memoryBytes),
        String(instance.inflight),
        instance.reason ?? "",
      ]),
    );
  });
}

/** "45s", "12m5s", "3h20m", "2d4h": two units at most, enough to tell a fresh instance from an old one. */
export function formatUptime(seconds: number): string {
  if (seconds < 60) return `${seconds}s`;
  const units: [string, number][] = [
    ["d", 86_400],
    ["h", 3600],
    ["m", 60],
    ["s", 1],
  ];
  const first = units.findIndex(([, size]) => seconds >= size);
  const [bigName, bigSize] = units[first] as [string, number];
  const [smallName, smallSize] = units[first + 1] as [string, number];
  const small = Math.floor((seconds % bigSize) / smallSize);
  return `${Math.floor(seconds / bigSize)}${bigName}${small > 0 ? `${small}${smallName}` : ""}`;
}

/** `ins_3f2a9c1d…` → `3f2a9c1d`: what the log shows; lines of the app as a whole (`-`) stay `-`. */
export function shortInstanceId(id: string): string {
  return id.startsWith("ins_") ? id.slice(4, 12) : id;
}

/**
 * The full id of the instance `ref` names: a full id as is, or the short id the log shows,
 * matched against the instances running now.
 */
export async function resolveInstanceId(
  client: Client,
  options: { teamId: string; deploymentId: string; ref: string },
): Promise<string> {
  const { ref } = options;
  if (ref.startsWith("ins_")) return ref;
  const runtime = await loadRuntime(client, options.teamId, options.deploymentId);
  const matches = runtime.instances.filter((instance) => shortInstanceId(instance.id).startsWith(ref));
  const [only] = matches;
  if (only && matches.length === 1) return only.id;
  if (matches.length > 1) {
    throw new CliError(`"${ref}" matches ${matches.length} instances`, { hint: "give more of the id" });
  }
  throw new CliError(`no running instance of ${options.deploymentId} has an id starting with "${ref}"`, {
    hint: "for an instance that has stopped, pass its full id (ins_…); `slipway instances` lists running ones",
  });
}
