import { defineCommand } from "../../args.ts";
import { formatDuration } from "../../follow-build.ts";
import { formatBytes } from "../../output.ts";
import { formatAgo, listVersions, projectFlag, resolveFunction } from "./functions-api.ts";

export const functionsVersions = defineCommand(
  {
    name: "versions",
    summary: "List a function's versions, newest first; * marks the one in production",
    args: { name: { description: "The function's name or id", required: true } },
    flags: { project: projectFlag },
    examples: ["slipway functions versions hello", "slipway functions versions hello --json"],
  },
  async (client, { args, flags }) => {
    const { output } = client;
    const target = await resolveFunction(client, { ref: args.name, project: flags.project });
    const versions = await listVersions(client, target);

    output.result({ items: versions }, () => {
      const now = Date.now();
      output.table(
        ["", "VERSION", "STATUS", "ENTRY", "SIZE", "PACKAGED IN", "CREATED", "ERROR"],
        versions.map((version) => [
          version.isProduction ? "*" : "",
          `v${version.number}`,
          version.status,
          version.entry,
          version.sizeBytes === null ? "-" : formatBytes(version.sizeBytes),
          version.buildMs === null ? "-" : formatDuration(version.buildMs),
          formatAgo(version.createdAt, now),
          oneLine(version.error ?? ""),
        ]),
      );
    });
    return 0;
  },
);

/** A compiler's message on one line, cut to fit a table: the whole message is in --json. */
function oneLine(text: string, max = 80): string {
  const line = text
    .split(/\s*\n\s*/)
    .filter(Boolean)
    .join(" ");
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}
