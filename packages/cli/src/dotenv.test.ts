import { parseEnv } from "node:util";
import { describe, expect, it } from "vitest";
import { dotenvHeader, formatDotenv } from "./dotenv.ts";

describe("formatDotenv", () => {
  it("writes values that read back exactly, whatever quotes, backslashes, # or line breaks they hold", () => {
    const values = {
      PLAIN: "hello",
      EMPTY: "",
      HASH: "a#b # not a comment",
      DOLLAR: "$HOME stays literal",
      BACKSLASH: "C:\\new\\table",
      DOUBLE: 'say "hi"',
      SINGLE: "it's",
      MULTILINE: "line 1\nline 2",
      EVERYTHING: 'it\'s "all"\nhere \\n',
    };
    const { text, unwritable } = formatDotenv(Object.entries(values).map(([key, value]) => ({ key, value })));
    expect(unwritable).toEqual([]);
    expect(text.startsWith(`${dotenvHeader}\n`)).toBe(true);
    expect(parseEnv(text)).toEqual(values);
  });

  it("leaves out a value no quoting can hold, and names it", () => {
    const { text, unwritable } = formatDotenv([
      { key: "OK", value: "fine" },
      { key: "IMPOSSIBLE", value: 'it\'s `all` "here"\n' },
    ]);
    expect(unwritable).toEqual(["IMPOSSIBLE"]);
    expect(parseEnv(text)).toEqual({ OK: "fine" });
  });
});
