import { envTargets, envVarSchema } from "@slipway/contracts";
import { defineCommand } from "../../args.ts";
import { CliError } from "../../errors.ts";
import { resolveProject } from "../../project-link.ts";
import { confirm } from "../../prompt.ts";
import { envPath, listEnvVars, projectFlag } from "./env-vars.ts";

export const envRm = defineCommand(
  {
    name: "rm",
    summary: "Remove an environment variable, from every target or only some",
    description: "A value shared with targets that are not named keeps applying to those.",
    args: { key: { description: "The variable's name", required: true } },
    flags: {
      target: {
        type: "string",
        repeatable: true,
        choices: envTargets,
        description: "Remove only the value for this target (default: every target)",
      },
      project: projectFlag,
      yes: { type: "boolean", short: "y", description: "Do not ask for confirmation" },
    },
    examples: ["slipway env rm API_URL", "slipway env rm API_URL --target preview"],
  },
  async (client, { args, flags }) => {
    const { output } = client;
    const { team, project } = await resolveProject(client, { ref: flags.project, dir: process.cwd() });
    const named = new Set(flags.target.length > 0 ? flags.target : envTargets);
    const affected = (await listEnvVars(client, team.id, project.id)).filter(
      (variable) => variable.key === args.key && variable.targets.some((target) => named.has(target)),
    );
    if (affected.length === 0) {
      const where = flags.target.length > 0 ? ` for ${[...named].join(", ")}` : "";
      throw new CliError(`${project.slug} has no ${args.key}${where}`, { hint: "`slipway env ls` lists them" });
    }
    // Only a person at a terminal is asked; scripts (no TTY, or --json) go ahead.
    if (!flags.yes && !output.isJson && client.streams.stdin.isTTY) {
      const question = `Remove ${args.key} from ${project.slug} for ${[...named].join(", ")}?`;
      if (!(await confirm(client.streams, question))) throw new CliError("not removed");
    }
    for (const variable of affected) {
      const path = `${envPath(team.id, project.id)}/${encodeURIComponent(variable.id)}`;
      const kept = variable.targets.filter((target) => !named.has(target));
      if (kept.length === 0) await client.delete(path, { progress: "Removing" });
      else await client.patch(path, { targets: kept }, envVarSchema, { progress: "Removing" });
    }
    const removed = affected.flatMap((variable) => variable.targets.filter((target) => named.has(target)));

    output.result({ key: args.key, removedFrom: removed }, () => {
      output.print(`Removed ${args.key} from ${project.slug} for ${removed.join(", ")}.`);
      output.note("It applies to the next deployment.");
    });
    return 0;
  },
);
