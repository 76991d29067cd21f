import type { Client } from "./client.ts";
import { UsageError } from "./errors.ts";

export type FlagSpec = {
  type: "string" | "boolean" | "integer";
  description: string;
  /** Names the value in help: `--name <name>`. Defaults to the flag's name. */
  placeholder?: string;
  required?: boolean;
  /** Repeatable flags collect every occurrence into an array. */
  repeatable?: boolean;
  /** The only values accepted; help lists them. */
  choices?: readonly string[];
  short?: string;
};

export type ArgSpec = { description: string; required?: boolean };

export type CommandSpec = {
  name: string;
  summary: string;
  /** Longer text shown only in the command's own help. */
  description?: string;
  /** Positional arguments, in the order they are given. */
  args?: Record<string, ArgSpec>;
  flags?: Record<string, FlagSpec>;
  examples?: readonly string[];
};

type FlagScalar<F extends FlagSpec> = F["type"] extends "integer"
  ? number
  : F["choices"] extends readonly (infer C)[]
    ? C
    : string;
type FlagValue<F extends FlagSpec> = F["type"] extends "boolean"
  ? boolean
  : F["repeatable"] extends true
    ? FlagScalar<F>[]
    : FlagScalar<F> | (F["required"] extends true ? never : undefined);

type ArgValues<A> = { [K in keyof A]: A[K] extends { required: true } ? string : string | undefined };
type FlagValues<F> = { [K in keyof F]: F[K] extends FlagSpec ? FlagValue<F[K]> : never };

export type ParsedArgs<S extends CommandSpec> = {
  args: ArgValues<NonNullable<S["args"]>>;
  flags: FlagValues<NonNullable<S["flags"]>> & { json: boolean };
};

export type Command<S extends CommandSpec = CommandSpec> = S & {
  /** Resolves to the exit code. Method syntax keeps every command assignable to `Command`. */
  run(client: Client, input: ParsedArgs<S>): Promise<number>;
};

export type CommandGroup = { name: string; summary: string; commands: readonly Command[] };

/** Pairs a spec with its handler; the spec types the parsed `args` and `flags` the handler gets. */
export function defineCommand<const S extends CommandSpec>(
  spec: S,
  run: (client: Client, input: ParsedArgs<S>) => Promise<number>,
): Command<S> {
  return { ...spec, run };
}

/** Flags every command takes; `--help` is handled before the command runs. */
export const globalFlags = {
  json: { type: "boolean", description: "Print machine-readable JSON to stdout" },
  help: { type: "boolean", short: "h", description: "Show help for this command" },
} as const satisfies Record<string, FlagSpec>;

type RawValues = { args: Record<string, string>; flags: Record<string, string | number | boolean | unknown[]> };

/**
 * Parses `argv` (what follows the command's name) against the spec. Returns `"help"` when
 * help was asked for, so a bad flag next to `--help` still shows help.
 */
export function parseCommandArgs<S extends CommandSpec>(
  path: string,
  spec: S,
  argv: readonly string[],
): ParsedArgs<S> | "help" {
  if (argv.includes("--help") || argv.includes("-h")) return "help";
  const flags: Record<string, FlagSpec> = { ...spec.flags, json: globalFlags.json };
  const argNames = Object.keys(spec.args ?? {});
  const values: RawValues = { args: {}, flags: {} };
  const positionals: string[] = [];
  const usage = (message: string, hint?: string) => new UsageError(message, path, hint);

  for (let i = 0; i < argv.length; i++) {
    const token = argv[i] as string;
    if (token === "--") {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!token.startsWith("-") || token === "-") {
      positionals.push(token);
      continue;
    }
    const [name, inline] = splitFlag(token, flags);
    const flag = flags[name];
    if (!flag) {
      const suggestion = closest(name, Object.keys(flags));
      throw usage(`unknown flag ${token}`, suggestion ? `did you mean --${suggestion}?` : undefined);
    }
    if (flag.type === "boolean") {
      if (inline !== undefined) throw usage(`--${name} takes no value`);
      values.flags[name] = true;
      continue;
    }
    let raw = inline;
    if (raw === undefined) {
      const next = argv[i + 1];
      if (next === undefined || (next.startsWith("-") && next.length > 1)) {
        throw usage(`--${name} needs a value`, `use --${name} <${flag.placeholder ?? name}>`);
      }
      raw = next;
      i++;
    }
    const value = convert(name, flag, raw, usage);
    const previous = values.flags[name];
    if (flag.repeatable) values.flags[name] = [...(Array.isArray(previous) ? previous : []), value];
    else if (previous !== undefined) throw usage(`--${name} was given more than once`);
    else values.flags[name] = value;
  }

  if (positionals.length > argNames.length) {
    const extra = positionals[argNames.length];
    throw usage(`unexpected argument "${extra}"`);
  }
  argNames.forEach((argName, index) => {
    const value = positionals[index];
    if (value !== undefined) values.args[argName] = value;
    else if (spec.args?.[argName]?.required) throw usage(`missing argument <${argName}>`);
  });
  for (const [name, flag] of Object.entries(flags)) {
    const value = values.flags[name];
    if (flag.required && (value === undefined || (Array.isArray(value) && value.length === 0))) {
      throw usage(`missing required flag --${name}`);
    }
    if (value === undefined && flag.type === "boolean") values.flags[name] = false;
    if (value === undefined && flag.repeatable) values.flags[name] = [];
  }
  // The loop above checked every value against the spec, which is what ParsedArgs<S> describes.
  return values as unknown as ParsedArgs<S>;
}

function splitFlag(token: string, flags: Record<string, FlagSpec>): [string, string | undefined] {
  if (!token.startsWith("--")) {
    const letter = token.slice(1);
    const long = Object.entries(flags).find(([, flag]) => flag.short === letter)?.[0];
    return [long ?? token, undefined];
  }
  const equals = token.indexOf("=");
  return equals === -1 ? [token.slice(2), undefined] : [token.slice(2, equals), token.slice(equals + 1)];
}

function convert(
  name: string,
  flag: FlagSpec,
  raw: string,
  usage: (message: string, hint?: string) => UsageError,
): string | number {
  if (flag.choices && !flag.choices.includes(raw)) {
    throw usage(`--${name} does not accept "${raw}"`, `choose one of: ${flag.choices.join(", ")}`);
  }
  if (flag.type !== "integer") return raw;
  if (!/^-?\d+$/.test(raw)) throw usage(`--${name} expects a whole number, got "${raw}"`);
  return Number(raw);
}

/** The candidate nearest to `input`, when it is close enough to be a likely typo. */
export function closest(input: string, candidates: readonly string[]): string | undefined {
  let best: { name: string; distance: number } | undefined;
  for (const name of candidates) {
    const distance = editDistance(input, name);
    if (!best || distance < best.distance) best = { name, distance };
  }
  if (!best) return undefined;
  const isPrefix = input.length >= 2 && best.name.startsWith(input);
  return isPrefix || best.distance <= Math.max(1, Math.floor(input.length / 3)) ? best.name : undefined;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current[j] = Math.min((previous[j] as number) + 1, (current[j - 1] as number) + 1, substitution);
    }
    previous = current;
  }
  return previous[b.length] as number;
}
