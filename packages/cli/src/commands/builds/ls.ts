import { type Build, buildSchema, pageOf } from "@slipway/contracts";
import { teamPath } from "../../api-paths.ts";
import { defineCommand } from "../../args.ts";
import { resolveCurrentTeam } from "../../current-team.ts";
import { formatDuration } from "../../follow-build.ts";
import { formatDate } from "../../output.ts";
import { readProjectLink, resolveProject } from "../../project-link.ts";

const buildPageSchema = pageOf(buildSchema);

export const buildsLs = defineCommand(
  {
    name: "ls",
    summary: "List recent builds of a project, newest first",
    description: "Without --project: the project this directory is linked to, else every project of the team.",
    flags: {
      project: { type: "string", placeholder: "id|slug", description: "The project whose builds to list" },
      limit: { type: "integer", description: "How many builds to show, at most 100 (default 20)" },
    },
    examples: ["slipway builds ls", "slipway builds ls --project my-site --limit 50 --json"],
  },
  async (client, { flags }) => {
    const { output } = client;
    const isTeamWide = !flags.project && !(await readProjectLink(process.cwd()));
    const { team, project } = isTeamWide
      ? { ...(await resolveCurrentTeam(client)), project: undefined }
      : await resolveProject(client, { ref: flags.project, dir: process.cwd() });
    const page = await client.get(`${teamPath(team.id)}/builds`, buildPageSchema, {
      query: { projectId: project?.id, limit: Math.min(Math.max(flags.limit ?? 20, 1), 100) },
      progress: "Loading builds",
    });

    output.result(page, () => {
      if (page.items.length === 0) return output.print(`No builds${project ? ` of ${project.slug}` : ""} yet.`);
      output.table(
        ["ID", ...(isTeamWide ? ["PROJECT"] : []), "#", "STATUS", "ENV", "BRANCH", "TRIGGER", "DURATION", "CREATED"],
        page.items.map((build) => [
          build.id,
          ...(isTeamWide ? [build.projectId] : []),
          String(build.number),
          describeStatus(build),
          build.environment,
          build.branch ?? "",
          build.trigger,
          build.durationMs === null ? "" : formatDuration(build.durationMs),
          formatDate(build.createdAt),
        ]),
      );
    });
    return 0;
  },
);

function describeStatus(build: Build): string {
  return build.status === "failed" && build.error?.step ? `failed (${build.error.step})` : build.status;
}
