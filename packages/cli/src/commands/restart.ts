import { deploymentRuntimeSchema } from "@slipway/contracts";
import { deploymentPath } from "../api-paths.ts";
import { printRuntime, projectFlag, resolveAppDeployment } from "../app-runtime.ts";
import { defineCommand } from "../args.ts";
import { exitCodes } from "../errors.ts";

export const restart = defineCommand(
  {
    name: "restart",
    summary: "Replace every instance of a server app, one at a time, without dropping requests",
    description: [
      "Starts a new instance, waits until it is healthy, then stops an old one (which finishes",
      "its requests first), until every instance is new. A stopped app starts. Without a",
      "deployment id: the production deployment of the project this directory is linked to",
      "(or of --project).",
    ].join("\n"),
    args: { deploymentId: { description: "The deployment's id, as `slipway deployments ls` shows it" } },
    flags: { project: projectFlag },
    examples: ["slipway restart", "slipway restart dpl_0123456789abcdefghij"],
  },
  async (client, { args, flags }) => {
    const { team, deployment } = await resolveAppDeployment(client, {
      commandPath: "restart",
      deploymentId: args.deploymentId,
      project: flags.project,
      what: "instances",
    });
    const runtime = await client.post(
      `${deploymentPath(team.id, deployment.id)}/restart`,
      {},
      deploymentRuntimeSchema,
      {
        progress: "Restarting, one instance at a time",
        // The server answers once every instance was replaced: each waits for its health check.
        timeoutMs: null,
      },
    );
    client.output.note(`Restarted ${deployment.id}.`);
    printRuntime(client, deployment.id, runtime);
    return exitCodes.ok;
  },
);
