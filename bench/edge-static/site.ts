// The files both servers serve: examples/vite-react's build when that example exists (else a
// generated index.html), a generated 20 KiB JS and 60 KiB CSS (the example's own assets are
// tiny or over 64 KiB), and a 1 MiB and a 5 MiB file for the large class. Each compressible file gets
// a `.gz` beside it (gzip -9, what the edge precompresses too) for nginx's gzip_static.
import { execFileSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { gzipSync } from "node:zlib";
import { repoRoot } from "../lib/proc.ts";

export type SiteFile = { path: string; bytes: number; compressible: boolean };
export type Site = {
  dir: string;
  source: string;
  small: SiteFile[];
  medium: SiteFile[];
  large: SiteFile[];
  remove(): void;
};

const smallMax = 64 * 1024;
const compressibleExt = /\.(html|css|js|mjs|json|svg|txt|map)$/;

/** Deterministic text that compresses like code (a few hundred distinct tokens). */
function codeLike(bytes: number, seed: number): string {
  const words = ["const", "function", "return", "export", "import", "from", "await", "async", "props", "state"];
  for (let i = 0; i < 300; i++) words.push(`id${((i * 2654435761 + seed) >>> 0).toString(36).slice(0, 6)}`);
  let x = seed || 1;
  let out = "";
  while (out.length < bytes) {
    x = (x * 1103515245 + 12345) >>> 0;
    out += `${words[x % words.length]}${x % 7 === 0 ? ";\n" : x % 3 === 0 ? "(" : " "}`;
  }
  return out.slice(0, bytes);
}

function pseudoRandom(bytes: number, seed: number): Buffer {
  const out = Buffer.alloc(bytes);
  let x = seed || 1;
  for (let i = 0; i < bytes; i += 4) {
    x = (x * 1664525 + 1013904223) >>> 0;
    out.writeUInt32LE(x, Math.min(i, bytes - 4));
  }
  return out;
}

function generateIndex(dir: string): void {
  writeFileSync(
    join(dir, "index.html"),
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>bench</title>
<link rel="stylesheet" href="/assets/bench-B7dkq3Xa.css"><script type="module" src="/assets/bench-3f2a1b9c.js"></script>
</head><body><div id="root"></div><!-- ${codeLike(600, 7)} --></body></html>\n`,
  );
}

function generateAssets(dir: string): void {
  mkdirSync(join(dir, "assets"), { recursive: true });
  writeFileSync(join(dir, "assets", "bench-3f2a1b9c.js"), codeLike(20 * 1024, 1));
  writeFileSync(join(dir, "assets", "bench-B7dkq3Xa.css"), codeLike(60 * 1024, 2));
  mkdirSync(join(dir, "media"), { recursive: true });
  writeFileSync(join(dir, "media", "video-1mb.mp4"), pseudoRandom(1024 * 1024, 3));
  writeFileSync(join(dir, "media", "video-5mb.mp4"), pseudoRandom(5 * 1024 * 1024, 4));
}

function listFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name));
}

/** A fresh directory with the example's build (npm ci when it has no node_modules) or an index.html, and the generated files. */
export function prepareSite(): Site {
  const dir = mkdtempSync(join(tmpdir(), "slipway-edge-bench-"));
  const example = join(repoRoot, "examples", "vite-react");
  let source: string;
  if (existsSync(join(example, "package.json"))) {
    console.log("edge-static: building examples/vite-react…");
    if (!existsSync(join(example, "node_modules"))) {
      execFileSync("npm", ["ci", "--no-audit", "--no-fund"], { cwd: example, stdio: "inherit" });
    }
    // Into our directory: the example's own dist/ stays as its owner left it.
    execFileSync("npm", ["run", "build", "--", "--outDir", dir, "--emptyOutDir"], { cwd: example, stdio: "inherit" });
    source = "examples/vite-react build";
  } else {
    generateIndex(dir);
    source = "a generated index.html";
  }
  generateAssets(dir);
  source += ", generated assets/bench-*.js (20 KiB) and .css (60 KiB), media/video-1mb.mp4 and video-5mb.mp4";

  const site: Site = {
    dir,
    source,
    small: [],
    medium: [],
    large: [],
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
  for (const file of listFiles(dir).sort()) {
    const bytes = statSync(file).size;
    const entry = { path: `/${relative(dir, file)}`, bytes, compressible: compressibleExt.test(file) };
    if (bytes <= smallMax) site.small.push(entry);
    else if (bytes < 1024 * 1024) site.medium.push(entry);
    else if (bytes <= 10 * 1024 * 1024) site.large.push(entry);
    if (entry.compressible && bytes >= 256) writeFileSync(`${file}.gz`, gzipSync(readFileSync(file), { level: 9 }));
  }
  return site;
}
