import {
  type InvocationDetail,
  invocationDetailSchema,
  invocationSchema,
  invocationStatuses,
  pageOf,
} from "@slipway/contracts";
import { defineCommand } from "../../args.ts";
import { exitCodes, UsageError } from "../../errors.ts";
import { followEventStream, parseEventData } from "../../event-stream.ts";
import { untilInterrupted } from "../../interrupt.ts";
import { formatInvocation, functionPath, projectFlag, resolveFunction } from "./functions-api.ts";

const invocationPageSchema = pageOf(invocationSchema);
const defaultLimit = 20;
/** The most invocations the API lists at once. */
const maxLimit = 200;
const unitSeconds: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };

export const functionsLogs = defineCommand(
  {
    name: "logs",
    summary: "Print a function's recent invocations with their reports and logs; --follow keeps printing",
    description: [
      "Each invocation prints as one REPORT line (time, id, version, trigger, status, duration, init",
      "time when it was a cold start, peak memory, CPU time), then its error and log lines, indented;",
      "oldest first. --follow then prints each new invocation as it finishes, until Ctrl-C.",
      "--json prints one JSON object per invocation (JSON Lines).",
    ].join("\n"),
    args: { name: { description: "The function's name or id", required: true } },
    flags: {
      follow: { type: "boolean", short: "f", description: "Keep printing new invocations until Ctrl-C" },
      status: { type: "string", choices: invocationStatuses, description: "Only invocations with this status" },
      since: {
        type: "string",
        placeholder: "duration|time",
        description: "Only invocations since then: 30m, 1h, 2d, or an ISO time",
      },
      limit: {
        type: "integer",
        short: "n",
        placeholder: "count",
        description: `How many recent invocations to print, at most ${maxLimit} (default ${defaultLimit})`,
      },
      project: projectFlag,
    },
    examples: [
      "slipway functions logs hello",
      "slipway functions logs hello --status failed --since 1h",
      "slipway functions logs hello -f --json | jq .durationMs",
    ],
  },
  async (client, { args, flags }) => {
    const { output } = client;
    const limit = flags.limit ?? defaultLimit;
    if (limit < 1 || limit > maxLimit) throw new UsageError(`--limit must be from 1 to ${maxLimit}`, "functions logs");
    const since = flags.since === undefined ? undefined : parseSince(flags.since);
    const { team, fn } = await resolveFunction(client, { ref: args.name, project: flags.project });
    const path = `${functionPath(team.id, fn.id)}/invocations`;
    const printed = new Set<string>();
    const print = (invocation: InvocationDetail) => {
      // The stream may repeat what the list showed, or an invocation seen before a reconnection.
      if (printed.has(invocation.id)) return;
      printed.add(invocation.id);
      if (output.isJson) output.jsonLine(invocation);
      else for (const line of formatInvocation(invocation)) output.print(line);
    };

    const page = await client.get(path, invocationPageSchema, {
      query: { limit, status: flags.status, since },
      progress: "Loading invocations",
    });
    // The list has no logs: each invocation's detail does. Newest come first; print oldest first.
    const details = await output.progress(
      "Loading logs",
      Promise.all(
        page.items.map((item) => client.get(`${path}/${encodeURIComponent(item.id)}`, invocationDetailSchema)),
      ),
    );
    for (const detail of details.reverse()) print(detail);
    if (!flags.follow) {
      if (details.length === 0)
        output.note(`No invocations of ${fn.name}${flags.status || since ? " match" : " yet"}.`);
      return exitCodes.ok;
    }

    if (client.streams.stderr.isTTY) output.note("Following invocations; Ctrl-C stops.");
    await untilInterrupted((signal) =>
      followEventStream<never>(client, {
        path: `${path}/stream`,
        signal,
        streamName: "invocation",
        giveUpHint: `follow it again with \`slipway functions logs ${fn.name} --follow\``,
        onEvent: (event) => {
          if (event.type !== "invocation") return undefined;
          const invocation = parseEventData(event, invocationDetailSchema);
          if (!invocation) output.warn(`skipped an invocation this CLI cannot read (event ${event.id})`);
          else if (!flags.status || invocation.status === flags.status) print(invocation);
          return undefined;
        },
      }),
    );
    return exitCodes.ok;
  },
);

/** `30m`, `1h`, `2d` ago, or an ISO time, as the ISO time the API filters on. */
export function parseSince(value: string, now = Date.now()): string {
  const relative = /^(\d+)([smhd])$/.exec(value);
  if (relative)
    return new Date(now - Number(relative[1]) * (unitSeconds[relative[2] as string] as number) * 1000).toISOString();
  const time = Date.parse(value);
  if (Number.isNaN(time)) {
    throw new UsageError(`--since "${value}" is neither a duration nor a time`, "functions logs", "e.g. 30m, 1h, 2d");
  }
  return new Date(time).toISOString();
}
