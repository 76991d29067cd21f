import { type RuntimeLogLine, runtimeLogLineSchema } from "@slipway/contracts";
import { z } from "zod";
import { deploymentPath } from "../api-paths.ts";
import { projectFlag, resolveAppDeployment, resolveInstanceId } from "../app-runtime.ts";
import { defineCommand } from "../args.ts";
import { exitCodes, UsageError } from "../errors.ts";
import { followEventStream, parseEventData } from "../event-stream.ts";
import { untilInterrupted } from "../interrupt.ts";
import { formatRuntimeLogLine, isColorWanted } from "../runtime-log.ts";

/** The API answers up to this many lines at once. */
const maxLines = 5000;
const defaultLines = 100;

// The route's answer; the contract names only the line.
const runtimeLogPageSchema = z.object({ lines: z.array(runtimeLogLineSchema) });

export const logs = defineCommand(
  {
    name: "logs",
    summary: "Print what a server app's instances write; --follow keeps printing",
    description: [
      "Prints the newest lines of a deployment's runtime log (stdout and stderr of every instance,",
      "and Slipway's own lines about them): time, instance and text. Without a deployment id: the",
      "production deployment of the project this directory is linked to (or of --project).",
      "",
      "--follow keeps printing new lines, reconnecting where it stopped when the connection drops;",
      "Ctrl-C stops it. --json prints one JSON object per line (JSON Lines).",
    ].join("\n"),
    args: { deploymentId: { description: "The deployment's id, as `slipway deployments ls` shows it" } },
    flags: {
      follow: { type: "boolean", short: "f", description: "Keep printing new lines until Ctrl-C" },
      instance: {
        type: "string",
        placeholder: "id",
        description: "Only this instance's lines: its id, or the short id the log shows",
      },
      stream: { type: "string", choices: ["stdout", "stderr", "system"], description: "Only lines of this stream" },
      grep: { type: "string", placeholder: "text", description: "Only lines containing this text (any case)" },
      lines: {
        type: "integer",
        short: "n",
        placeholder: "count",
        description: `How many of the newest lines to print first, at most ${maxLines} (default ${defaultLines})`,
      },
      project: projectFlag,
    },
    examples: [
      "slipway logs",
      "slipway logs --follow --stream stderr",
      "slipway logs dpl_0123456789abcdefghij --grep timeout --lines 500",
      "slipway logs -f --json | jq -r .text",
    ],
  },
  async (client, { args, flags }) => {
    const { output } = client;
    const limit = flags.lines ?? defaultLines;
    if (limit < 1 || limit > maxLines) throw new UsageError(`--lines must be from 1 to ${maxLines}`, "logs");
    const { team, deployment } = await resolveAppDeployment(client, {
      commandPath: "logs",
      deploymentId: args.deploymentId,
      project: flags.project,
      what: "runtime logs",
    });
    const instanceId = flags.instance
      ? await resolveInstanceId(client, { teamId: team.id, deploymentId: deployment.id, ref: flags.instance })
      : undefined;
    const filter = { instanceId, stream: flags.stream, q: flags.grep };
    const path = `${deploymentPath(team.id, deployment.id)}/logs`;
    const isColor = isColorWanted(client.streams.stdout, process.env);
    let lastId = 0;
    const print = (line: RuntimeLogLine) => {
      // A reconnection resumes after the last id; this only guards against a server that repeats itself.
      if (line.id <= lastId) return;
      lastId = line.id;
      if (output.isJson) output.jsonLine(line);
      else output.print(formatRuntimeLogLine(line, { isColor }));
    };

    const page = await client.get(path, runtimeLogPageSchema, {
      query: { ...filter, limit },
      progress: "Loading the log",
    });
    for (const line of page.lines) print(line);
    if (!flags.follow) {
      if (page.lines.length === 0)
        output.note(`No log lines${flags.instance || flags.stream || flags.grep ? " match" : " yet"}.`);
      return exitCodes.ok;
    }

    if (client.streams.stderr.isTTY) output.note("Following the log; Ctrl-C stops.");
    await untilInterrupted((signal) =>
      followEventStream<never>(client, {
        path: `${path}/stream`,
        // Where the lines above ended; after a reconnection, Last-Event-ID takes over.
        query: { ...filter, after: lastId },
        signal,
        streamName: "runtime log",
        giveUpHint: `follow it again with \`slipway logs ${deployment.id} --follow\``,
        onEvent: (event) => {
          if (event.type !== "line") return undefined;
          const line = parseEventData(event, runtimeLogLineSchema);
          if (line) print(line);
          else output.warn(`skipped a log line this CLI cannot read (event ${event.id})`);
          return undefined;
        },
      }),
    );
    return exitCodes.ok;
  },
);
