import { stat } from "node:fs/promises";
import { basename, resolve } from "node:path";
import {
  type FunctionVersion,
  functionNameSchema,
  functionRuntimeNames,
  functionSchema,
  functionSettingsSchema,
  functionVersionSchema,
  type ServerlessFunction,
} from "@slipway/contracts";
import { z } from "zod";
import { projectPath } from "../../api-paths.ts";
import { defineCommand } from "../../args.ts";
import { ApiError, type Client } from "../../client.ts";
import { CliError, exitCodes, UsageError } from "../../errors.ts";
import { formatDuration } from "../../follow-build.ts";
import { resolveProject } from "../../project-link.ts";
import { uploadDirectory } from "../../upload-directory.ts";
import { detectSource, hasEntry, readAsTextFiles } from "./function-source.ts";
import { type FunctionTarget, functionPath, listFunctions, listVersions, projectFlag } from "./functions-api.ts";

const createdSchema = z.object({ function: functionSchema, version: functionVersionSchema });
const settingsFlagsSchema = functionSettingsSchema.pick({ memoryMb: true, timeoutSeconds: true }).partial();
/** Which flag fed each setting, to name it when the contract refuses a value. */
const flagOfSetting: Record<string, string> = { memoryMb: "--memory", timeoutSeconds: "--timeout" };
const packagingLabel = "Packaging on the server (install, compile, check)";

export const functionsDeploy = defineCommand(
  {
    name: "deploy",
    summary: "Deploy a folder as a function's new version; creates the function the first time",
    description: [
      "The function is named after the folder unless --name says otherwise. A new function's runtime",
      "comes from its files: package.json or index.(m)js/.ts → node, main.py → python, main.go or",
      "go.mod → go, main.rb → ruby. The folder is uploaded (as a .tar.gz, or as JSON text files for a",
      "new function's first version when they fit), leaving out .git, node_modules and what .gitignore",
      "and .slipwayignore exclude; the server installs dependencies and compiles.",
      "",
      "When the code does not compile, prints the compiler's message and exits 1; production keeps",
      "serving the version it served. Prints the new version and the function's URL otherwise.",
    ].join("\n"),
    args: { dir: { description: "The function's folder", required: true } },
    flags: {
      name: { type: "string", description: "The function's name (default: the folder's name)" },
      runtime: { type: "string", choices: functionRuntimeNames, description: "The runtime (default: detected)" },
      entry: { type: "string", placeholder: "file", description: "The entry file (default: detected)" },
      memory: { type: "integer", placeholder: "MB", description: "Memory limit of an instance, in MB" },
      timeout: { type: "integer", placeholder: "seconds", description: "How long an invocation may run" },
      project: projectFlag,
    },
    examples: [
      "slipway functions deploy ./functions/hello",
      "slipway functions deploy . --name resize --runtime python --memory 512 --timeout 30",
    ],
  },
  async (client, { args, flags }) => {
    const dir = resolve(args.dir);
    if (!(await stat(dir).catch(() => undefined))?.isDirectory()) throw new CliError(`${dir} is not a directory`);
    const name = functionNameSchema.safeParse(flags.name ?? nameOfFolder(dir));
    if (!name.success) {
      const what = flags.name ? "--name" : `the folder's name "${basename(dir)}"`;
      const hint = flags.name ? undefined : "pass --name";
      throw new UsageError(
        `${what} is not a function name: ${name.error.issues[0]?.message}`,
        "functions deploy",
        hint,
      );
    }
    const settings = settingsFlagsSchema.safeParse({ memoryMb: flags.memory, timeoutSeconds: flags.timeout });
    if (!settings.success) {
      const issue = settings.error.issues[0];
      throw new UsageError(`${flagOfSetting[String(issue?.path[0])]}: ${issue?.message}`, "functions deploy");
    }
    // Unchanged settings are left out, so a redeploy keeps what the dashboard set.
    const changed = Object.values(settings.data).some((value) => value !== undefined) ? settings.data : undefined;

    const { team, project } = await resolveProject(client, { ref: flags.project, dir: process.cwd() });
    const existing = (await listFunctions(client, team.id, project.id)).find((fn) => fn.name === name.data);
    const given = { runtime: flags.runtime, entry: flags.entry };
    const deployed = existing
      ? await deployVersion(client, { target: { team, project, fn: existing }, dir, given, settings: changed })
      : await createFunction(client, { target: { team, project }, dir, name: name.data, given, settings: changed });
    return reportDeploy(client, deployed);
  },
);

