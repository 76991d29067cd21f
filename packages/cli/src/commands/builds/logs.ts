import { type BuildLogLine, buildLogPageSchema, buildSchema } from "@slipway/contracts";
import { buildPath } from "../../api-paths.ts";
import { defineCommand } from "../../args.ts";
import { resolveCurrentTeam } from "../../current-team.ts";
import { exitCodes } from "../../errors.ts";
import { capitalize, describeBuildEnd, followUntilInterrupted } from "../../follow-build.ts";

export const buildsLogs = defineCommand(
  {
    name: "logs",
    summary: "Print a build's log; --follow keeps printing until the build ends",
    description: "The log goes to stdout, how the build ended to stderr. Ctrl-C stops following; the build goes on.",
    args: { buildId: { description: "The build's id, as `slipway builds ls` shows it", required: true } },
    flags: { follow: { type: "boolean", short: "f", description: "Keep printing new lines until the build ends" } },
    examples: ["slipway builds logs bld_0123456789abcdefghij", "slipway builds logs bld_0123456789abcdefghij -f"],
  },
  async (client, { args, flags }) => {
    const { output } = client;
    const { team } = await resolveCurrentTeam(client);
    const path = buildPath(team.id, args.buildId);
    const lines: BuildLogLine[] = [];
    const onLine = (line: BuildLogLine) => {
      lines.push(line);
      output.print(line.text);
    };

    if (flags.follow) {
      const ended = await followUntilInterrupted(client, { teamId: team.id, buildId: args.buildId, onLine });
      if (!ended) return exitCodes.interrupted;
      output.result({ build: ended, lines }, () => output.note(`${capitalize(describeBuildEnd(ended))}.`));
      return exitCodes.ok;
    }

    let isComplete = false;
    for (let after = 0; !isComplete; ) {
      const page = await client.get(`${path}/logs`, buildLogPageSchema, { query: { after } });
      for (const line of page.lines) onLine(line);
      const last = page.lines.at(-1);
      isComplete = page.isComplete || !last;
      if (last) after = last.seq;
    }
    const build = await client.get(path, buildSchema);
    output.result({ build, lines }, () => {
      const isOver = build.status !== "queued" && build.status !== "running";
      output.note(
        isOver
          ? `${capitalize(describeBuildEnd(build))}.`
          : `Build #${build.number} is ${build.status}; --follow keeps printing.`,
      );
    });
    return exitCodes.ok;
  },
);
