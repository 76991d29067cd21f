import { projectPath } from "../../api-paths.ts";
import { defineCommand } from "../../args.ts";
import { resolveCurrentTeam } from "../../current-team.ts";
import { CliError } from "../../errors.ts";
import { findProject } from "../../project-link.ts";
import { confirm } from "../../prompt.ts";

export const projectsRm = defineCommand(
  {
    name: "rm",
    summary: "Delete a project with its builds, deployments and URLs",
    args: { project: { description: "The project's id or slug", required: true } },
    flags: { yes: { type: "boolean", short: "y", description: "Do not ask for confirmation" } },
    examples: ["slipway projects rm my-site --yes"],
  },
  async (client, { args, flags }) => {
    const { output } = client;
    const { team } = await resolveCurrentTeam(client);
    const project = await findProject(client, team.id, args.project);
    // Only a person at a terminal is asked; scripts (no TTY, or --json) go ahead.
    if (!flags.yes && !output.isJson && client.streams.stdin.isTTY) {
      const question = `Delete project ${project.slug} (${project.id})? Its URLs stop answering at once.`;
      if (!(await confirm(client.streams, question))) throw new CliError("not deleted");
    }
    await client.delete(projectPath(team.id, project.id), { progress: "Deleting the project" });

    output.result({ id: project.id, isDeleted: true }, () =>
      output.print(`Deleted project ${project.slug} (${project.id}).`),
    );
    return 0;
  },
);
