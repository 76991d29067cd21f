import { meSchema, tokenPattern, tokenPrefix } from "@slipway/contracts";
import { defineCommand } from "../args.ts";
import { updateConfig } from "../config.ts";
import { describeTeam } from "../current-team.ts";
import { UsageError } from "../errors.ts";
import { readSecret } from "../prompt.ts";

export const login = defineCommand(
  {
    name: "login",
    summary: "Sign in to a Slipway server with an API token",
    description: [
      "Create a token in the dashboard (team settings, API tokens) and paste it at the prompt;",
      "piped input is read too. The token is checked with the server before it is saved",
      "to the config file, which only you can read.",
    ].join("\n"),
    flags: {
      api: {
        type: "string",
        placeholder: "url",
        description: "Server URL (default: SLIPWAY_API, the saved server, or http://localhost:3000)",
      },
      token: { type: "string", description: "The API token; visible in your shell history, so prefer the prompt" },
    },
    examples: ["slipway login", "slipway login --api https://slipway.example.com", "slipway login < token.txt"],
  },
  async (client, { flags }) => {
    const { output, settings } = client;
    const api = parseApiUrl(flags.api ?? settings.api);
    const token = (flags.token ?? (await readSecret(client.streams, "API token: "))).trim();
    if (!tokenPattern.test(token)) {
      throw new UsageError(
        token ? `that is not a Slipway API token` : "no token given",
        "login",
        `tokens start with ${tokenPrefix} and are 40 characters long`,
      );
    }
    const me = await client.withCredentials({ api, token }).get("/api/v1/me", meSchema, {
      progress: "Verifying token",
    });
    const team = me.teams.find((t) => t.id === me.token?.teamId) ?? me.teams[0];
    await updateConfig(settings.configPath, { api, token, teamId: team?.id });

    output.result({ api, user: me.user, team: team ?? null, token: me.token, configPath: settings.configPath }, () => {
      output.print(`Logged in to ${api} as ${me.user.name} <${me.user.email}>`);
      if (team) output.print(`Team: ${describeTeam(team)}, role ${team.role}`);
      output.note(`Saved to ${settings.configPath}`);
    });
    if (settings.tokenSource === "env") output.warn("SLIPWAY_TOKEN is set and takes precedence over the saved token");
    return 0;
  },
);

function parseApiUrl(value: string): string {
  const url = URL.canParse(value) ? new URL(value) : undefined;
  if (!url || (url.protocol !== "http:" && url.protocol !== "https:")) {
    throw new UsageError(`--api must be an http(s) URL, got "${value}"`, "login");
  }
  return url.href.replace(/\/+$/, "");
}
