import { type FunctionVersion, functionSchema } from "@slipway/contracts";
import { defineCommand } from "../../args.ts";
import { CliError } from "../../errors.ts";
import { functionPath, listVersions, projectFlag, resolveFunction } from "./functions-api.ts";

export const functionsRollback = defineCommand(
  {
    name: "rollback",
    summary: "Serve an earlier version of a function in production, now; by default the previous ready one",
    args: { name: { description: "The function's name or id", required: true } },
    flags: {
      to: { type: "integer", placeholder: "version", description: "The version number to serve, e.g. 3" },
      project: projectFlag,
    },
    examples: ["slipway functions rollback hello", "slipway functions rollback hello --to 3"],
  },
  async (client, { args, flags }) => {
    const { output } = client;
    const target = await resolveFunction(client, { ref: args.name, project: flags.project });
    const { fn } = target;
    const version = pickVersion(await listVersions(client, target), flags.to, fn.name);
    const updated = await client.post(
      `${functionPath(target.team.id, fn.id)}/rollback`,
      { versionId: version.id },
      functionSchema,
      { progress: "Rolling back" },
    );

    output.result({ function: updated, version }, () => {
      output.print(`${fn.name} serves version ${version.number} now (was ${fn.productionVersion ?? "none"}).`);
      output.print(`  ${updated.url}`);
    });
    return 0;
  },
);

/** Version `to`, or the newest ready version older than the one in production. */
function pickVersion(versions: readonly FunctionVersion[], to: number | undefined, name: string): FunctionVersion {
  if (to !== undefined) {
    const version = versions.find((candidate) => candidate.number === to);
    if (!version)
      throw new CliError(`${name} has no version ${to}`, { hint: `\`slipway functions versions ${name}\`` });
    if (version.status !== "ready") throw new CliError(`version ${to} of ${name} failed to deploy: it cannot serve`);
    if (version.isProduction) throw new CliError(`version ${to} of ${name} is already in production`);
    return version;
  }
  const production = versions.find((candidate) => candidate.isProduction);
  const previous = versions.find(
    (candidate) => candidate.status === "ready" && (!production || candidate.number < production.number),
  );
  if (!previous) {
    throw new CliError(`${name} has no ready version before the one in production`, {
      hint: `\`slipway functions versions ${name}\` lists them; --to picks one`,
    });
  }
  return previous;
}
