import { type Deployment, deploymentSchema } from "@slipway/contracts";
import { projectPath } from "../../api-paths.ts";
import { defineCommand } from "../../args.ts";
import type { Client } from "../../client.ts";
import { formatDate } from "../../output.ts";
import { resolveProject } from "../../project-link.ts";

export const deploymentsRollback = defineCommand(
  {
    name: "rollback",
    summary: "Put the previous production deployment back at the production URL, now",
    flags: {
      project: {
        type: "string",
        placeholder: "id|slug",
        description: "The project (default: the one this directory is linked to)",
      },
    },
    examples: ["slipway deployments rollback", "slipway deployments rollback --project my-site"],
  },
  async (client, { flags }) => {
    const { team, project } = await resolveProject(client, { ref: flags.project, dir: process.cwd() });
    const deployment = await client.post(`${projectPath(team.id, project.id)}/rollback`, {}, deploymentSchema, {
      progress: "Rolling back",
    });
    printProductionChange(client, "Rolled back production to", deployment);
    return 0;
  },
);

/** What promote and rollback print: which deployment production serves now, and where. */
export function printProductionChange(client: Client, verb: string, deployment: Deployment): void {
  const { output } = client;
  output.result(deployment, () => {
    output.print(`${verb} ${deployment.id} (built ${formatDate(deployment.createdAt)}).`);
    for (const url of deployment.aliases) output.print(`  ${url}`);
  });
}
