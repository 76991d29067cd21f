import { type Command, type CommandGroup, type FlagSpec, globalFlags } from "./args.ts";

export type ProgramEntry = Command | CommandGroup;

export function isGroup(entry: ProgramEntry): entry is CommandGroup {
  return "commands" in entry;
}

const environment: [string, string][] = [
  ["SLIPWAY_API", "Server URL; beats the config file (default http://localhost:3000)"],
  ["SLIPWAY_TOKEN", "API token; beats the config file"],
  ["SLIPWAY_TEAM", "Team id or slug; beats the config file"],
  ["SLIPWAY_CONFIG", "Credentials file (default ~/.config/slipway/config.json)"],
  ["NO_COLOR", "Set to anything: logs print without colors, even at a terminal"],
];

export function renderProgramHelp(entries: readonly ProgramEntry[]): string {
  const rows = entries.flatMap((entry): [string, string][] =>
    isGroup(entry) ? entry.commands.map((c) => [`${entry.name} ${c.name}`, c.summary]) : [[entry.name, entry.summary]],
  );
  return sections([
    "slipway: deploy and manage apps on a Slipway server",
    "Usage: slipway <command> [options]",
    `Commands:\n${columns(rows)}`,
    `Options:\n${columns([
      ["-h, --help", "Show help"],
      ["--version", "Print the version"],
    ])}`,
    `Environment:\n${columns(environment)}`,
    "Run `slipway <command> --help` for a command's arguments and options.",
  ]);
}

export function renderGroupHelp(group: CommandGroup): string {
  return sections([
    group.summary,
    `Usage: slipway ${group.name} <command> [options]`,
    `Commands:\n${columns(group.commands.map((c) => [c.name, c.summary]))}`,
    `Run \`slipway ${group.name} <command> --help\` for a command's arguments and options.`,
  ]);
}

/** `path` is how the command is typed after `slipway`, e.g. `tokens create`. */
export function renderCommandHelp(path: string, command: Command): string {
  const args = Object.entries(command.args ?? {});
  const flags: [string, FlagSpec][] = Object.entries({ ...command.flags, ...globalFlags });
  const usage = [
    `slipway ${path}`,
    ...args.map(([name, arg]) => (arg.required ? `<${name}>` : `[${name}]`)),
    ...flags.filter(([, flag]) => flag.required).map(([name, flag]) => flagUsage(name, flag)),
    "[options]",
  ];
  return sections([
    command.summary,
    `Usage: ${usage.join(" ")}`,
    command.description,
    args.length > 0 ? `Arguments:\n${columns(args.map(([name, arg]) => [`<${name}>`, arg.description]))}` : undefined,
    `Options:\n${columns(flags.map(([name, flag]) => [flagUsage(name, flag), describeFlag(flag)]))}`,
    command.examples?.length ? `Examples:\n${command.examples.map((e) => `  $ ${e}`).join("\n")}` : undefined,
  ]);
}

function flagUsage(name: string, flag: FlagSpec): string {
  const short = flag.short ? `-${flag.short}, ` : "";
  const value = flag.type === "boolean" ? "" : ` <${flag.placeholder ?? name}>`;
  return `${short}--${name}${value}${flag.repeatable ? "..." : ""}`;
}

function describeFlag(flag: FlagSpec): string {
  const notes = [flag.required ? "required" : undefined, flag.repeatable ? "repeatable" : undefined].filter(Boolean);
  const lines = [notes.length > 0 ? `${flag.description} (${notes.join(", ")})` : flag.description];
  if (flag.choices) lines.push(...wrap(`One of: ${flag.choices.join(", ")}`, 64));
  return lines.join("\n");
}

function sections(parts: readonly (string | undefined)[]): string {
  return `${parts.filter((part) => part !== undefined).join("\n\n")}\n`;
}

/** Two aligned columns; continuation lines of the right column stay aligned. */
function columns(rows: readonly [string, string][]): string {
  const width = Math.max(...rows.map(([left]) => left.length)) + 2;
  const indent = " ".repeat(width + 2);
  return rows.map(([left, right]) => `  ${left.padEnd(width)}${right.split("\n").join(`\n${indent}`)}`).join("\n");
}

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(" ")) {
    if (line && line.length + word.length + 1 > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  return line ? [...lines, line] : lines;
}
