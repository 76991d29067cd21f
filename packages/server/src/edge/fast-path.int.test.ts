// The fast path on the wire: raw sockets, pipelining, hand-over to node:http mid-connection,
// strictness, and that its answers are node:http's byte for byte.
import { randomBytes } from "node:crypto";
import { once } from "node:events";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import type { Server } from "node:http";
import { type AddressInfo, connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEdgeServer } from "./edge-server.ts";
import { RouteTable } from "./route-table.ts";

let root: string;
// Over the cache's 1 MiB file limit: streamed from disk.
const big = randomBytes(2 * 1024 * 1024 + 7);
const routes = new RouteTable();
const servers: Server[] = [];

async function start(fastPath: boolean): Promise<number> {
  const server = createEdgeServer({ logger: pino({ level: "silent" }), routes, fastPath });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  servers.push(server);
  return (server.address() as AddressInfo).port;
}

/** Writes `chunks` (with a pause between them) and reads until `until` says the answer is complete. */
async function exchange(port: number, chunks: string[], until: (text: string) => boolean): Promise<string> {
  const socket = connect(port, "127.0.0.1");
  await once(socket, "connect");
  let text = "";
  const done = new Promise<string>((resolve, reject) => {
    socket.on("data", (d: Buffer) => {
      text += d.toString("latin1");
      if (until(text)) resolve(text);
    });
    socket.on("close", () => resolve(text));
    socket.on("error", reject);
  });
  for (const [i, chunk] of chunks.entries()) {
    if (i > 0) await new Promise((r) => setTimeout(r, 30));
    socket.write(chunk);
  }
  const result = await done;
  socket.destroy();
  return result;
}

/** One whole answer: its head, then Content-Length bytes of body unless it has none. */
const complete = (noBody: boolean) => (text: string) => {
  const end = text.indexOf("\r\n\r\n");
  if (end === -1) return false;
  const length = Number(/^content-length: (\d+)$/im.exec(text.slice(0, end))?.[1] ?? 0);
  return noBody || text.startsWith("HTTP/1.1 304") || text.length - end - 4 >= length;
};
// Bodies here never contain "HTTP/1.1 ", and may not end with a newline.
const statuses = (text: string) => [...text.matchAll(/HTTP\/1\.1 (\d{3}) /g)].map((m) => Number(m[1]));
const count = (n: number) => (text: string) => statuses(text).length >= n && text.endsWith("</h1>");
const get = (path: string, extra = "") => `GET ${path} HTTP/1.1\r\nHost: site.slipway.test\r\n${extra}\r\n`;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), "slipway-fast-"));
  mkdirSync(join(root, "assets"));
  writeFileSync(join(root, "index.html"), "<h1>home</h1>");
  writeFileSync(join(root, "about.html"), "<h1>about</h1>");
  writeFileSync(join(root, "assets", "app-3f2a1b9c.js"), "console.log(1);\n".repeat(100));
  writeFileSync(join(root, "big.bin"), big);
  // Cached, but over the size whose body is kept joined to its head.
  writeFileSync(join(root, "mid.png"), randomBytes(300 * 1024));
  routes.set("site.slipway.test", { kind: "static", deploymentId: "dpl_fast", artifactDir: root, spaFallback: false });
});

afterAll(async () => {
  for (const server of servers) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
  rmSync(root, { recursive: true, force: true });
});

