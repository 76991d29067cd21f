import { meSchema } from "@slipway/contracts";
import { defineCommand } from "../args.ts";
import { describeTeam, findTeam } from "../current-team.ts";

export const whoami = defineCommand(
  {
    name: "whoami",
    summary: "Show who you are signed in as, and the current team",
  },
  async (client) => {
    const { output, settings } = client;
    const me = await client.get("/api/v1/me", meSchema, { progress: "Checking your token" });
    const ref = settings.team ?? me.token?.teamId;
    const team = ref ? findTeam(me.teams, ref) : undefined;

    output.result({ ...me, api: settings.api, currentTeam: team ?? null }, () => {
      output.print(`${me.user.name} <${me.user.email}>`);
      output.print(`Team:   ${team ? `${describeTeam(team)}, role ${team.role}` : "none selected"}`);
      if (me.token) output.print(`Token:  ${me.token.name} (${me.token.id})`);
      output.print(`Server: ${settings.api}`);
    });
    return 0;
  },
);
