import { chmod, mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { z } from "zod";
import { CliError } from "./errors.ts";

export const defaultApiUrl = "http://localhost:3000";

/** What `slipway login` saves. The token is a secret, so the file is readable by its owner only. */
export const configFileSchema = z.object({
  api: z.string().optional(),
  token: z.string().optional(),
  /** Always a team id; `teams switch` resolves slugs before saving. */
  teamId: z.string().optional(),
});
export type ConfigFile = z.infer<typeof configFileSchema>;

/** Where each setting came from, so messages can say why a value is what it is. */
export type Source = "env" | "config" | "default";

export type Settings = {
  configPath: string;
  api: string;
  token: string | undefined;
  tokenSource: Source | undefined;
  /** A team id, or with SLIPWAY_TEAM also a slug. */
  team: string | undefined;
  teamSource: Source | undefined;
};

export function configPath(env: NodeJS.ProcessEnv): string {
  if (env.SLIPWAY_CONFIG) return env.SLIPWAY_CONFIG;
  const base = env.XDG_CONFIG_HOME || join(homedir(), ".config");
  return join(base, "slipway", "config.json");
}

export async function readConfig(path: string): Promise<ConfigFile> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if (isMissing(error)) return {};
    throw new CliError(`cannot read ${path}: ${(error as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  const parsed = configFileSchema.safeParse(json);
  if (!parsed.success) {
    throw new CliError(`${path} is not a valid slipway config file`, {
      hint: "delete it and run `slipway login` again",
    });
  }
  return parsed.data;
}

export async function writeConfig(path: string, config: ConfigFile): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  await writePrivateFile(path, `${JSON.stringify(config, null, 2)}\n`);
}

/** Writes through a temporary file so a crash never leaves half a file, and leaves it readable by its owner only. */
export async function writePrivateFile(path: string, text: string): Promise<void> {
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, text, { mode: 0o600 });
  // `mode` only applies when the file is created; chmod covers a leftover temporary file.
  await chmod(temporary, 0o600);
  await rename(temporary, path);
}

/** Changes some fields; a field set to undefined is removed. Deletes the file when nothing is left. */
export async function updateConfig(path: string, changes: Partial<ConfigFile>): Promise<ConfigFile> {
  const next = { ...(await readConfig(path)), ...changes };
  const kept = Object.fromEntries(Object.entries(next).filter(([, value]) => value !== undefined));
  if (Object.keys(kept).length === 0) await rm(path, { force: true });
  else await writeConfig(path, kept);
  return kept;
}

export function resolveSettings(env: NodeJS.ProcessEnv, file: ConfigFile, path: string): Settings {
  const api = pick(env.SLIPWAY_API, file.api) ?? { value: defaultApiUrl, source: "default" as const };
  const token = pick(env.SLIPWAY_TOKEN, file.token);
  const team = pick(env.SLIPWAY_TEAM, file.teamId);
  return {
    configPath: path,
    api: api.value.replace(/\/+$/, ""),
    token: token?.value,
    tokenSource: token?.source,
    team: team?.value,
    teamSource: team?.source,
  };
}

function pick(fromEnv: string | undefined, fromFile: string | undefined) {
  if (fromEnv) return { value: fromEnv, source: "env" as const };
  if (fromFile) return { value: fromFile, source: "config" as const };
  return undefined;
}

function isMissing(error: unknown): boolean {
  return error instanceof Error && "code" in error && error.code === "ENOENT";
}
