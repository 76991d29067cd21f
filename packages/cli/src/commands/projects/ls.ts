import { projectSchema } from "@slipway/contracts";
import { teamPath } from "../../api-paths.ts";
import { defineCommand } from "../../args.ts";
import { resolveCurrentTeam } from "../../current-team.ts";
import { formatDate } from "../../output.ts";
import { readProjectLink } from "../../project-link.ts";

export const projectsLs = defineCommand(
  {
    name: "ls",
    summary: "List the current team's projects; * marks the one this directory is linked to",
  },
  async (client) => {
    const { output } = client;
    const { team } = await resolveCurrentTeam(client);
    const projects = await client.listAll(`${teamPath(team.id)}/projects`, projectSchema, {
      progress: "Loading projects",
    });
    const link = await readProjectLink(process.cwd()).catch(() => undefined);

    output.result({ items: projects }, () => {
      if (projects.length === 0)
        return output.print(`No projects in team ${team.slug}. Create one with \`slipway deploy\`.`);
      output.table(
        ["", "SLUG", "NAME", "SOURCE", "PRODUCTION URL", "UPDATED", "ID"],
        projects.map((project) => [
          project.id === link?.projectId ? "*" : "",
          project.slug,
          project.name,
          project.git ? `${project.git.url}#${project.git.branch}` : "upload",
          project.productionDeploymentId ? project.productionUrl : "(not deployed)",
          formatDate(project.updatedAt),
          project.id,
        ]),
      );
    });
    return 0;
  },
);
