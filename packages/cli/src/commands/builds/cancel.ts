import { buildSchema } from "@slipway/contracts";
import { buildPath } from "../../api-paths.ts";
import { defineCommand } from "../../args.ts";
import { resolveCurrentTeam } from "../../current-team.ts";

export const buildsCancel = defineCommand(
  {
    name: "cancel",
    summary: "Cancel a queued or running build",
    args: { buildId: { description: "The build's id, as `slipway builds ls` shows it", required: true } },
    examples: ["slipway builds cancel bld_0123456789abcdefghij"],
  },
  async (client, { args }) => {
    const { output } = client;
    const { team } = await resolveCurrentTeam(client);
    const build = await client.post(`${buildPath(team.id, args.buildId)}/cancel`, {}, buildSchema, {
      progress: "Canceling the build",
    });

    output.result(build, () => output.print(`Build #${build.number} (${build.id}) is ${build.status}.`));
    return 0;
  },
);
