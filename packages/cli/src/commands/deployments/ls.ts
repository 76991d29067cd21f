import { deploymentSchema, pageOf } from "@slipway/contracts";
import { projectPath } from "../../api-paths.ts";
import { defineCommand } from "../../args.ts";
import { formatBytes, formatDate } from "../../output.ts";
import { resolveProject } from "../../project-link.ts";

const deploymentPageSchema = pageOf(deploymentSchema);

export const deploymentsLs = defineCommand(
  {
    name: "ls",
    summary: "List a project's deployments, newest first; * marks the one in production",
    flags: {
      project: {
        type: "string",
        placeholder: "id|slug",
        description: "The project (default: the one this directory is linked to)",
      },
      limit: { type: "integer", description: "How many deployments to show, at most 100 (default 20)" },
    },
    examples: ["slipway deployments ls", "slipway deployments ls --project my-site --json"],
  },
  async (client, { flags }) => {
    const { output } = client;
    const { team, project } = await resolveProject(client, { ref: flags.project, dir: process.cwd() });
    const page = await client.get(`${projectPath(team.id, project.id)}/deployments`, deploymentPageSchema, {
      query: { limit: Math.min(Math.max(flags.limit ?? 20, 1), 100) },
      progress: "Loading deployments",
    });

    output.result(page, () => {
      if (page.items.length === 0) return output.print(`No deployments of ${project.slug} yet.`);
      output.table(
        ["", "ID", "ENV", "BRANCH", "SIZE", "CREATED", "URL"],
        page.items.map((deployment) => [
          deployment.isProduction ? "*" : "",
          deployment.id,
          deployment.environment,
          deployment.branch ?? "",
          formatBytes(deployment.bytes),
          formatDate(deployment.createdAt),
          deployment.url,
        ]),
      );
    });
    return 0;
  },
);
