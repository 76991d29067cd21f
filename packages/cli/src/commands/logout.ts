import { defineCommand } from "../args.ts";
import { readConfig, updateConfig } from "../config.ts";

export const logout = defineCommand(
  {
    name: "logout",
    summary: "Forget the saved token",
    description: "Removes the token from the config file. The token itself keeps working until it is revoked.",
  },
  async (client) => {
    const { output, settings } = client;
    const config = await readConfig(settings.configPath);
    const wasLoggedIn = config.token !== undefined;
    if (wasLoggedIn) await updateConfig(settings.configPath, { token: undefined, teamId: undefined });

    output.result({ wasLoggedIn, configPath: settings.configPath }, () => {
      if (!wasLoggedIn) return output.print("Not logged in.");
      output.print(`Logged out of ${config.api ?? settings.api}.`);
      output.note("The token still works until it is revoked, in the dashboard or with `slipway tokens revoke <id>`.");
    });
    if (settings.tokenSource === "env") output.warn("SLIPWAY_TOKEN is still set, so commands keep using it");
    return 0;
  },
);
