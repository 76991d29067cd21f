import { buildSchema } from "@slipway/contracts";
import { buildPath } from "../../api-paths.ts";
import { defineCommand } from "../../args.ts";
import { resolveCurrentTeam } from "../../current-team.ts";
import { followAndReport } from "../../follow-build.ts";

export const buildsRetry = defineCommand(
  {
    name: "retry",
    summary: "Build the same source and settings again, and follow the new build's log",
    description: "Exits 1 when the new build fails. Ctrl-C stops following without asking; the build goes on.",
    args: { buildId: { description: "The build to run again", required: true } },
    flags: { "no-follow": { type: "boolean", description: "Print the new build and return at once" } },
    examples: [
      "slipway builds retry bld_0123456789abcdefghij",
      "slipway builds retry bld_0123456789abcdefghij --no-follow",
    ],
  },
  async (client, { args, flags }) => {
    const { output } = client;
    const { team } = await resolveCurrentTeam(client);
    const build = await client.post(`${buildPath(team.id, args.buildId)}/retry`, {}, buildSchema, {
      progress: "Queueing the build",
    });
    if (flags["no-follow"]) {
      output.result(build, () => output.print(`Queued build #${build.number} (${build.id}).`));
      return 0;
    }
    output.note(`Retrying as build #${build.number} (${build.id})`);
    return followAndReport(client, { teamId: team.id, build });
  },
);