type Given = Parameters<typeof detectSource>[1];
type Settings = z.infer<typeof settingsFlagsSchema>;
type Deployed = { fn: ServerlessFunction; version: FunctionVersion };

/**
 * A new function whose first version is the folder: sent as JSON files when it is small text,
 * as the contract's create takes them; otherwise created from the runtime's template, then
 * the folder is uploaded as its next version.
 */
async function createFunction(
  client: Client,
  options: {
    target: Omit<FunctionTarget, "fn">;
    dir: string;
    name: string;
    given: Given;
    settings: Settings | undefined;
  },
): Promise<Deployed> {
  const { output } = client;
  const { team, project } = options.target;
  const { runtime, entry } = await detectSource(options.dir, options.given);
  const files = await output.progress("Reading files", readAsTextFiles(client, options.dir));
  output.note(`Creating function ${options.name} in ${project.slug} (${runtime}${entry ? `, entry ${entry}` : ""})`);
  // Without files the template is version 1, with the template's entry; the folder's comes with version 2.
  const created = await client.post(
    `${projectPath(team.id, project.id)}/functions`,
    { name: options.name, runtime, entry: files ? entry : undefined, settings: options.settings, files },
    createdSchema,
    { progress: files ? packagingLabel : "Creating the function", timeoutMs: null },
  );
  if (files) return { fn: created.function, version: created.version };
  output.note(`The folder does not fit in JSON (binary, large or many files): deploying it as version 2.`);
  const target = { team, project, fn: created.function };
  return deployVersion(client, { target, dir: options.dir, given: { runtime: undefined, entry } });
}

/** Uploads the folder as a new version of an existing function, after applying --memory and --timeout. */
async function deployVersion(
  client: Client,
  options: { target: FunctionTarget; dir: string; given: Given; settings?: Settings },
): Promise<Deployed> {
  const { output } = client;
  const { target, dir, given } = options;
  const { team, fn } = target;
  if (given.runtime && given.runtime !== fn.runtime) {
    throw new CliError(`function ${fn.name} runs ${fn.runtime}, not ${given.runtime}; its runtime cannot change`, {
      hint: "deploy it under another --name",
    });
  }
  const path = functionPath(team.id, fn.id);
  if (options.settings) {
    await client.patch(path, { settings: options.settings }, functionSchema, { progress: "Updating settings" });
  }
  // Keep the function's entry while the folder has it; a renamed entry file is picked up again.
  const entry =
    given.entry ??
    ((await hasEntry(dir, fn.entry))
      ? undefined
      : (await detectSource(dir, { runtime: fn.runtime, entry: undefined })).entry);
  if (entry && entry !== fn.entry) output.note(`The entry changes from ${fn.entry} to ${entry}.`);
  let version: FunctionVersion;
  try {
    version = await uploadDirectory(client, {
      dir,
      path: `${path}/versions`,
      query: { entry },
      schema: functionVersionSchema,
      waitLabel: packagingLabel,
    });
  } catch (error) {
    // 422: packaging failed. The failed version, with the compiler's message, is the newest one.
    if (!(error instanceof ApiError && error.status === 422)) throw error;
    const [newest] = await listVersions(client, target);
    if (newest?.status !== "failed") throw error;
    version = newest;
  }
  const updated = await client.get(path, functionSchema);
  return { fn: updated, version };
}

/** The version and URL on success; the compiler's message and exit code 1 when packaging failed. */
function reportDeploy(client: Client, deployed: Deployed): number {
  const { output } = client;
  const { fn, version } = deployed;
  output.result({ function: fn, version }, () => {
    if (version.status !== "ready") return;
    const took = version.buildMs === null ? "" : ` in ${formatDuration(version.buildMs)}`;
    output.note(`Deployed ${fn.name} version ${version.number} (${fn.runtime}, packaged${took}).`);
    output.print(fn.url);
  });
  if (version.status === "ready") return exitCodes.ok;
  output.error(`version ${version.number} of ${fn.name} did not deploy:\n${version.error ?? "packaging failed"}`);
  output.note(
    fn.productionVersion === null
      ? "Nothing is in production yet."
      : `Production still serves version ${fn.productionVersion}.`,
  );
  return exitCodes.failure;
}

/** The folder's name as a function name: lowercase, with single hyphens for anything else. */
function nameOfFolder(dir: string): string {
  return basename(dir)
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 40);
}
