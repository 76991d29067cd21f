import { stat } from "node:fs/promises";
import { basename, resolve } from "node:path";
import { type Build, buildSchema, type Project, projectSchema, type Team } from "@slipway/contracts";
import { projectPath, teamPath } from "../api-paths.ts";
import { defineCommand } from "../args.ts";
import type { Client } from "../client.ts";
import { resolveCurrentTeam } from "../current-team.ts";
import { CliError } from "../errors.ts";
import { followAndReport } from "../follow-build.ts";
import { findProject, loadLinkedProject, readProjectLink, writeProjectLink } from "../project-link.ts";
import { confirm } from "../prompt.ts";
import { uploadDirectory } from "../upload-directory.ts";

type Environment = Build["environment"];

export const deploy = defineCommand(
  {
    name: "deploy",
    summary: "Upload a directory, build it, and print the URL it is served at",
    description: [
      "Packs the directory (leaving out what .gitignore and .slipwayignore exclude, and always",
      ".git, node_modules and .slipway), uploads it, streams the build log, and prints the",
      "deployment's URL. Exits 1 when the build fails or is canceled.",
      "",
      "The first deploy links the directory to a project in .slipway/project.json: the one",
      "--project names, or a new one named after the directory.",
      "",
      "Ctrl-C while the log streams stops following without asking; the build goes on.",
    ].join("\n"),
    args: { dir: { description: "The directory to deploy (default: the current one)" } },
    flags: {
      prod: { type: "boolean", description: "Deploy to production: the production URL serves it once built" },
      project: {
        type: "string",
        placeholder: "id|slug",
        description: "The project to deploy to; an unlinked directory is linked to it",
      },
      yes: { type: "boolean", short: "y", description: "Create and link a project without asking" },
    },
    examples: ["slipway deploy", "slipway deploy ./site --prod", "slipway deploy --project my-site"],
  },
  async (client, { args, flags }) => {
    const { output } = client;
    const dir = resolve(args.dir ?? process.cwd());
    if (!(await stat(dir).catch(() => undefined))?.isDirectory()) throw new CliError(`${dir} is not a directory`);
    const { team, project } = await findOrLinkProject(client, { dir, ref: flags.project, isConfirmed: flags.yes });
    const environment: Environment = flags.prod ? "production" : "preview";
    const build = await uploadDirectory(client, {
      dir,
      path: `${projectPath(team.id, project.id)}/uploads`,
      query: { environment },
      schema: buildSchema,
    });

    output.note(`Building ${project.slug} #${build.number} for ${environment} (${build.id})`);
    return followAndReport(client, { teamId: team.id, build });
  },
);

/** The project `--project` names, else the one `dir` is linked to, else a new one (after asking). */
async function findOrLinkProject(
  client: Client,
  options: { dir: string; ref: string | undefined; isConfirmed: boolean },
): Promise<{ team: Team; project: Project }> {
  const { output } = client;
  const { dir, ref } = options;
  const link = await readProjectLink(dir);
  if (ref) {
    const { team } = await resolveCurrentTeam(client);
    const project = await findProject(client, team.id, ref);
    if (!link) await linkDirectory(client, dir, project);
    else if (link.projectId !== project.id) {
      output.warn(`${dir} stays linked to project ${link.projectId}; --project deploys elsewhere this once`);
    }
    return { team, project };
  }
  if (link) return loadLinkedProject(client, link);

  const { team } = await resolveCurrentTeam(client);
  const name = basename(dir).slice(0, 64) || "project";
  if (!options.isConfirmed) {
    const hint = `pass --project <id|slug> to deploy to an existing project, or --yes to create "${name}"`;
    if (!client.streams.stdin.isTTY || output.isJson) throw new CliError(`${dir} is not linked to a project`, { hint });
    const question = `${dir} is not linked to a project. Create project "${name}" in team ${team.slug}?`;
    if (!(await confirm(client.streams, question))) throw new CliError("not deployed", { hint });
  }
  const project = await client.post(`${teamPath(team.id)}/projects`, { name }, projectSchema, {
    progress: "Creating the project",
  });
  output.note(`Created project ${project.name} (${project.slug}).`);
  await linkDirectory(client, dir, project);
  return { team, project };
}

async function linkDirectory(client: Client, dir: string, project: Project): Promise<void> {
  const { isGitignoreUpdated } = await writeProjectLink(dir, { projectId: project.id, teamId: project.teamId });
  client.output.note(`Linked ${dir} to ${project.slug} in .slipway/project.json.`);
  if (isGitignoreUpdated) client.output.note("Added .slipway/ to .gitignore.");
}
