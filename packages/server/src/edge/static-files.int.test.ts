import { randomBytes } from "node:crypto";
import { once } from "node:events";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEdgeServer } from "./edge-server.ts";
import { RouteTable } from "./route-table.ts";

type Reply = { status: number; headers: Record<string, string | string[] | undefined>; body: Buffer };

let root: string;
let server: Server;
let port: number;
const routes = new RouteTable();
const js = `export const greeting = "hello";\n${"console.log(greeting);\n".repeat(400)}`;
const big = randomBytes(5 * 1024 * 1024);
const secret = "TOP-SECRET-OUTSIDE-THE-ARTIFACT";

function write(dir: string, path: string, content: string | Buffer): void {
  mkdirSync(join(dir, path, ".."), { recursive: true });
  writeFileSync(join(dir, path), content);
}

/** A raw HTTP request: our Host header, the path exactly as given, the body undecoded. */
function get(path: string, options: { host?: string; method?: string; headers?: Record<string, string> } = {}) {
  return new Promise<Reply>((resolve, reject) => {
    const req = request(
      {
        host: "127.0.0.1",
        port,
        path,
        method: options.method ?? "GET",
        headers: { host: options.host ?? "site.slipway.test", ...options.headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
        );
      },
    );
    req.on("error", reject);
    req.end();
  });
}

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), "slipway-edge-"));
  writeFileSync(join(root, "secret.txt"), secret);
  const site = join(root, "site");
  write(site, "index.html", "<!doctype html><h1>home</h1>");
  write(site, "404.html", "<!doctype html><h1>our own 404</h1>");
  write(site, "about.html", "<h1>about</h1>");
  write(site, "docs/index.html", "<h1>docs</h1>");
  write(site, "docs/guide/index.html", "<h1>guide</h1>");
  write(site, "assets/index-3f2a1b9c.js", js);
  write(site, "assets/style.css", `body{color:red}\n${".a{margin:0}\n".repeat(200)}`);
  write(site, "data.json", JSON.stringify({ items: Array.from({ length: 100 }, (_, i) => ({ i })) }));
  write(site, "logo.png", randomBytes(4096));
  write(site, "font.woff2", randomBytes(2048));
  write(site, "notes.unknownext", "plain bytes");
  write(site, "big.bin", big);
  symlinkSync(join(root, "secret.txt"), join(site, "leak.txt"));
  const spa = join(root, "spa");
  write(spa, "index.html", "<!doctype html><div id=root></div>");
  write(spa, "assets/app-BxN3aQ_k.js", js);
  const bare = join(root, "bare");
  write(bare, "hello.txt", "hello");

  routes.set("site.slipway.test", { kind: "static", deploymentId: "dpl_site", artifactDir: site, spaFallback: false });
  routes.set("spa.slipway.test", { kind: "static", deploymentId: "dpl_spa", artifactDir: spa, spaFallback: true });
  routes.set("bare.slipway.test", { kind: "static", deploymentId: "dpl_bare", artifactDir: bare, spaFallback: true });
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

