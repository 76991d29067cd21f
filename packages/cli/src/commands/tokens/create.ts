import { createdTokenSchema, createTokenSchema, permissions } from "@slipway/contracts";
import { defineCommand } from "../../args.ts";
import { describeTeam, resolveCurrentTeam } from "../../current-team.ts";
import { UsageError } from "../../errors.ts";
import { formatDate } from "../../output.ts";

/** Tokens expire unless asked otherwise, so a forgotten one stops working on its own. */
const defaultExpiresInDays = 90;
/** Which flag fed each field of the request, to name it when the contract refuses a value. */
const flagOfField: Record<string, string> = { name: "--name", scopes: "--scope", expiresInDays: "--expires-in-days" };

export const tokensCreate = defineCommand(
  {
    name: "create",
    summary: "Create an API token in the current team and print its secret once",
    description: "A token can do at most what you can do in the team, limited further to its scopes.",
    flags: {
      name: { type: "string", required: true, description: "What the token is for, e.g. ci or laptop" },
      scope: {
        type: "string",
        placeholder: "permission",
        required: true,
        repeatable: true,
        choices: permissions,
        description: "A permission the token carries",
      },
      "expires-in-days": {
        type: "integer",
        placeholder: "days",
        description: `Days until the token stops working (default ${defaultExpiresInDays})`,
      },
      "no-expiry": { type: "boolean", description: "Create a token that never expires" },
    },
    examples: [
      "slipway tokens create --name ci --scope team:read --scope tokens:read",
      "slipway tokens create --name laptop --scope team:read --no-expiry --json",
    ],
  },
  async (client, { flags }) => {
    const { output } = client;
    if (flags["no-expiry"] && flags["expires-in-days"] !== undefined) {
      throw new UsageError("use either --expires-in-days or --no-expiry, not both", "tokens create");
    }
    const input = createTokenSchema.safeParse({
      name: flags.name,
      scopes: [...new Set(flags.scope)],
      expiresInDays: flags["no-expiry"] ? null : (flags["expires-in-days"] ?? defaultExpiresInDays),
    });
    if (!input.success) {
      const issue = input.error.issues[0];
      const flag = flagOfField[String(issue?.path[0])] ?? "input";
      throw new UsageError(`${flag}: ${issue?.message ?? "invalid"}`, "tokens create");
    }
    const { team } = await resolveCurrentTeam(client);
    const created = await client.post(
      `/api/v1/teams/${encodeURIComponent(team.id)}/tokens`,
      input.data,
      createdTokenSchema,
      { progress: "Creating token" },
    );

    output.result(created, () => {
      const { token } = created;
      output.print(`Created token "${token.name}" (${token.id}) in team ${describeTeam(team)}.`);
      output.print(`Scopes:  ${token.scopes.join(", ")}`);
      output.print(`Expires: ${formatDate(token.expiresAt)}`);
      output.print();
      output.print(`  ${created.secret}`);
      output.print();
      output.note("Copy the token now: it is not shown again.");
    });
    return 0;
  },
);
