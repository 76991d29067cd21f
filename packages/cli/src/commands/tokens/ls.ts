import { type ApiToken, apiTokenSchema } from "@slipway/contracts";
import { defineCommand } from "../../args.ts";
import { resolveCurrentTeam } from "../../current-team.ts";
import { formatDate } from "../../output.ts";

export const tokensLs = defineCommand(
  {
    name: "ls",
    summary: "List the current team's API tokens; * marks the one you are using",
  },
  async (client) => {
    const { output } = client;
    const { me, team } = await resolveCurrentTeam(client);
    const tokens = await client.listAll(`/api/v1/teams/${encodeURIComponent(team.id)}/tokens`, apiTokenSchema, {
      progress: "Loading tokens",
    });

    output.result({ items: tokens }, () => {
      if (tokens.length === 0) return output.print(`No API tokens in team ${team.slug}.`);
      output.table(
        ["", "ID", "NAME", "TOKEN", "STATUS", "SCOPES", "LAST USED", "EXPIRES", "CREATED BY"],
        tokens.map((token) => [
          token.id === me.token?.id ? "*" : "",
          token.id,
          token.name,
          `${token.start}…`,
          tokenStatus(token),
          token.scopes.join(","),
          formatDate(token.lastUsedAt),
          formatDate(token.expiresAt),
          token.createdBy.email,
        ]),
      );
    });
    return 0;
  },
);

function tokenStatus(token: ApiToken, now = Date.now()): string {
  if (token.revokedAt) return "revoked";
  if (token.expiresAt && Date.parse(token.expiresAt) <= now) return "expired";
  return "active";
}
