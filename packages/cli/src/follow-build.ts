import { type Build, type BuildLogLine, buildLogLineSchema, buildSchema, projectSchema } from "@slipway/contracts";
import { buildPath, projectPath } from "./api-paths.ts";
import { ApiError, type Client } from "./client.ts";
import { CliError, exitCodes } from "./errors.ts";
import { EventStreamParser, readEventStream, StreamIdleError } from "./event-stream.ts";

/** The server sends a heartbeat every 15 s; three missed ones mean the connection is dead. */
const idleTimeoutMs = 45_000;
/** Reconnections in a row without receiving anything before giving up. */
const maxReconnects = 8;
const defaultRetryMs = 1000;

/**
 * Streams a build's log (server-sent events) to `onLine` until the build ends, reconnecting
 * with Last-Event-ID when the connection drops so no line is lost or repeated. Resolves to
 * the build as it ended, or null when `signal` stopped it first.
 */
export async function followBuildLog(
  client: Client,
  options: { teamId: string; buildId: string; onLine: (line: BuildLogLine) => void; signal?: AbortSignal },
): Promise<Build | null> {
  const { teamId, buildId, signal } = options;
  const parser = new EventStreamParser();
  let failures = 0;
  for (;;) {
    if (signal?.aborted) return null;
    try {
      const headers: Record<string, string> = parser.lastEventId ? { "last-event-id": parser.lastEventId } : {};
      const response = await client.stream(`${buildPath(teamId, buildId)}/logs/stream`, { headers, signal });
      if (!response.body) throw new CliError("the log stream has no body");
      parser.reset();
      for await (const event of readEventStream(response.body, parser, { idleTimeoutMs })) {
        failures = 0;
        if (event.type === "line") {
          const line = buildLogLineSchema.safeParse(parseJson(event.data));
          if (line.success) options.onLine(line.data);
          else client.output.warn(`skipped a log line this CLI cannot read (event ${event.id})`);
        }
        // The streamed build lacks the deployment URL: read it whole once it is over.
        if (event.type === "end") return await client.get(buildPath(teamId, buildId), buildSchema);
      }
    } catch (error) {
      if (signal?.aborted) return null;
      if (!isRetryable(error)) throw error;
      if (failures === 0) client.output.note(`Lost the log stream (${messageOf(error)}); reconnecting…`);
    }
    failures += 1;
    if (failures > maxReconnects) {
      throw new CliError("lost the build log stream and could not reconnect", {
        hint: `the build goes on; follow it with \`slipway builds logs ${buildId} --follow\``,
      });
    }
    await sleep(Math.min(parser.retryMs ?? defaultRetryMs, 10_000) * Math.min(failures, 5), signal);
  }
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
  const controller = new AbortController();
  const abort = () => controller.abort();
  process.once("SIGINT", abort);
  if (streams.stderr.isTTY) output.note("Ctrl-C stops following the log; the build goes on.");
  try {
    const ended = await followBuildLog(client, { ...options, signal: controller.signal });
    if (!ended) {
      output.note(`\nStopped following. The build goes on on the server.`);
      output.note(`Follow it again: slipway builds logs ${options.buildId} --follow`);
    }
    return ended;
  } finally {
    process.off("SIGINT", abort);
  }
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

/**
 * Server errors and dropped or silent connections are worth another try; a 404 or a refused
 * token is not.
 */
function isRetryable(error: unknown): boolean {
  if (error instanceof ApiError) return error.status >= 500;
  // CliError: the server could not be reached; TypeError: fetch's "terminated" when the connection drops.
  return error instanceof CliError || error instanceof StreamIdleError || error instanceof TypeError;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });
}
