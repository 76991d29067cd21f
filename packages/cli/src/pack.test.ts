import { execFileSync } from "node:child_process";
import { mkdir, mkdtemp, readFile, readlink, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { list, x } from "tar";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { collectSourceTree, packSourceTree } from "./pack.ts";

let scratch: string;
let root: string;

beforeEach(async () => {
  scratch = await mkdtemp(join(tmpdir(), "slipway-pack-"));
  root = join(scratch, "app");
  await mkdir(root);
});
afterEach(() => rm(scratch, { recursive: true, force: true }));

/** Writes files under the app directory; a path ending in / is an empty directory. */
async function write(files: Record<string, string>) {
  for (const [path, content] of Object.entries(files)) {
    const absolute = join(root, path);
    if (path.endsWith("/")) await mkdir(absolute, { recursive: true });
    else {
      await mkdir(dirname(absolute), { recursive: true });
      await writeFile(absolute, content);
    }
  }
}

async function filePaths() {
  const tree = await collectSourceTree(root);
  return tree.entries.filter((entry) => entry.kind !== "directory").map((entry) => entry.path);
}

/** Packs the app directory and lists the archive's entries as tar sees them. */
async function packed() {
  const file = join(scratch, "out.tar.gz");
  await packSourceTree(root, await collectSourceTree(root), file);
  const entries: { path: string; type: string; linkpath: string | undefined }[] = [];
  await list({ file, onReadEntry: (entry) => entries.push({ ...entry, linkpath: entry.linkpath || undefined }) });
  return { file, entries };
}

describe("collectSourceTree", () => {
  it("leaves out what .gitignore and .slipwayignore exclude, .slipwayignore having the last word", async () => {
    await write({
      ".gitignore": "*.log\nbuild/\n",
      ".slipwayignore": "secret.txt\n!keep.log\n",
      "index.html": "<h1>hi</h1>",
      "debug.log": "x",
      "keep.log": "x",
      "secret.txt": "x",
      "build/out.js": "x",
      "src/build/kept-by-name.js": "x",
    });
    // `build/` matches a directory at any depth, as in git.
    expect(await filePaths()).toEqual([".gitignore", ".slipwayignore", "index.html", "keep.log"]);
  });

  it("never uploads .git, node_modules or .slipway, at any depth, whatever the ignore files say", async () => {
    await write({
      ".slipwayignore": "!node_modules\n!.git\n",
      ".git/config": "x",
      ".slipway/project.json": "{}",
      "node_modules/react/index.js": "x",
      "packages/ui/node_modules/x.js": "x",
      "packages/ui/.git": "gitdir: elsewhere",
      "packages/ui/index.js": "x",
    });
    expect(await filePaths()).toEqual([".slipwayignore", "packages/ui/index.js"]);
  });

  it("applies a nested .gitignore to its own directory, where it overrides the root's", async () => {
    await write({
      ".gitignore": "*.log\n/only-at-root.txt\n",
      "only-at-root.txt": "x",
      "root.tmp": "x",
      "web/.gitignore": "*.tmp\n!important.log\n",
      "web/only-at-root.txt": "x",
      "web/scratch.tmp": "x",
      "web/important.log": "x",
      "web/noise.log": "x",
    });
    expect(await filePaths()).toEqual([
      ".gitignore",
      "root.tmp",
      "web/.gitignore",
      "web/important.log",
      "web/only-at-root.txt",
    ]);
  });

  it("does not look inside an ignored directory, so nothing in it can be re-included", async () => {
    await write({ ".gitignore": "cache/\n", "cache/.gitignore": "!*\n", "cache/data.bin": "x", "a.txt": "x" });
    expect(await filePaths()).toEqual([".gitignore", "a.txt"]);
  });

  it("keeps empty directories and lists parents before their contents", async () => {
    await write({ "empty/": "", "a/b/c.txt": "x" });
    const tree = await collectSourceTree(root);
    expect(tree.entries.map((entry) => `${entry.kind}:${entry.path}`)).toEqual([
      "directory:a",
      "directory:a/b",
      "file:a/b/c.txt",
      "directory:empty",
    ]);
    expect(tree.bytes).toBe(1);
  });

  it("keeps symlinks that point inside and says why it left out the others", async () => {
    await write({ "public/logo.svg": "<svg/>", "docs/readme.md": "x" });
    await writeFile(join(scratch, "outside.txt"), "secret");
    await symlink("public/logo.svg", join(root, "logo.svg"));
    await symlink("../public", join(root, "docs/assets"));
    await symlink("not-built-yet.js", join(root, "dangling.js"));
    await symlink("../outside.txt", join(root, "escape.txt"));
    await symlink(join(root, "public/logo.svg"), join(root, "absolute.svg"));
    await symlink("..", join(root, "parent"));
    await symlink("parent/outside.txt", join(root, "through-parent.txt"));
    await symlink("loop-b", join(root, "loop-a"));
    await symlink("loop-a", join(root, "loop-b"));

    const tree = await collectSourceTree(root);
    const symlinks = tree.entries.filter((entry) => entry.kind === "symlink").map((entry) => entry.path);
    expect(symlinks).toEqual(["dangling.js", "docs/assets", "logo.svg"]);
    expect(Object.fromEntries(tree.skipped.map((skip) => [skip.path, skip.reason]))).toEqual({
      "absolute.svg": `it is a symlink to the absolute path ${join(root, "public/logo.svg")}`,
      "escape.txt": "it is a symlink to ../outside.txt, outside the directory",
      "loop-a": "it is a symlink to loop-b, which loops",
      "loop-b": "it is a symlink to loop-a, which loops",
      parent: "it is a symlink to .., outside the directory",
      "through-parent.txt": "it is a symlink to parent/outside.txt, which leads outside the directory",
    });
  });

  it("leaves out sockets and FIFOs, saying so", async () => {
    await write({ "a.txt": "x" });
    execFileSync("mkfifo", [join(root, "pipe")]);
    const tree = await collectSourceTree(root);
    expect(tree.skipped).toEqual([{ path: "pipe", reason: "it is not a file, directory or symlink" }]);
  });
});

describe("packSourceTree", () => {
  it("writes relative entries only, never absolute or climbing out with ..", async () => {
    await write({ "index.html": "hi", "@scope/pkg.js": "x", "-dash.txt": "x", "deep/er/file.txt": "x" });
    const { entries } = await packed();
    for (const entry of entries) {
      expect(entry.path.startsWith("/"), entry.path).toBe(false);
      expect(entry.path.split("/"), entry.path).not.toContain("..");
    }
    expect(entries.map((entry) => entry.path.replace(/^\.\//, "").replace(/\/$/, "")).sort()).toEqual(
      ["-dash.txt", "@scope", "@scope/pkg.js", "deep", "deep/er", "deep/er/file.txt", "index.html"].sort(),
    );
  });

  it("stores symlinks as symlinks, and unpacks to the same files", async () => {
    await write({ ".gitignore": "*.log\n", "public/logo.svg": "<svg/>", "debug.log": "x" });
    await symlink("public/logo.svg", join(root, "logo.svg"));
    const { file, entries } = await packed();
    expect(entries.find((entry) => entry.path === "./logo.svg")).toMatchObject({
      type: "SymbolicLink",
      linkpath: "public/logo.svg",
    });

    const out = join(scratch, "unpacked");
    await mkdir(out);
    await x({ file, cwd: out });
    expect(await readFile(join(out, "public/logo.svg"), "utf8")).toBe("<svg/>");
    expect(await readlink(join(out, "logo.svg"))).toBe("public/logo.svg");
    await expect(readFile(join(out, "debug.log"))).rejects.toThrow(/ENOENT/);
  });
});
