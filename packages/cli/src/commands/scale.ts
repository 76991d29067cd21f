import { deploymentRuntimeSchema, projectSchema } from "@slipway/contracts";
import { deploymentPath, projectPath } from "../api-paths.ts";
import { printRuntime, projectFlag, resolveAppDeployment } from "../app-runtime.ts";
import { defineCommand } from "../args.ts";
import { CliError, exitCodes, UsageError } from "../errors.ts";

/** The most instances one deployment runs (the API's limit). */
const maxInstances = 20;

export const scale = defineCommand(
  {
    name: "scale",
    summary: "Run this many instances of a server app now",
    description: [
      "Starts or stops instances until <count> run; an instance being stopped finishes its",
      "requests first. 0 stops the app until its next request. Autoscaling, when the project",
      "has it, goes on from there. Without a deployment id: the production deployment of the",
      "project this directory is linked to (or of --project).",
    ].join("\n"),
    args: {
      count: { description: `How many instances to run, 0 to ${maxInstances}`, required: true },
      deploymentId: { description: "The deployment's id, as `slipway deployments ls` shows it" },
    },
    flags: { project: projectFlag },
    examples: ["slipway scale 3", "slipway scale 0 dpl_0123456789abcdefghij"],
  },
  async (client, { args, flags }) => {
    const count = Number(args.count);
    if (!/^\d+$/.test(args.count) || count > maxInstances) {
      throw new UsageError(`<count> must be a whole number from 0 to ${maxInstances}, not "${args.count}"`, "scale");
    }
    const { team, deployment } = await resolveAppDeployment(client, {
      commandPath: "scale",
      deploymentId: args.deploymentId,
      project: flags.project,
      what: "instances",
    });
    // The platform holds each deployment within its project's maximum: more would not last.
    const project = await client.get(projectPath(team.id, deployment.projectId), projectSchema);
    if (count > project.runtime.maxInstances) {
      throw new CliError(
        `project ${project.slug} runs at most ${project.runtime.maxInstances} instance${project.runtime.maxInstances === 1 ? "" : "s"} of a deployment`,
        { hint: "raise Max instances in the project's runtime settings in the dashboard" },
      );
    }
    const runtime = await client.post(
      `${deploymentPath(team.id, deployment.id)}/scale`,
      { instances: count },
      deploymentRuntimeSchema,
      { progress: "Scaling" },
    );
    client.output.note(`Scaling ${deployment.id} to ${count} instance${count === 1 ? "" : "s"}.`);
    printRuntime(client, deployment.id, runtime);
    return exitCodes.ok;
  },
);