// With the fast path (the default) and with node:http alone: the same answers either way.
describe.each([true, false])("the edge serving a static deployment (fast path: %s)", (fastPath) => {
  beforeAll(async () => {
    server = createEdgeServer({ logger: pino({ level: "silent" }), routes, fastPath });
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    port = (server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it.each([
    ["/index.html", "text/html; charset=utf-8"],
    ["/assets/index-3f2a1b9c.js", "text/javascript; charset=utf-8"],
    ["/assets/style.css", "text/css; charset=utf-8"],
    ["/data.json", "application/json; charset=utf-8"],
    ["/logo.png", "image/png"],
    ["/font.woff2", "font/woff2"],
    ["/notes.unknownext", "application/octet-stream"],
  ])("answers %s as %s, with nosniff and the deployment id", async (path, type) => {
    const res = await get(path);
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toBe(type);
    expect(res.headers["x-content-type-options"]).toBe("nosniff");
    expect(res.headers["x-slipway-deployment"]).toBe("dpl_site");
  });

  it("sends a strong content-hash ETag and answers If-None-Match with 304", async () => {
    const first = await get("/assets/index-3f2a1b9c.js");
    const etag = String(first.headers.etag);
    expect(etag).toMatch(/^"[A-Za-z0-9_-]{22}"$/);
    expect((await get("/assets/index-3f2a1b9c.js")).headers.etag).toBe(etag);
    for (const inm of [etag, `W/${etag}`, `"nope", ${etag}`]) {
      const res = await get("/assets/index-3f2a1b9c.js", { headers: { "if-none-match": inm } });
      expect(res.status).toBe(304);
      expect(res.body.length).toBe(0);
      expect(res.headers.etag).toBe(etag);
      expect(res.headers["x-slipway-deployment"]).toBe("dpl_site");
    }
    expect((await get("/assets/index-3f2a1b9c.js", { headers: { "if-none-match": '"nope"' } })).status).toBe(200);
  });

  it("sends Last-Modified and answers If-Modified-Since", async () => {
    const { headers } = await get("/about.html");
    const lastModified = String(headers["last-modified"]);
    expect(Date.parse(lastModified)).toBeGreaterThan(0);
    expect((await get("/about.html", { headers: { "if-modified-since": lastModified } })).status).toBe(304);
    const before = new Date(Date.parse(lastModified) - 60_000).toUTCString();
    expect((await get("/about.html", { headers: { "if-modified-since": before } })).status).toBe(200);
  });

  it("caches hashed assets forever and makes everything else revalidate", async () => {
    expect((await get("/assets/index-3f2a1b9c.js")).headers["cache-control"]).toBe(
      "public, max-age=31536000, immutable",
    );
    for (const path of ["/", "/index.html", "/assets/style.css", "/logo.png"]) {
      expect((await get(path)).headers["cache-control"]).toBe("public, max-age=0, must-revalidate");
    }
  });

  it("negotiates gzip and brotli; both decode to the file", async () => {
    const gz = await get("/assets/index-3f2a1b9c.js", { headers: { "accept-encoding": "gzip" } });
    expect(gz.headers["content-encoding"]).toBe("gzip");
    expect(gz.headers.vary).toBe("accept-encoding");
    expect(Number(gz.headers["content-length"])).toBe(gz.body.length);
    expect(gunzipSync(gz.body).toString()).toBe(js);
    const br = await get("/assets/index-3f2a1b9c.js", { headers: { "accept-encoding": "gzip, deflate, br" } });
    expect(br.headers["content-encoding"]).toBe("br");
    expect(brotliDecompressSync(br.body).toString()).toBe(js);
    expect(br.body.length).toBeLessThan(gz.body.length);
    const plain = await get("/assets/index-3f2a1b9c.js");
    expect(plain.headers["content-encoding"]).toBeUndefined();
    expect(plain.headers.vary).toBe("accept-encoding");
    expect(plain.body.toString()).toBe(js);
    // Each coding is its own representation: its own validator.
    expect(new Set([gz.headers.etag, br.headers.etag, plain.headers.etag]).size).toBe(3);
    const notBr = await get("/assets/index-3f2a1b9c.js", { headers: { "accept-encoding": "br;q=0, gzip" } });
    expect(notBr.headers["content-encoding"]).toBe("gzip");
  });

  it("does not compress images and fonts", async () => {
    for (const path of ["/logo.png", "/font.woff2"]) {
      const res = await get(path, { headers: { "accept-encoding": "gzip, br" } });
      expect(res.headers["content-encoding"]).toBeUndefined();
      expect(res.headers.vary).toBeUndefined();
    }
  });

  it("answers HEAD with the headers of GET and no body", async () => {
    for (const path of ["/assets/index-3f2a1b9c.js", "/big.bin", "/missing.js"]) {
      const getRes = await get(path, { headers: { "accept-encoding": "gzip" } });
      const head = await get(path, { method: "HEAD", headers: { "accept-encoding": "gzip" } });
      expect(head.status).toBe(getRes.status);
      expect(head.body.length).toBe(0);
      for (const name of ["content-length", "content-type", "etag", "content-encoding", "cache-control"]) {
        expect(head.headers[name]).toEqual(getRes.headers[name]);
      }
    }
  });

  it("serves single byte ranges from the identity bytes", async () => {
    const part = await get("/assets/index-3f2a1b9c.js", { headers: { range: "bytes=7-12", "accept-encoding": "br" } });
    expect(part.status).toBe(206);
    expect(part.headers["content-range"]).toBe(`bytes 7-12/${js.length}`);
    expect(part.headers["content-encoding"]).toBeUndefined();
    expect(part.body.toString()).toBe(js.slice(7, 13));
    const suffix = await get("/assets/index-3f2a1b9c.js", { headers: { range: "bytes=-5" } });
    expect(suffix.body.toString()).toBe(js.slice(-5));
    const open = await get("/assets/index-3f2a1b9c.js", { headers: { range: `bytes=${js.length - 3}-` } });
    expect(open.body.toString()).toBe(js.slice(-3));
  });

  it("answers an unsatisfiable range with 416, several ranges with the whole file", async () => {
    const beyond = await get("/about.html", { headers: { range: "bytes=1000-2000" } });
    expect(beyond.status).toBe(416);
    expect(beyond.headers["content-range"]).toBe("bytes */14");
    const multi = await get("/about.html", { headers: { range: "bytes=0-1,4-5" } });
    expect(multi.status).toBe(200);
    expect(multi.body.toString()).toBe("<h1>about</h1>");
  });

  it("ignores a Range whose If-Range no longer matches", async () => {
    const res = await get("/about.html", { headers: { range: "bytes=0-3", "if-range": '"stale"' } });
    expect(res.status).toBe(200);
    const { headers } = await get("/about.html");
    const fresh = await get("/about.html", { headers: { range: "bytes=0-3", "if-range": String(headers.etag) } });
    expect(fresh.status).toBe(206);
  });

  it("streams a 5 MB file byte for byte, and ranges inside it", async () => {
    const res = await get("/big.bin", { headers: { "accept-encoding": "gzip, br" } });
    expect(res.status).toBe(200);
    expect(res.headers["content-length"]).toBe(String(big.length));
    expect(res.body.equals(big)).toBe(true);
    const start = 3 * 1024 * 1024 + 17;
    const part = await get("/big.bin", { headers: { range: `bytes=${start}-${start + 99_999}` } });
    expect(part.status).toBe(206);
    expect(part.body.equals(big.subarray(start, start + 100_000))).toBe(true);
    const etag = String(res.headers.etag);
    expect((await get("/big.bin", { headers: { "if-none-match": etag } })).status).toBe(304);
  });

  it("resolves directories to index.html and names to .html, redirecting to the canonical slash", async () => {
    expect((await get("/")).body.toString()).toContain("home");
    expect((await get("/docs/")).body.toString()).toContain("docs");
    expect((await get("/docs/guide/")).body.toString()).toContain("guide");
    expect((await get("/about")).body.toString()).toBe("<h1>about</h1>");
    const toSlash = await get("/docs/guide?tab=2");
    expect(toSlash.status).toBe(308);
    expect(toSlash.headers.location).toBe("/docs/guide/?tab=2");
    const toBare = await get("/about/");
    expect(toBare.status).toBe(308);
    expect(toBare.headers.location).toBe("/about");
  });

  it("answers a missing path with the deployment's 404.html", async () => {
    const res = await get("/no/such/page");
    expect(res.status).toBe(404);
    expect(res.body.toString()).toContain("our own 404");
    expect(res.headers["x-slipway-deployment"]).toBe("dpl_site");
  });

  it("falls back to Slipway's 404 page without a 404.html", async () => {
    const res = await get("/nothing.css", { host: "bare.slipway.test" });
    expect(res.status).toBe(404);
    expect(res.headers["content-type"]).toBe("text/html; charset=utf-8");
    expect(res.body.toString()).toContain("404: page not found");
  });

  it("falls back to index.html for SPA navigations only", async () => {
    const route = await get("/settings/profile", { host: "spa.slipway.test" });
    expect(route.status).toBe(200);
    expect(route.body.toString()).toContain("<div id=root>");
    expect(route.headers["cache-control"]).toBe("public, max-age=0, must-revalidate");
    expect((await get("/missing.js", { host: "spa.slipway.test" })).status).toBe(404);
    const navigation = await get("/users/jane.doe", { host: "spa.slipway.test", headers: { accept: "text/html" } });
    expect(navigation.status).toBe(200);
    expect((await get("/assets/app-BxN3aQ_k.js", { host: "spa.slipway.test" })).body.toString()).toBe(js);
    // Without the flag the same kind of path is a 404.
    expect((await get("/settings/profile")).status).toBe(404);
  });

  it.each([
    "/../secret.txt",
    "/assets/../../secret.txt",
    "/%2e%2e/secret.txt",
    "/assets/%2E%2E/%2e%2e/secret.txt",
    "/..%2fsecret.txt",
    "/assets%2f..%2f..%2fsecret.txt",
    "/..%5csecret.txt",
    "/secret.txt%00.html",
    "/leak.txt",
  ])("never leaves the artifact directory: %s", async (path) => {
    const res = await get(path);
    expect([400, 404]).toContain(res.status);
    expect(res.body.toString()).not.toContain(secret);
  });

  it("answers an unknown host with Slipway's 404 page", async () => {
    const res = await get("/index.html", { host: "Nobody.Slipway.Test:8080" });
    expect(res.status).toBe(404);
    expect(res.headers["x-slipway-edge"]).toBe("unrouted");
    expect(res.body.toString()).toContain("nothing is deployed here");
    expect(res.body.toString()).toContain("nobody.slipway.test");
  });

  it("allows only GET and HEAD", async () => {
    for (const method of ["POST", "PUT", "DELETE", "OPTIONS"]) {
      const res = await get("/index.html", { method });
      expect(res.status).toBe(405);
      expect(res.headers.allow).toBe("GET, HEAD");
    }
  });

  it("follows route table changes at once", async () => {
    routes.set("late.slipway.test", {
      kind: "static",
      deploymentId: "dpl_late",
      artifactDir: join(root, "bare"),
      spaFallback: false,
    });
    const res = await get("/hello.txt", { host: "LATE.slipway.test" });
    expect(res.body.toString()).toBe("hello");
    expect(res.headers["x-slipway-deployment"]).toBe("dpl_late");
    // The same artifact behind another deployment answers with that deployment's id.
    expect((await get("/hello.txt", { host: "bare.slipway.test" })).headers["x-slipway-deployment"]).toBe("dpl_bare");
    routes.remove("late.slipway.test");
    expect((await get("/hello.txt", { host: "late.slipway.test" })).status).toBe(404);
  });
});
