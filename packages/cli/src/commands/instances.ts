import { loadRuntime, printRuntime, projectFlag, resolveAppDeployment } from "../app-runtime.ts";
import { defineCommand } from "../args.ts";
import { exitCodes } from "../errors.ts";

export const instances = defineCommand(
  {
    name: "instances",
    summary: "List a server app's instances with their state, uptime, restarts, CPU and memory",
    description: [
      "Without a deployment id: the production deployment of the project this directory is",
      "linked to (or of --project). CPU is percent of one core over the last few seconds.",
    ].join("\n"),
    args: { deploymentId: { description: "The deployment's id, as `slipway deployments ls` shows it" } },
    flags: { project: projectFlag },
    examples: ["slipway instances", "slipway instances dpl_0123456789abcdefghij --json"],
  },
  async (client, { args, flags }) => {
    const { team, deployment } = await resolveAppDeployment(client, {
      commandPath: "instances",
      deploymentId: args.deploymentId,
      project: flags.project,
      what: "instances",
    });
    printRuntime(client, deployment.id, await loadRuntime(client, team.id, deployment.id));
    return exitCodes.ok;
  },
);
