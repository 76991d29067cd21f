import { createProjectSchema, projectSchema } from "@slipway/contracts";
import { teamPath } from "../../api-paths.ts";
import { defineCommand } from "../../args.ts";
import { describeTeam, resolveCurrentTeam } from "../../current-team.ts";
import { UsageError } from "../../errors.ts";

/** Which flag fed each field of the request, to name it when the contract refuses a value. */
const flagOfField: Record<string, string> = {
  name: "<name>",
  slug: "--slug",
  url: "--git",
  branch: "--branch",
  rootDir: "--root-dir",
};

export const projectsCreate = defineCommand(
  {
    name: "create",
    summary: "Create a project, empty or from a git repository",
    description: [
      "With --git, the server clones the repository to detect the framework and build settings.",
      "Without it, the project is built from what `slipway deploy` uploads.",
    ].join("\n"),
    args: { name: { description: "The project's name", required: true } },
    flags: {
      slug: { type: "string", description: "Its hostname label (default: derived from the name)" },
      git: { type: "string", placeholder: "url", description: "A repository git can clone" },
      branch: { type: "string", description: "The branch to build (default main); needs --git" },
      "root-dir": {
        type: "string",
        placeholder: "dir",
        description: "The app's folder in the repository; needs --git",
      },
    },
    examples: [
      "slipway projects create blog",
      "slipway projects create docs --git https://github.com/acme/site.git --branch main --root-dir docs",
    ],
  },
  async (client, { args, flags }) => {
    const { output } = client;
    if (!flags.git && (flags.branch !== undefined || flags["root-dir"] !== undefined)) {
      throw new UsageError("--branch and --root-dir need --git", "projects create");
    }
    const git = flags.git ? { url: flags.git, branch: flags.branch, rootDir: flags["root-dir"] } : undefined;
    const input = createProjectSchema.safeParse({ name: args.name, slug: flags.slug, git });
    if (!input.success) {
      const issue = input.error.issues[0];
      const flag = flagOfField[String(issue?.path.at(-1))] ?? "input";
      throw new UsageError(`${flag}: ${issue?.message ?? "invalid"}`, "projects create");
    }
    const { team } = await resolveCurrentTeam(client);
    const project = await client.post(`${teamPath(team.id)}/projects`, input.data, projectSchema, {
      progress: git ? "Cloning the repository to detect its settings" : "Creating the project",
    });

    output.result(project, () => {
      output.print(`Created project ${project.name} (${project.slug}, ${project.id}) in team ${describeTeam(team)}.`);
      output.print(`Framework:  ${project.settings.framework}`);
      output.print(`Production: ${project.productionUrl}`);
    });
    return 0;
  },
);
