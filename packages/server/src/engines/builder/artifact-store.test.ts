import { chmod, lstat, mkdir, mkdtemp, readFile, readlink, rm, stat, symlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ArtifactKind, storeArtifact } from "./artifact-store.ts";
import { writeTree } from "./builder-fixtures.ts";
import { listTree } from "./tree-hash.ts";

describe("artifact store", () => {
  let root: string;
  let counter = 0;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), "slipway-artifact-test-"));
  });
  afterAll(() => rm(root, { recursive: true, force: true }));

  /** A workspace holding an app like `npm ci` leaves it: a package, its .bin link, a git dir, an executable. */
  const serverApp = async () => {
    const workspace = join(root, `workspace-${++counter}`);
    const app = join(workspace, "app");
    await writeTree(app, {
      "server.js": "console.log('hi')",
      ".env.defaults": "A=1",
      ".git/HEAD": "ref: refs/heads/main",
      "node_modules/tool/cli.js": "#!/usr/bin/env node",
      "node_modules/tool/package.json": "{}",
      "bin/run.sh": "#!/bin/sh",
    });
    await writeTree(workspace, { "shared/config.json": "{}", "shared/lib/util.js": "" });
    await chmod(join(app, "node_modules/tool/cli.js"), 0o700);
    await chmod(join(app, "bin/run.sh"), 0o750);
    await chmod(join(app, "server.js"), 0o600);
    await mkdir(join(app, "node_modules/.bin"));
    await symlink("../tool/cli.js", join(app, "node_modules/.bin/tool"));
    await symlink(join(app, "node_modules/tool"), join(app, "linked-package"));
    await symlink("../shared/config.json", join(app, "config.json"));
    await symlink("../shared/lib", join(app, "lib"));
    await symlink("/etc/passwd", join(app, "passwd"));
    await symlink("missing.js", join(app, "broken.js"));
    return { workspace, app };
  };

  const store = async (
    kind: ArtifactKind,
    app: string,
    workspace: string,
    dataDir = join(root, `data-${++counter}`),
  ) => {
    const skipped: Record<string, string> = {};
    const artifact = await storeArtifact({
      dataDir,
      outputDir: app,
      workspaceRoot: workspace,
      kind,
      onSkipped: (path, why) => {
        skipped[path] = why;
      },
    });
    return { artifact, skipped, dataDir };
  };

  it("keeps a server app's node_modules, dotfiles and in-tree symlinks, without .git", async () => {
    const { workspace, app } = await serverApp();
    const { artifact, skipped } = await store("server", app, workspace);
    const entries = Object.fromEntries((await listTree(artifact.dir)).map((entry) => [entry.path, entry]));
    expect(Object.keys(entries).sort()).toEqual([
      ".env.defaults",
      "bin/run.sh",
      "config.json",
      "linked-package",
      "node_modules/.bin/tool",
      "node_modules/tool/cli.js",
      "node_modules/tool/package.json",
      "server.js",
    ]);
    expect(entries["node_modules/.bin/tool"]).toEqual({
      kind: "link",
      path: "node_modules/.bin/tool",
      target: "../tool/cli.js",
    });
    // Absolute links into the app are made relative: the artifact is mounted somewhere else.
    expect(await readlink(join(artifact.dir, "linked-package"))).toBe("node_modules/tool");
    expect(await readFile(join(artifact.dir, "linked-package/cli.js"), "utf8")).toBe("#!/usr/bin/env node");
    // A file outside the app but inside the workspace is copied in; a directory is not.
    expect((await lstat(join(artifact.dir, "config.json"))).isFile()).toBe(true);
    expect(skipped).toEqual({
      lib: "symlink to a directory outside the output directory",
      passwd: "symlink pointing outside the workspace",
      "broken.js": "broken symlink",
    });
  });

  it("makes a server app readable by any user and keeps what is executable", async () => {
    const { workspace, app } = await serverApp();
    const { artifact } = await store("server", app, workspace);
    const mode = async (path: string) => (await stat(join(artifact.dir, path))).mode & 0o777;
    expect(await mode("server.js")).toBe(0o644);
    expect(await mode("node_modules/tool/cli.js")).toBe(0o755);
    expect(await mode("bin/run.sh")).toBe(0o755);
    expect(await mode("node_modules")).toBe(0o755);
    expect(await mode("node_modules/.bin")).toBe(0o755);
    expect(await mode(".")).toBe(0o755);
  });

  it("publishes only plain files for a static site: no node_modules, symlinks resolved", async () => {
    const { workspace, app } = await serverApp();
    const { artifact } = await store("static", app, workspace);
    const entries = await listTree(artifact.dir);
    expect(entries.map((entry) => entry.path).sort()).toEqual([
      ".env.defaults",
      "bin/run.sh",
      "config.json",
      "server.js",
    ]);
    expect(entries.every((entry) => entry.kind === "file" && !entry.isExecutable)).toBe(true);
  });

  it("shares one directory between equal trees and tells different ones apart", async () => {
    const first = await serverApp();
    const second = await serverApp();
    const dataDir = join(root, "shared-data");
    const a = await store("server", first.app, first.workspace, dataDir);
    const b = await store("server", second.app, second.workspace, dataDir);
    expect(b.artifact).toEqual(a.artifact);
    await chmod(join(second.app, "server.js"), 0o755);
    const c = await store("server", second.app, second.workspace, dataDir);
    expect(c.artifact.hash).not.toBe(a.artifact.hash);
  });
});
