import { defineCommand } from "../../args.ts";
import { formatDate } from "../../output.ts";
import { resolveProject } from "../../project-link.ts";
import { listEnvVars, projectFlag } from "./env-vars.ts";

const maxValueWidth = 48;

export const envLs = defineCommand(
  {
    name: "ls",
    summary: "List a project's environment variables; sensitive values are never shown",
    flags: { project: projectFlag },
    examples: ["slipway env ls", "slipway env ls --project my-site --json"],
  },
  async (client, { flags }) => {
    const { output } = client;
    const { team, project } = await resolveProject(client, { ref: flags.project, dir: process.cwd() });
    const vars = await listEnvVars(client, team.id, project.id);

    output.result({ items: vars }, () => {
      if (vars.length === 0) return output.print(`No environment variables in ${project.slug}.`);
      output.table(
        ["KEY", "VALUE", "TARGETS", "UPDATED"],
        vars.map((variable) => [
          variable.key,
          variable.value === null ? "(sensitive)" : shorten(variable.value),
          variable.targets.join(","),
          formatDate(variable.updatedAt),
        ]),
      );
      if (project.hasPendingEnvChanges) output.note("Changed since the production deployment: deploy to apply.");
    });
    return 0;
  },
);

/** One table cell: line breaks shown as \n, long values cut; --json has them whole. */
function shorten(value: string): string {
  const oneLine = value.replace(/\r/g, "\\r").replace(/\n/g, "\\n");
  return oneLine.length > maxValueWidth ? `${oneLine.slice(0, maxValueWidth - 1)}…` : oneLine;
}
