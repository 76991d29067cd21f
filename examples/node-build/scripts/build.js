// Builds dist/: the app script under a content hash, and index.html pointing at it.
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";

const source = readFileSync(new URL("../src/app.js", import.meta.url));
const hash = createHash("sha256").update(source).digest("hex").slice(0, 10);
const appFile = `app.${hash}.js`;

rmSync("dist", { recursive: true, force: true });
mkdirSync("dist/assets", { recursive: true });
writeFileSync(`dist/assets/${appFile}`, source);
const page = readFileSync(new URL("../src/index.html", import.meta.url), "utf8")
  .replace("%APP%", appFile)
  .replace("%BUILT_AT%", process.env.BUILD_LABEL ?? "build time");
writeFileSync("dist/index.html", page);
console.log(`built dist/index.html and dist/assets/${appFile}`);
