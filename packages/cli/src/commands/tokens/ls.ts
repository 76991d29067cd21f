import { type ApiToken, apiTokenSchema, pageOf } from "@slipway/contracts";
import { defineCommand } from "../../args.ts";
import type { Client } from "../../client.ts";
import { resolveCurrentTeam } from "../../current-team.ts";
import { formatDate } from "../../output.ts";

const tokenPageSchema = pageOf(apiTokenSchema);
/** The most the API returns in one page. */
const pageSize = 100;

export const tokensLs = defineCommand(
  {
    name: "ls",
    summary: "List the current team's API tokens; * marks the one you are using",
  },
  async (client) => {
    const { output } = client;
    const { me, team } = await resolveCurrentTeam(client);
    const tokens = await output.progress("Loading tokens", listAllTokens(client, team.id));

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

async function listAllTokens(client: Client, teamId: string): Promise<ApiToken[]> {
  const tokens: ApiToken[] = [];
  let cursor: string | undefined;
  do {
    const page = await client.get(`/api/v1/teams/${encodeURIComponent(teamId)}/tokens`, tokenPageSchema, {
      query: { limit: pageSize, cursor },
    });
    tokens.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return tokens;
}

function tokenStatus(token: ApiToken, now = Date.now()): string {
  if (token.revokedAt) return "revoked";
  if (token.expiresAt && Date.parse(token.expiresAt) <= now) return "expired";
  return "active";
}
