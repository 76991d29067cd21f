import packageJson from "../package.json" with { type: "json" };
import { type Command, closest, parseCommandArgs } from "./args.ts";
import { Client, type Streams } from "./client.ts";
import { program } from "./commands/index.ts";
import { configPath, readConfig, resolveSettings } from "./config.ts";
import { CliError, exitCodes, UsageError } from "./errors.ts";
import { isGroup, renderCommandHelp, renderGroupHelp, renderProgramHelp } from "./help.ts";
import { Output } from "./output.ts";

type Route =
  | { kind: "text"; text: string; stream: "stdout" | "stderr"; exitCode: number }
  | { kind: "command"; path: string; command: Command; argv: readonly string[] };

const helpWords = new Set(["--help", "-h", "help"]);

/** Runs one invocation of `slipway` and resolves to its exit code; never throws. */
export async function runCli(argv: readonly string[], options: { env: NodeJS.ProcessEnv; streams: Streams }) {
  const { env, streams } = options;
  try {
    const route = routeCommand(argv);
    if (route.kind === "text") {
      streams[route.stream].write(route.text);
      return route.exitCode;
    }
    const parsed = parseCommandArgs(route.path, route.command, route.argv);
    if (parsed === "help") {
      streams.stdout.write(renderCommandHelp(route.path, route.command));
      return exitCodes.ok;
    }
    const path = configPath(env);
    const settings = resolveSettings(env, await readConfig(path), path);
    const client = new Client(settings, new Output(streams, { isJson: parsed.flags.json }), streams);
    return await route.command.run(client, parsed);
  } catch (error) {
    return reportError(error, streams.stderr, env);
  }
}

/** Finds the command `argv` names; `help` and bare group names answer with help text. */
export function routeCommand(argv: readonly string[]): Route {
  const [first, second, ...rest] = argv;
  const text = (value: string, exitCode: number = exitCodes.ok): Route => ({
    kind: "text",
    text: value,
    stream: exitCode === exitCodes.ok ? "stdout" : "stderr",
    exitCode,
  });
  if (first === undefined || (helpWords.has(first) && second === undefined)) return text(renderProgramHelp(program));
  if (first === "help" && second !== undefined) return routeCommand([second, ...rest, "--help"]);
  if (first === "--version") return text(`${packageJson.version}\n`);

  const entry = program.find((candidate) => candidate.name === first);
  if (!entry) {
    const suggestion = closest(
      first,
      program.map((candidate) => candidate.name),
    );
    const what = first.startsWith("-") ? `unknown option ${first}` : `unknown command "${first}"`;
    throw new UsageError(what, "", suggestion ? `did you mean \`slipway ${suggestion}\`?` : undefined);
  }
  if (!isGroup(entry)) return { kind: "command", path: entry.name, command: entry, argv: argv.slice(1) };
  if (second === undefined) return text(renderGroupHelp(entry), exitCodes.usage);
  if (helpWords.has(second)) return text(renderGroupHelp(entry));
  const command = entry.commands.find((candidate) => candidate.name === second);
  if (!command) {
    const suggestion = closest(
      second,
      entry.commands.map((candidate) => candidate.name),
    );
    throw new UsageError(
      `unknown command "${entry.name} ${second}"`,
      entry.name,
      suggestion ? `did you mean \`slipway ${entry.name} ${suggestion}\`?` : undefined,
    );
  }
  return { kind: "command", path: `${entry.name} ${command.name}`, command, argv: argv.slice(2) };
}

function reportError(error: unknown, stderr: Streams["stderr"], env: NodeJS.ProcessEnv): number {
  if (!(error instanceof CliError)) {
    const detail = env.SLIPWAY_DEBUG && error instanceof Error ? error.stack : String(error);
    stderr.write(`error: unexpected failure: ${detail}\nSet SLIPWAY_DEBUG=1 for details, and report it.\n`);
    return exitCodes.failure;
  }
  stderr.write(`error: ${error.message}\n`);
  if (error.hint) stderr.write(`hint: ${error.hint}\n`);
  if (error instanceof UsageError) {
    stderr.write(`Run \`${["slipway", error.commandPath, "--help"].filter(Boolean).join(" ")}\` for usage.\n`);
  }
  return error.exitCode;
}
