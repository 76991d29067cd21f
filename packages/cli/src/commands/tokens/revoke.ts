import { defineCommand } from "../../args.ts";
import { resolveCurrentTeam } from "../../current-team.ts";
import { CliError } from "../../errors.ts";
import { confirm } from "../../prompt.ts";

export const tokensRevoke = defineCommand(
  {
    name: "revoke",
    summary: "Revoke an API token so it stops working at once",
    args: { id: { description: "The token's id, as `slipway tokens ls` shows it", required: true } },
    flags: { yes: { type: "boolean", short: "y", description: "Do not ask for confirmation" } },
    examples: ["slipway tokens revoke tok_0123456789abcdefghij --yes"],
  },
  async (client, { args, flags }) => {
    const { output } = client;
    const { me, team } = await resolveCurrentTeam(client);
    const isOwnToken = me.token?.id === args.id;
    // Only a person at a terminal is asked; scripts (no TTY, or --json) go ahead.
    if (!flags.yes && !output.isJson && client.streams.stdin.isTTY) {
      const warning = isOwnToken
        ? " This is the token you are using; the CLI stops working until you log in again."
        : "";
      if (!(await confirm(client.streams, `Revoke token ${args.id} in team ${team.slug}?${warning}`))) {
        throw new CliError("not revoked");
      }
    }
    await client.delete(`/api/v1/teams/${encodeURIComponent(team.id)}/tokens/${encodeURIComponent(args.id)}`, {
      progress: "Revoking token",
    });

    output.result({ id: args.id, isRevoked: true }, () => output.print(`Revoked token ${args.id}.`));
    if (isOwnToken) output.warn("that was the token this CLI uses; run `slipway login` with another one");
    return 0;
  },
);
