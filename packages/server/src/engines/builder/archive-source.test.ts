import { lstat, mkdir, mkdtemp, readdir, readFile, readlink, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultArchiveLimits, extractArchive, inspectArchive, resolveInArchive } from "./archive-source.ts";
import { BuildFailure } from "./builder.types.ts";
import { type RawTarEntry, writeRawArchive } from "./builder-fixtures.ts";

describe("archive sources", () => {
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), "slipway-archive-test-"));
  });
  afterAll(() => rm(root, { recursive: true, force: true }));

  const page: RawTarEntry = { path: "site/index.html", type: "File", content: "<h1>hi</h1>" };
  const refusal = async (entries: RawTarEntry[], limits = defaultArchiveLimits) =>
    inspectArchive(await writeRawArchive(root, entries), limits);

  it("unpacks files, directories and links that stay inside", async () => {
    const file = await writeRawArchive(root, [
      { path: "site/", type: "Directory" },
      page,
      { path: "site/home.html", type: "SymbolicLink", linkpath: "index.html" },
      { path: "site/copy.html", type: "Link", linkpath: "site/index.html" },
      { path: "top.html", type: "SymbolicLink", linkpath: "site/../site/index.html" },
    ]);
    const dir = join(root, "unpacked");
    await mkdir(dir);
    await extractArchive({ file, dir, limits: defaultArchiveLimits });
    expect((await readdir(join(dir, "site"))).sort()).toEqual(["copy.html", "home.html", "index.html"]);
    expect(await readFile(join(dir, "site/copy.html"), "utf8")).toBe("<h1>hi</h1>");
    expect(await readlink(join(dir, "site/home.html"))).toBe("index.html");
    expect((await lstat(join(dir, "site/index.html"))).uid).toBe(process.getuid?.());
  });

  it.each<[string, RawTarEntry[], RegExp]>([
    ["a path climbing out", [{ path: "../evil", type: "File", content: "x" }], /climbs out/],
    ["a nested climb", [{ path: "site/../../evil", type: "File", content: "x" }], /climbs out/],
    ["an absolute path", [{ path: "/etc/cron.d/evil", type: "File", content: "x" }], /absolute path/],
    ["a symlink to an absolute path", [{ path: "p", type: "SymbolicLink", linkpath: "/etc/passwd" }], /absolute/],
    ["a symlink climbing out", [{ path: "site/up", type: "SymbolicLink", linkpath: "../../.." }], /outside/],
    [
      "a symlink out through another symlink",
      [
        { path: "here", type: "SymbolicLink", linkpath: "." },
        { path: "up", type: "SymbolicLink", linkpath: "here/.." },
      ],
      /outside/,
    ],
    [
      "a file written through a symlink",
      [
        { path: "dir", type: "SymbolicLink", linkpath: "site" },
        { path: "dir/x.html", type: "File", content: "x" },
      ],
      /through the symlink/,
    ],
    ["a hardlink out", [{ path: "h", type: "Link", linkpath: "../../etc/passwd" }], /hardlink/],
    ["a hardlink to nothing in the archive", [{ path: "h", type: "Link", linkpath: "etc/passwd" }], /hardlink/],
    ["a FIFO", [{ path: "pipe", type: "FIFO" }], /FIFO/],
    ["a device", [{ path: "tty", type: "CharacterDevice" }], /CharacterDevice/],
  ])("refuses %s", async (_name, entries, why) => {
    expect(await refusal([page, ...entries])).toMatch(why);
  });

  it("refuses more entries or bytes than the limits allow", async () => {
    const many = Array.from({ length: 5 }, (_, i): RawTarEntry => ({ path: `f${i}`, type: "File", content: "x" }));
    expect(await refusal(many, { maxBytes: 1_000, maxEntries: 4 })).toMatch(/more than 4 entries/);
    expect(await refusal([{ ...page, content: "x".repeat(2_000) }], { maxBytes: 1_000, maxEntries: 10 })).toMatch(
      /more than 1000 bytes/,
    );
  });

  it("refuses something that is not a tar.gz at all", async () => {
    const file = join(root, "not-an-archive.tar.gz");
    await writeFile(file, "hello, I am text");
    expect(await inspectArchive(file, defaultArchiveLimits)).toMatch(/not a readable/);
  });

  it("extracts nothing from a refused archive", async () => {
    const file = await writeRawArchive(root, [page, { path: "../evil", type: "File", content: "x" }]);
    const dir = join(root, "refused");
    await mkdir(dir);
    await expect(extractArchive({ file, dir, limits: defaultArchiveLimits })).rejects.toBeInstanceOf(BuildFailure);
    expect(await readdir(dir)).toEqual([]);
  });

  it("resolves paths through the archive's own symlinks as the kernel would", () => {
    const links = new Map([
      ["a", "b/c"],
      ["b", "."],
      ["loop", "loop"],
    ]);
    expect(resolveInArchive(links, "a")).toBe("c");
    expect(resolveInArchive(links, "b/b/b/x")).toBe("x");
    expect(resolveInArchive(links, "b/..")).toBeNull();
    expect(resolveInArchive(links, "loop")).toBeNull();
  });
});
