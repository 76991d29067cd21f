import { mkdtemp, rm, symlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { findApiFunctions, readApiFunctions } from "./api-functions.ts";
import { writeTree } from "./builder-fixtures.ts";

describe("findApiFunctions", () => {
  const dirs: string[] = [];
  afterEach(async () => {
    for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
  });
  async function tree(files: Record<string, string>) {
    const dir = await mkdtemp(join(tmpdir(), "slipway-api-"));
    dirs.push(dir);
    await writeTree(dir, files);
    return dir;
  }

  it("finds none in a project without an api/ folder", async () => {
    expect(await findApiFunctions(await tree({ "index.html": "<h1>hi</h1>" }))).toEqual({ functions: [], notes: [] });
  });

  it("serves each runtime's files at the top of api/, in name order", async () => {
    const dir = await tree({
      "api/users.ts": "",
      "api/hello.js": "",
      "api/feed.mjs": "",
      "api/report.py": "",
      "api/legacy.rb": "",
      "api/fast.go": "",
    });
    const { functions } = await findApiFunctions(dir);
    expect(functions).toEqual([
      { name: "fast", runtime: "go", file: "fast.go" },
      { name: "feed", runtime: "node", file: "feed.mjs" },
      { name: "hello", runtime: "node", file: "hello.js" },
      { name: "legacy", runtime: "ruby", file: "legacy.rb" },
      { name: "report", runtime: "python", file: "report.py" },
      { name: "users", runtime: "node", file: "users.ts" },
    ]);
  });

  it("takes helpers, type declarations, subfolders and other files for what the functions use", async () => {
    const dir = await tree({
      "api/hello.js": "",
      "api/_shared.js": "",
      "api/.hidden.js": "",
      "api/types.d.ts": "",
      "api/lib/db.js": "",
      "api/data.json": "{}",
      "api/README.md": "",
      "api/package.json": "{}",
    });
    expect(await findApiFunctions(dir)).toEqual({
      functions: [{ name: "hello", runtime: "node", file: "hello.js" }],
      notes: [],
    });
  });

  it("passes over, and says why, a name that does not fit a URL and a symlink", async () => {
    const dir = await tree({ "api/hello world.js": "", "api/v1.users.js": "", "target.js": "" });
    await symlink(join(dir, "target.js"), join(dir, "api", "linked.js"));
    const { functions, notes } = await findApiFunctions(dir);
    expect(functions).toEqual([]);
    expect(notes).toEqual([
      'api/hello world.js: "hello world" is not a function name (up to 60 letters, digits, - and _)',
      "api/linked.js: not a regular file, not a function",
      'api/v1.users.js: "v1.users" is not a function name (up to 60 letters, digits, - and _)',
    ]);
  });

  it("refuses two files for one name", async () => {
    const dir = await tree({ "api/hello.js": "", "api/hello.ts": "" });
    await expect(findApiFunctions(dir)).rejects.toMatchObject({
      step: "package",
      reason: "function_invalid",
      message: "api/hello.js and api/hello.ts would both answer /api/hello: rename one",
    });
  });

  it("reads no functions from an artifact without a manifest", async () => {
    expect(await readApiFunctions(await tree({ "index.html": "" }))).toEqual([]);
  });
});
