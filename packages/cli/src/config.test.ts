import { chmod, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { configPath, readConfig, resolveSettings, updateConfig, writeConfig } from "./config.ts";
import { CliError } from "./errors.ts";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "slipway-cli-config-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const modeOf = async (path: string) => (await stat(path)).mode & 0o777;

describe("config file", () => {
  it("is written readable by its owner only, in a directory only the owner can enter", async () => {
    const path = join(dir, "nested", "slipway", "config.json");
    await writeConfig(path, { api: "http://localhost:3000", token: "slw_secret", teamId: "team_1" });
    expect(await modeOf(path)).toBe(0o600);
    expect(await modeOf(join(dir, "nested", "slipway"))).toBe(0o700);
    expect(await readConfig(path)).toEqual({ api: "http://localhost:3000", token: "slw_secret", teamId: "team_1" });
  });

  it("tightens a file someone made world-readable when it is saved again", async () => {
    const path = join(dir, "config.json");
    await writeFile(path, "{}");
    await chmod(path, 0o644);
    await updateConfig(path, { token: "slw_secret" });
    expect(await modeOf(path)).toBe(0o600);
  });

  it("removes fields set to undefined and deletes the file once it is empty", async () => {
    const path = join(dir, "config.json");
    await writeConfig(path, { api: "http://a", token: "slw_secret", teamId: "team_1" });
    expect(await updateConfig(path, { token: undefined, teamId: undefined })).toEqual({ api: "http://a" });
    expect(JSON.parse(await readFile(path, "utf8"))).toEqual({ api: "http://a" });
    await updateConfig(path, { api: undefined });
    await expect(stat(path)).rejects.toThrow(/ENOENT/);
  });

  it("reads a missing file as empty and refuses a corrupt one with a way out", async () => {
    expect(await readConfig(join(dir, "absent.json"))).toEqual({});
    const path = join(dir, "config.json");
    await writeFile(path, "{ not json");
    const error = await readConfig(path).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).hint).toContain("slipway login");
  });
});

describe("settings", () => {
  const file = { api: "http://saved:3000", token: "slw_saved", teamId: "team_saved" };

  it("lets SLIPWAY_API, SLIPWAY_TOKEN and SLIPWAY_TEAM beat the config file", () => {
    const env = { SLIPWAY_API: "http://env:4000/", SLIPWAY_TOKEN: "slw_env", SLIPWAY_TEAM: "acme" };
    expect(resolveSettings(env, file, "/c.json")).toEqual({
      configPath: "/c.json",
      api: "http://env:4000",
      token: "slw_env",
      tokenSource: "env",
      team: "acme",
      teamSource: "env",
    });
  });

  it("falls back to the config file, then to localhost", () => {
    expect(resolveSettings({}, file, "/c.json")).toMatchObject({ api: "http://saved:3000", tokenSource: "config" });
    expect(resolveSettings({}, {}, "/c.json")).toMatchObject({ api: "http://localhost:3000", token: undefined });
  });

  it("finds the file at SLIPWAY_CONFIG, else under the XDG config directory", () => {
    expect(configPath({ SLIPWAY_CONFIG: "/x/c.json" })).toBe("/x/c.json");
    expect(configPath({ XDG_CONFIG_HOME: "/home/a/.cfg" })).toBe("/home/a/.cfg/slipway/config.json");
  });
});
