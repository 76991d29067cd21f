import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { envTargets } from "@slipway/contracts";
import { defineCommand } from "../../args.ts";
import { writePrivateFile } from "../../config.ts";
import { dotenvHeader, formatDotenv } from "../../dotenv.ts";
import { CliError } from "../../errors.ts";
import { resolveProject } from "../../project-link.ts";
import { confirm } from "../../prompt.ts";
import { listEnvVars, projectFlag } from "./env-vars.ts";

export const envPull = defineCommand(
  {
    name: "pull",
    summary: "Write a project's variables for a target to a dotenv file only you can read",
    description: [
      "Sensitive variables cannot be read back, so they are left out, and named.",
      "A file that `env pull` did not write is only replaced after asking, or with --yes.",
    ].join("\n"),
    args: { file: { description: "Where to write (default .env.local)" } },
    flags: {
      target: { type: "string", choices: envTargets, description: "Whose values to pull (default development)" },
      project: projectFlag,
      yes: { type: "boolean", short: "y", description: "Replace the file without asking" },
    },
    examples: ["slipway env pull", "slipway env pull .env.production --target production"],
  },
  async (client, { args, flags }) => {
    const { output } = client;
    const target = flags.target ?? "development";
    const path = resolve(args.file ?? ".env.local");
    const { team, project } = await resolveProject(client, { ref: flags.project, dir: process.cwd() });
    const vars = (await listEnvVars(client, team.id, project.id)).filter((v) => v.targets.includes(target));
    const sensitive = vars.filter((v) => v.value === null).map((v) => v.key);
    const readable = vars.flatMap((v) => (v.value === null ? [] : [{ key: v.key, value: v.value }]));
    const { text, unwritable } = formatDotenv(readable);

    const existing = await readFile(path, "utf8").catch(() => undefined);
    if (existing !== undefined && !existing.startsWith(dotenvHeader) && !flags.yes) {
      const hint = "pass --yes to replace it, or name another file";
      if (!client.streams.stdin.isTTY || output.isJson)
        throw new CliError(`${path} exists and was not written by slipway`, { hint });
      if (!(await confirm(client.streams, `Replace ${path}, which slipway did not write?`)))
        throw new CliError("not written");
    }
    await writePrivateFile(path, text);

    const written = readable.length - unwritable.length;
    output.result({ path, target, written, skipped: { sensitive, unwritable } }, () => {
      output.print(`Wrote ${written} ${target} variable${written === 1 ? "" : "s"} of ${project.slug} to ${path}.`);
    });
    if (sensitive.length > 0)
      output.note(`Left out sensitive ${sensitive.join(", ")}: their values cannot be read back.`);
    if (unwritable.length > 0) output.warn(`left out ${unwritable.join(", ")}: no dotenv quoting holds their values`);
    return 0;
  },
);
