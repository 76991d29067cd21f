import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { type Project, projectSchema, type Team } from "@slipway/contracts";
import { z } from "zod";
import { projectPath, teamPath } from "./api-paths.ts";
import { ApiError, type Client } from "./client.ts";
import { resolveCurrentTeam } from "./current-team.ts";
import { CliError } from "./errors.ts";

/** Like Vercel's `.vercel/`: which project a directory deploys to. Local to a checkout, never committed. */
export const linkDirectoryName = ".slipway";
const linkFileName = "project.json";

const projectLinkSchema = z.object({ projectId: z.string().min(1), teamId: z.string().min(1) });
export type ProjectLink = z.infer<typeof projectLinkSchema>;

const linkPathOf = (dir: string) => join(dir, linkDirectoryName, linkFileName);

/** The directory's link, or undefined when it has none. */
export async function readProjectLink(dir: string): Promise<ProjectLink | undefined> {
  const path = linkPathOf(dir);
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if (error instanceof Error && "code" in error && error.code === "ENOENT") return undefined;
    throw error;
  }
  const invalid = new CliError(`${path} is not a project link`, {
    hint: "delete it and deploy again, or pass --project",
  });
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw invalid;
  }
  const parsed = projectLinkSchema.safeParse(json);
  if (parsed.success) return parsed.data;
  throw invalid;
}

/**
 * Links `dir` to a project. Adds `.slipway/` to the directory's .gitignore when it has one,
 * so the link is not committed; says whether it did.
 */
export async function writeProjectLink(dir: string, link: ProjectLink): Promise<{ isGitignoreUpdated: boolean }> {
  await mkdir(join(dir, linkDirectoryName), { recursive: true });
  await writeFile(linkPathOf(dir), `${JSON.stringify(link, null, 2)}\n`);
  const gitignore = join(dir, ".gitignore");
  const text = await readFile(gitignore, "utf8").catch(() => undefined);
  if (text === undefined) return { isGitignoreUpdated: false };
  const isListed = text.split(/\r?\n/).some((line) => /^\/?\.slipway\/?$/.test(line.trim()));
  if (isListed) return { isGitignoreUpdated: false };
  const separator = text === "" || text.endsWith("\n") ? "" : "\n";
  await writeFile(gitignore, `${text}${separator}${linkDirectoryName}/\n`);
  return { isGitignoreUpdated: true };
}

/** A project of the team by id or slug. */
export async function findProject(client: Client, teamId: string, ref: string): Promise<Project> {
  const projects = await client.listAll(`${teamPath(teamId)}/projects`, projectSchema, {
    progress: "Finding the project",
  });
  const project = projects.find((candidate) => candidate.id === ref || candidate.slug === ref);
  if (project) return project;
  throw new CliError(`no project "${ref}" in this team`, { hint: "`slipway projects ls` lists them" });
}

/**
 * The project a command acts on: `--project` (id or slug) in the current team, else the one
 * `dir` is linked to, in the link's team.
 */
export async function resolveProject(
  client: Client,
  options: { ref: string | undefined; dir: string },
): Promise<{ team: Team; project: Project }> {
  if (options.ref) {
    const { team } = await resolveCurrentTeam(client);
    return { team, project: await findProject(client, team.id, options.ref) };
  }
  const link = await readProjectLink(options.dir);
  if (!link) {
    throw new CliError("no project given, and this directory is not linked to one", {
      hint: "pass --project <id|slug>, or run `slipway deploy` here first to link it",
    });
  }
  return loadLinkedProject(client, link);
}

export async function loadLinkedProject(client: Client, link: ProjectLink): Promise<{ team: Team; project: Project }> {
  const { team } = await resolveCurrentTeam(client, { linkedTeamId: link.teamId });
  try {
    return { team, project: await client.get(projectPath(team.id, link.projectId), projectSchema) };
  } catch (error) {
    if (!(error instanceof ApiError && error.status === 404)) throw error;
    throw new CliError(`the project this directory is linked to (${link.projectId}) no longer exists`, {
      hint: `delete ${join(linkDirectoryName, linkFileName)} and deploy again, or pass --project`,
    });
  }
}
