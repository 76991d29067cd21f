import { type Me, meSchema, type Team } from "@slipway/contracts";
import type { Client } from "./client.ts";
import { CliError } from "./errors.ts";

export function findTeam(teams: readonly Team[], ref: string): Team | undefined {
  return teams.find((team) => team.id === ref || team.slug === ref);
}

export function describeTeam(team: Team): string {
  return `${team.name} (${team.slug})`;
}

/**
 * The team commands act in: `linkedTeamId` (the team of the project a directory is linked
 * to) when given, else SLIPWAY_TEAM, else the team saved by login or `teams switch`, else the
 * token's own team. Fails clearly when the token cannot act in that team.
 */
export async function resolveCurrentTeam(
  client: Client,
  options: { linkedTeamId?: string } = {},
): Promise<{ me: Me; team: Team }> {
  const me = await client.get("/api/v1/me", meSchema, { progress: "Checking your team" });
  const ref = options.linkedTeamId ?? client.settings.team ?? me.token?.teamId;
  const team = ref ? findTeam(me.teams, ref) : me.teams.length === 1 ? me.teams[0] : undefined;
  if (team) return { me, team };
  if (!ref) throw new CliError("no team selected", { hint: "run `slipway teams switch <id|slug>`" });
  const hint = options.linkedTeamId
    ? "this directory's .slipway/project.json links it to a project in that team"
    : client.settings.teamSource === "env"
      ? `SLIPWAY_TEAM is set to "${ref}"`
      : "run `slipway teams switch <id|slug>` to pick another team";
  throw teamNotAvailable(me, ref, hint);
}

/** An API token acts in one team only; say which, and how to work in the other one. */
export function teamNotAvailable(me: Me, ref: string, hint?: string): CliError {
  if (!me.token) return new CliError(`you are not a member of team "${ref}"`, { hint });
  const own = me.teams.find((team) => team.id === me.token?.teamId);
  const owner = own ? describeTeam(own) : me.token.teamId;
  return new CliError(
    `this token belongs to team ${owner}; create a token in team "${ref}" and run \`slipway login\` with it`,
    { hint },
  );
}
