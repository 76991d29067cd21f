import { meSchema } from "@slipway/contracts";
import { defineCommand } from "../../args.ts";
import { updateConfig } from "../../config.ts";
import { describeTeam, findTeam, teamNotAvailable } from "../../current-team.ts";

export const teamsSwitch = defineCommand(
  {
    name: "switch",
    summary: "Make another team the current one",
    description: "An API token acts in the one team it was created in; to work in another team, log in with its token.",
    args: { team: { description: "The team's id or slug", required: true } },
    examples: ["slipway teams switch acme"],
  },
  async (client, { args }) => {
    const { output, settings } = client;
    const me = await client.get("/api/v1/me", meSchema, { progress: "Checking your teams" });
    const team = findTeam(me.teams, args.team);
    if (!team) throw teamNotAvailable(me, args.team, "`slipway teams ls` lists the teams you can switch to");
    await updateConfig(settings.configPath, { teamId: team.id });

    output.result({ team }, () => output.print(`Switched to team ${describeTeam(team)}.`));
    if (settings.teamSource === "env") output.warn(`SLIPWAY_TEAM is set to "${settings.team}" and takes precedence`);
    return 0;
  },
);
