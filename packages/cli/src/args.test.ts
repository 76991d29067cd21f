import { describe, expect, it } from "vitest";
import { closest, defineCommand, parseCommandArgs } from "./args.ts";
import { UsageError } from "./errors.ts";

const create = defineCommand(
  {
    name: "create",
    summary: "Create a thing",
    args: { target: { description: "Where", required: true }, extra: { description: "Optional" } },
    flags: {
      name: { type: "string", required: true, description: "Its name" },
      scope: { type: "string", repeatable: true, choices: ["read", "write"], description: "A scope" },
      days: { type: "integer", description: "How long" },
      yes: { type: "boolean", short: "y", description: "No questions" },
    },
  },
  async () => 0,
);

const parse = (...argv: string[]) => parseCommandArgs("things create", create, argv);

function usageErrorOf(run: () => unknown): UsageError {
  try {
    run();
  } catch (error) {
    if (error instanceof UsageError) return error;
    throw error;
  }
  throw new Error("expected a usage error");
}

describe("parseCommandArgs", () => {
  it("reads positionals, values in both spellings, repeated flags and booleans", () => {
    const parsed = parse("here", "--name", "ci", "--scope=read", "--scope", "write", "--days", "30", "-y", "--json");
    expect(parsed).toEqual({
      args: { target: "here" },
      flags: { name: "ci", scope: ["read", "write"], days: 30, yes: true, json: true },
    });
  });

  it("fills defaults: false for booleans, [] for repeatable flags, nothing for the rest", () => {
    expect(parse("here", "--name", "ci")).toEqual({
      args: { target: "here" },
      flags: { name: "ci", scope: [], yes: false, json: false },
    });
  });

  it("treats everything after -- as positionals", () => {
    expect(parse("--name", "ci", "--", "--here")).toMatchObject({ args: { target: "--here" } });
  });

  it("answers help when --help or -h appears anywhere, even next to bad flags", () => {
    expect(parse("--bogus", "--help")).toBe("help");
    expect(parse("-h")).toBe("help");
  });

  it("rejects an unknown flag and suggests the nearest one", () => {
    const error = usageErrorOf(() => parse("here", "--nam", "ci"));
    expect(error.message).toBe("unknown flag --nam");
    expect(error.hint).toBe("did you mean --name?");
    expect(error.exitCode).toBe(2);
    expect(error.commandPath).toBe("things create");
  });

  it.each([
    [["here"], "missing required flag --name"],
    [["--name", "ci"], "missing argument <target>"],
    [["here", "--name"], "--name needs a value"],
    [["here", "--name", "--json"], "--name needs a value"],
    [["here", "--name", "a", "--name", "b"], "--name was given more than once"],
    [["here", "--name", "a", "--days", "soon"], '--days expects a whole number, got "soon"'],
    [["here", "--name", "a", "--scope", "admin"], '--scope does not accept "admin"'],
    [["here", "--name", "a", "--yes=no"], "--yes takes no value"],
    [["a", "b", "c", "--name", "x"], 'unexpected argument "c"'],
    [["here", "--name", "a", "-x"], "unknown flag -x"],
  ])("rejects %j with %s", (argv, message) => {
    expect(usageErrorOf(() => parse(...argv)).message).toBe(message);
  });

  it("lists the accepted values when a value is not one of them", () => {
    expect(usageErrorOf(() => parse("here", "--name", "a", "--scope", "admin")).hint).toBe(
      "choose one of: read, write",
    );
  });
});

describe("closest", () => {
  it("suggests near misses and prefixes, and nothing for unrelated words", () => {
    expect(closest("tokns", ["teams", "tokens", "login"])).toBe("tokens");
    expect(closest("tok", ["teams", "tokens"])).toBe("tokens");
    expect(closest("deploy", ["teams", "tokens", "login"])).toBeUndefined();
  });
});
