// The edge's function plumbing on the wire: a function host, a deployment's /api/<name>, the body
// limit and failures. The function itself is a plain FunctionCall here; the runtime behind it is
// covered by the functions feature's integration tests.
import { once } from "node:events";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import type { Server } from "node:http";
import { type AddressInfo, connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fetchFromEdge } from "../testing/deploy-fixtures.ts";
import { createEdgeServer } from "./edge-server.ts";
import type { FunctionCall, FunctionRequest } from "./function-proxy.ts";
import { RouteTable } from "./route-table.ts";

const routes = new RouteTable();
let server: Server;
let port: number;
let root: string;
const seen: FunctionRequest[] = [];

const echo: FunctionCall = async (req) => {
  seen.push(req);
  return {
    status: 201,
    headers: { "content-type": "text/plain", "x-fn": "echo", connection: "upgrade", "transfer-encoding": "chunked" },
    body: Buffer.from(`${req.method} ${req.path} ${req.body.toString()}`),
  };
};

async function send(
  host: string,
  path: string,
  options: { method?: string; headers?: Record<string, string>; body?: Buffer | string } = {},
): Promise<{ status: number; headers: Record<string, string>; body: string }> {
  const res = await fetchFromEdge(`http://127.0.0.1:${port}`, `http://${host}${path}`, options);
  return { status: res.status, headers: Object.fromEntries(res.headers), body: await res.text() };
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), "slipway-fnproxy-"));
  writeFileSync(join(root, "index.html"), "<h1>home</h1>");
  routes.set("hello--shop.slipway.test", { kind: "function", deploymentId: "fn_hello", call: echo });
  routes.set("broken--shop.slipway.test", {
    kind: "function",
    deploymentId: "fn_broken",
    call: () => Promise.reject(new Error("bug")),
  });
  routes.set("site.slipway.test", {
    kind: "static",
    deploymentId: "dpl_site",
    artifactDir: root,
    spaFallback: false,
    apiFunctions: new Map([["hello", echo]]),
  });
  server = createEdgeServer({ logger: pino({ level: "silent" }), routes });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  rmSync(root, { recursive: true, force: true });
});

describe("functions at the edge", () => {
  it("hands a function host's request to the function, headers cleaned and X-Forwarded-* set by the edge", async () => {
    seen.length = 0;
    const res = await send("hello--shop.slipway.test", "/any/path?x=1", {
      method: "PUT",
      body: "payload",
      headers: { "x-forwarded-for": "6.6.6.6", "x-custom": "kept", "keep-alive": "timeout=5" },
    });
    expect(res).toMatchObject({ status: 201, body: "PUT /any/path?x=1 payload" });
    expect(res.headers["x-fn"]).toBe("echo");
    expect(res.headers["transfer-encoding"]).toBeUndefined();
    expect(res.headers["content-length"]).toBe(String("PUT /any/path?x=1 payload".length));
    const [req] = seen;
    expect(req).toMatchObject({ method: "PUT", isAsync: false, clientIp: "127.0.0.1" });
    expect(req?.headers).toMatchObject({
      "x-custom": "kept",
      "x-forwarded-for": "127.0.0.1",
      "x-forwarded-proto": "http",
    });
    expect(req?.headers["keep-alive"]).toBeUndefined();
  });

  it("marks X-Slipway-Invocation: async requests and keeps the header from the function", async () => {
    seen.length = 0;
    await send("hello--shop.slipway.test", "/", { method: "POST", headers: { "X-Slipway-Invocation": "Async" } });
    expect(seen[0]?.isAsync).toBe(true);
    expect(seen[0]?.headers["x-slipway-invocation"]).toBeUndefined();
  });

  it("answers a body over 6 MB with a JSON 413, without calling the function", async () => {
    seen.length = 0;
    const res = await send("hello--shop.slipway.test", "/", {
      method: "POST",
      body: Buffer.alloc(6 * 1024 * 1024 + 1),
    });
    expect(res.status).toBe(413);
    expect(JSON.parse(res.body).error.code).toBe("payload_too_large");
    expect(seen).toHaveLength(0);
  });

  it("counts a chunked body against the limit too", async () => {
    const socket = connect(port, "127.0.0.1");
    await once(socket, "connect");
    let text = "";
    socket.on("data", (d: Buffer) => {
      text += d.toString();
    });
    socket.write("POST / HTTP/1.1\r\nHost: hello--shop.slipway.test\r\nTransfer-Encoding: chunked\r\n\r\n");
    const chunk = Buffer.alloc(1024 * 1024, 97);
    for (let i = 0; i < 7; i++)
      socket.write(Buffer.concat([Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from("\r\n")]));
    socket.write("0\r\n\r\n");
    await once(socket, "close");
    expect(text).toMatch(/^HTTP\/1\.1 413 /);
    expect(text).toMatch(/connection: close/i);
  });

  it("answers 502 JSON when the call fails, and keeps serving", async () => {
    const res = await send("broken--shop.slipway.test", "/");
    expect(res.status).toBe(502);
    expect(JSON.parse(res.body).error.code).toBe("bad_gateway");
    expect((await send("hello--shop.slipway.test", "/")).status).toBe(201);
  });

  it("serves a deployment's /api/<name> with its function and every other path from its files", async () => {
    // Plain keep-alive GETs: the fast path would answer these itself if it did not hand them over.
    const api = await send("site.slipway.test", "/api/hello?name=ada");
    expect(api).toMatchObject({ status: 201, body: "GET /api/hello?name=ada " });
    expect((await send("site.slipway.test", "/api/hello/deeper")).body).toBe("GET /api/hello/deeper ");
    expect((await send("site.slipway.test", "/api/hello", { method: "POST", body: "x" })).body).toBe(
      "POST /api/hello x",
    );
    expect((await send("site.slipway.test", "/api/other")).status).toBe(404);
    expect((await send("site.slipway.test", "/api/helloworld")).status).toBe(404);
    const home = await send("site.slipway.test", "/");
    expect(home).toMatchObject({ status: 200, body: "<h1>home</h1>" });
  });
});
