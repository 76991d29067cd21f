import { meSchema, teamSchema } from "@slipway/contracts";
import { z } from "zod";
import { defineCommand } from "../../args.ts";
import { findTeam } from "../../current-team.ts";

const teamListSchema = z.object({ items: z.array(teamSchema) });

export const teamsLs = defineCommand(
  {
    name: "ls",
    summary: "List the teams you can work in; * marks the current one",
  },
  async (client) => {
    const { output, settings } = client;
    const { items } = await client.get("/api/v1/teams", teamListSchema, { progress: "Loading teams" });
    const ref = settings.team ?? (await client.get("/api/v1/me", meSchema)).token?.teamId;
    const current = ref ? findTeam(items, ref) : undefined;
    const teams = items.map((team) => ({ ...team, isCurrent: team.id === current?.id }));

    output.result({ items: teams }, () => {
      if (teams.length === 0) return output.print("You are not in any team.");
      output.table(
        ["", "SLUG", "NAME", "ROLE", "ID"],
        teams.map((team) => [team.isCurrent ? "*" : "", team.slug, team.name, team.role, team.id]),
      );
    });
    return 0;
  },
);
