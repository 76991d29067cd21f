import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { detectSource } from "./function-source.ts";
import { parseSince } from "./logs.ts";

let scratch: string;
beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), "slipway-function-source-"));
});
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

/** A folder holding `files` (name → text). */
async function folder(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(scratch, "fn-"));
  for (const [name, text] of Object.entries(files)) {
    await mkdir(join(dir, name, ".."), { recursive: true });
    await writeFile(join(dir, name), text);
  }
  return dir;
}

const none = { runtime: undefined, entry: undefined };

describe("detectSource", () => {
  it("tells the runtime and entry from the files a folder holds", async () => {
    expect(await detectSource(await folder({ "index.ts": "" }), none)).toEqual({ runtime: "node", entry: "index.ts" });
    expect(await detectSource(await folder({ "main.py": "", "requirements.txt": "" }), none)).toEqual({
      runtime: "python",
      entry: "main.py",
    });
    expect(await detectSource(await folder({ "go.mod": "", "main.go": "" }), none)).toEqual({
      runtime: "go",
      entry: "main.go",
    });
    expect(await detectSource(await folder({ "main.rb": "" }), none)).toEqual({ runtime: "ruby", entry: "main.rb" });
  });

  it("takes package.json's main, or leaves the entry to the server", async () => {
    const withMain = await folder({ "package.json": JSON.stringify({ main: "./src/handler.js" }) });
    expect(await detectSource(withMain, none)).toEqual({ runtime: "node", entry: "src/handler.js" });
    expect(await detectSource(await folder({ "package.json": "{}" }), none)).toEqual({
      runtime: "node",
      entry: undefined,
    });
  });

  it("follows --entry's extension and --runtime, and says when it cannot tell", async () => {
    const dir = await folder({ "index.mjs": "", "tool.py": "" });
    expect(await detectSource(dir, { runtime: undefined, entry: "tool.py" })).toEqual({
      runtime: "python",
      entry: "tool.py",
    });
    expect(await detectSource(dir, { runtime: "ruby", entry: undefined })).toEqual({
      runtime: "ruby",
      entry: undefined,
    });
    await expect(detectSource(dir, { runtime: undefined, entry: "run.sh" })).rejects.toThrow(/--entry run.sh/);
    await expect(detectSource(await folder({ "README.md": "" }), none)).rejects.toThrow(/cannot tell which runtime/);
  });
});

describe("parseSince", () => {
  it("reads a duration back from now, or a time", () => {
    const now = Date.parse("2025-03-01T12:00:00.000Z");
    expect(parseSince("90m", now)).toBe("2025-03-01T10:30:00.000Z");
    expect(parseSince("2d", now)).toBe("2025-02-27T12:00:00.000Z");
    expect(parseSince("2025-03-01T11:00:00Z", now)).toBe("2025-03-01T11:00:00.000Z");
    expect(() => parseSince("soon", now)).toThrow(/neither a duration nor a time/);
  });
});
