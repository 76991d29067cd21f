import { type Build, type BuildLogLine, buildLogLineSchema, buildSchema, projectSchema } from "@slipway/contracts";
import { buildPath, projectPath } from "./api-paths.ts";
import type { Client } from "./client.ts";
import { exitCodes } from "./errors.ts";
import { followEventStream, parseEventData } from "./event-stream.ts";
import { untilInterrupted } from "./interrupt.ts";

/**
 * Streams a build's log (server-sent events) to `onLine` until the build ends, reconnecting
 * with Last-Event-ID when the connection drops so no line is lost or repeated. Resolves to
 * the build as it ended, or null when `signal` stopped it first.
 */
export async function followBuildLog(
  client: Client,
  options: { teamId: string; buildId: string; onLine: (line: BuildLogLine) => void; signal?: AbortSignal },
): Promise<Build | null> {
  const { teamId, buildId } = options;
  return followEventStream(client, {
    path: `${buildPath(teamId, buildId)}/logs/stream`,
    signal: options.signal,
    streamName: "build log",
    giveUpHint: `the build goes on; follow it with \`slipway builds logs ${buildId} --follow\``,
    onEvent: async (event) => {
      if (event.type === "line") {
        const line = parseEventData(event, buildLogLineSchema);
        if (line) options.onLine(line);
        else client.output.warn(`skipped a log line this CLI cannot read (event ${event.id})`);
      }
      // The streamed build lacks the deployment URL: read it whole once it is over.
      if (event.type === "end") return client.get(buildPath(teamId, buildId), buildSchema);
      return undefined;
    },
  });
}

/**
 * Follows a build the way `deploy` and `builds retry` do: log lines on stderr, the URL on stdout,
 * exit code 0 only when it succeeded. Ctrl-C stops following; the build goes on.
 */
export async function followAndReport(client: Client, options: { teamId: string; build: Build }): Promise<number> {
  const { output } = client;
  const { teamId, build } = options;
  const ended = await followUntilInterrupted(client, {
    teamId,
    buildId: build.id,
    onLine: (line) => output.note(line.text),
  });
  if (!ended) return exitCodes.interrupted;
  return reportBuildEnd(client, teamId, ended);
}

/**
 * `followBuildLog` where Ctrl-C stops following instead of ending the process, and says how
 * to pick the log up again; resolves to null then.
 */
export async function followUntilInterrupted(
  client: Client,
  options: { teamId: string; buildId: string; onLine: (line: BuildLogLine) => void },
): Promise<Build | null> {
  const { output, streams } = client;
  if (streams.stderr.isTTY) output.note("Ctrl-C stops following the log; the build goes on.");
  const ended = await untilInterrupted((signal) => followBuildLog(client, { ...options, signal }));
  if (!ended) {
    output.note(`\nStopped following. The build goes on on the server.`);
    output.note(`Follow it again: slipway builds logs ${options.buildId} --follow`);
  }
  return ended;
}

/** Prints how a build ended: its URL when it succeeded, the failing step and reason when not. */
export async function reportBuildEnd(client: Client, teamId: string, build: Build): Promise<number> {
  const { output } = client;
  const isSucceeded = build.status === "succeeded";
  const productionUrl =
    isSucceeded && build.environment === "production"
      ? (await client.get(projectPath(teamId, build.projectId), projectSchema)).productionUrl
      : null;
  const url = productionUrl ?? build.deploymentUrl;
  output.result({ build, url }, () => {
    if (!isSucceeded) return;
    output.note(`\n${capitalize(describeBuildEnd(build))}.`);
    if (productionUrl && build.deploymentUrl) output.note(`Deployment: ${build.deploymentUrl}`);
    output.note(productionUrl ? "Production:" : "Preview:");
    output.print(url ?? "");
  });
  if (isSucceeded) return exitCodes.ok;
  output.error(describeBuildEnd(build));
  output.note(`See the whole log: slipway builds logs ${build.id}`);
  return exitCodes.failure;
}

/** "build #3 failed at step build: … (command_failed)", for a build that is over. */
export function describeBuildEnd(build: Build): string {
  const { error } = build;
  const name = `build #${build.number}`;
  if (build.status === "succeeded") {
    return `${name} succeeded${build.durationMs === null ? "" : ` in ${formatDuration(build.durationMs)}`}`;
  }
  if (build.status === "canceled") return `${name} was canceled${error ? `: ${error.message}` : ""}`;
  if (!error) return `${name} is ${build.status}`;
  const step = error.step ? ` at step ${error.step}` : "";
  return `${name} failed${step}: ${error.message} (${error.reason})`;
}

export const capitalize = (text: string) => `${text.charAt(0).toUpperCase()}${text.slice(1)}`;

export function formatDuration(ms: number): string {
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  return `${Math.floor(ms / 60_000)}m${Math.round((ms % 60_000) / 1000)}s`;
}