describe("the fast path", () => {
  it("answers byte for byte what node:http answers (but the Date)", async () => {
    const [fast, plain] = await Promise.all([start(true), start(false)]);
    const requests = [
      get("/index.html"),
      get("/assets/app-3f2a1b9c.js", "Accept-Encoding: gzip, br\r\n"),
      get("/nope.html"),
      get("/mid.png"),
      get("/about.html", 'If-None-Match: "x"\r\n'),
      "HEAD /index.html HTTP/1.1\r\nHost: site.slipway.test\r\n\r\n",
    ];
    const withoutDate = (t: string) => t.replace(/^Date: .*$/m, "Date: -");
    for (const request of requests) {
      const head = request.startsWith("HEAD");
      // The first request of a path waits for the disk; the second takes the hot path.
      await exchange(fast, [request], complete(head));
      const fastText = await exchange(fast, [request], complete(head));
      const plainText = await exchange(plain, [request], complete(head));
      expect(withoutDate(fastText)).toBe(withoutDate(plainText));
    }
    const etag = /^etag: (.*)$/m.exec(await exchange(fast, [get("/about.html")], complete(false)))?.[1];
    const notModified = get("/about.html", `If-None-Match: ${etag}\r\n`);
    await exchange(fast, [notModified], complete(true));
    expect(withoutDate(await exchange(fast, [notModified], complete(true)))).toBe(
      withoutDate(await exchange(plain, [notModified], complete(true))),
    );
  });

  it("answers pipelined requests in order, handing over to node:http mid-connection", async () => {
    const port = await start(true);
    const pipelined = [
      get("/index.html"),
      get("/about.html"),
      `POST /index.html HTTP/1.1\r\nHost: site.slipway.test\r\nContent-Length: 3\r\n\r\nabc`,
      get("/about.html"),
      get("/index.html", "Range: bytes=0-3\r\n"),
      get("/about.html"),
    ].join("");
    const text = await exchange(port, [pipelined], (t) => statuses(t).length >= 6 && t.endsWith("</h1>"));
    expect(statuses(text)).toEqual([200, 200, 405, 200, 206, 200]);
  });

  it("streams a large file, then answers the requests pipelined behind it", async () => {
    const port = await start(true);
    const request = get("/big.bin") + get("/index.html") + get("/big.bin").replace("GET", "HEAD") + get("/about.html");
    for (const _ of [1, 2]) {
      const text = await exchange(port, [request], (t) => statuses(t).length >= 4 && t.endsWith("<h1>about</h1>"));
      expect(statuses(text)).toEqual([200, 200, 200, 200]);
      const bodyStart = text.indexOf("\r\n\r\n") + 4;
      expect(text.slice(0, bodyStart)).toContain(`content-length: ${big.length}\r\n`);
      expect(Buffer.from(text.slice(bodyStart, bodyStart + big.length), "latin1").equals(big)).toBe(true);
      expect(text.slice(bodyStart + big.length)).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    }
  });

  it("waits for a request head split across packets, and for the first load from disk", async () => {
    const port = await start(true);
    const text = await exchange(
      port,
      ["GET /assets/app-3f2a1b9c.js HT", "TP/1.1\r\nHost: site.slip", "way.test\r\n\r\n"],
      (t) => t.endsWith("console.log(1);\n"),
    );
    expect(statuses(text)).toEqual([200]);
  });

  it("keeps the connection open between requests and answers many in one go", async () => {
    const port = await start(true);
    const text = await exchange(port, [get("/index.html").repeat(200)], count(200));
    expect(statuses(text)).toHaveLength(200);
    expect(new Set(statuses(text))).toEqual(new Set([200]));
  });

  it.each([
    ["a space before the colon", "GET /index.html HTTP/1.1\r\nHost : site.slipway.test\r\n\r\n", 400],
    ["a bare LF", "GET /index.html HTTP/1.1\nHost: site.slipway.test\r\n\r\n", 400],
    ["two Host headers", "GET /index.html HTTP/1.1\r\nHost: site.slipway.test\r\nHost: other.test\r\n\r\n", 400],
    ["no Host header", "GET /index.html HTTP/1.1\r\n\r\n", 400],
    ["an obs-fold", "GET /index.html HTTP/1.1\r\nHost: site.slipway.test\r\nX-A: 1\r\n 2\r\n\r\n", 400],
    ["a NUL in the target", "GET /index.html\0 HTTP/1.1\r\nHost: site.slipway.test\r\n\r\n", 400],
    [
      "an oversized head",
      `GET /index.html HTTP/1.1\r\nHost: site.slipway.test\r\nX-Big: ${"a".repeat(20_000)}\r\n\r\n`,
      431,
    ],
  ])("leaves %s to node:http", async (_, request, status) => {
    const port = await start(true);
    const text = await exchange(port, [request], (t) => statuses(t).length === 1 && t.includes("\r\n\r\n"));
    expect(statuses(text)).toEqual([status]);
  });

  it("leaves HTTP/1.0 and Connection: close to node:http, which closes after the answer", async () => {
    const port = await start(true);
    for (const request of [
      "GET /index.html HTTP/1.0\r\nHost: site.slipway.test\r\n\r\n",
      get("/index.html", "Connection: close\r\n"),
    ]) {
      const text = await exchange(port, [request], () => false);
      expect(statuses(text)).toEqual([200]);
      expect(text).toMatch(/^Connection: close$/im);
    }
  });

  it("closes its idle keep-alive connections when the server closes", async () => {
    const port = await start(true);
    const server = servers.at(-1);
    const socket = connect(port, "127.0.0.1");
    await once(socket, "connect");
    socket.write(get("/index.html"));
    await once(socket, "data");
    const closed = once(socket, "close");
    const t0 = Date.now();
    await new Promise((resolve) => server?.close(resolve));
    await closed;
    expect(Date.now() - t0).toBeLessThan(1000);
  });

  it("finishes an answer in progress when the server closes, then ends the connection", async () => {
    const port = await start(true);
    const server = servers.at(-1);
    await exchange(port, [get("/big.bin")], (t) => t.length > big.length); // loaded once
    const socket = connect(port, "127.0.0.1");
    await once(socket, "connect");
    let received = 0;
    socket.on("data", (d: Buffer) => {
      received += d.length;
    });
    socket.write(get("/big.bin"));
    await once(socket, "data");
    const closing = new Promise((resolve) => server?.close(resolve));
    await once(socket, "close");
    await closing;
    expect(received).toBeGreaterThan(big.length);
  });
});
