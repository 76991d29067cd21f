import { createEnvVarSchema, envTargets, envVarSchema } from "@slipway/contracts";
import { defineCommand } from "../../args.ts";
import { ApiError } from "../../client.ts";
import { CliError, UsageError } from "../../errors.ts";
import { resolveProject } from "../../project-link.ts";
import { readPiped, readSecret } from "../../prompt.ts";
import { envPath, projectFlag } from "./env-vars.ts";

/** Development copies go to laptops with `env pull`, which cannot read a sensitive value back. */
const defaultTargets = { plain: [...envTargets], sensitive: ["production", "preview"] } as const;

export const envAdd = defineCommand(
  {
    name: "add",
    summary: "Add an environment variable; it applies to the next deployment",
    description: [
      "Without [value], the value is read from stdin: a hidden prompt at a terminal, or",
      "everything piped in (less the final line break), so secrets stay out of shell history.",
      "Targets default to production, preview and development; with --sensitive, to",
      "production and preview, since a sensitive value cannot be read back.",
    ].join("\n"),
    args: {
      key: { description: "The variable's name, e.g. API_URL", required: true },
      value: { description: "Its value (default: read from stdin)" },
    },
    flags: {
      sensitive: { type: "boolean", description: "Write-only: never shown or pulled again, masked in build logs" },
      target: {
        type: "string",
        repeatable: true,
        choices: envTargets,
        description: "Where the value applies",
      },
      project: projectFlag,
    },
    examples: [
      "slipway env add API_URL https://api.example.com",
      "slipway env add STRIPE_KEY --sensitive --target production < key.txt",
    ],
  },
  async (client, { args, flags }) => {
    const { output, streams } = client;
    const targets =
      flags.target.length > 0 ? [...new Set(flags.target)] : defaultTargets[flags.sensitive ? "sensitive" : "plain"];
    const value = args.value ?? (await readValue(client.streams, args.key));
    const input = createEnvVarSchema.safeParse({ key: args.key, value, isSensitive: flags.sensitive, targets });
    if (!input.success) {
      const issue = input.error.issues[0];
      const field = issue?.path[0] === "key" ? "<key>" : issue?.path[0] === "value" ? "[value]" : "--target";
      throw new UsageError(`${field}: ${issue?.message ?? "invalid"}`, "env add");
    }
    const { team, project } = await resolveProject(client, { ref: flags.project, dir: process.cwd() });
    const created = await client
      .post(envPath(team.id, project.id), input.data, envVarSchema, { progress: "Adding the variable" })
      .catch((error: unknown) => {
        if (!(error instanceof ApiError && error.code === "conflict")) throw error;
        throw new CliError(error.message, {
          hint: `remove the old value first: slipway env rm ${args.key} --target …`,
        });
      });

    output.result(created, () => {
      const kind = created.isSensitive ? "sensitive variable" : "variable";
      output.print(`Added ${kind} ${created.key} to ${project.slug} for ${created.targets.join(", ")}.`);
      output.note("It applies to the next deployment.");
    });
    if (streams.stdin.isTTY && args.value !== undefined && flags.sensitive) {
      output.warn("the value was given on the command line, where shell history keeps it");
    }
    return 0;
  },
);

async function readValue(streams: Parameters<typeof readSecret>[0], key: string): Promise<string> {
  if (streams.stdin.isTTY) return readSecret(streams, `Value of ${key}: `);
  const value = await readPiped(streams.stdin);
  if (value === "") {
    throw new UsageError(
      "no value given, and nothing was piped in",
      "env add",
      `pass it: slipway env add ${key} <value>`,
    );
  }
  return value;
}
