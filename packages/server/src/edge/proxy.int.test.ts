import { once } from "node:events";
import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { createLogger } from "../platform/logger.ts";
import { createEdgeServer } from "./edge-server.ts";
import { type AppUpstreams, RouteTable } from "./route-table.ts";

/**
 * The edge's proxy against real upstream servers on loopback. The instance pool is replaced by
 * a list of ports: the pool's own behaviour is covered by the apps integration tests.
 */
const host = "app.test";
const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

async function listen(server: Server): Promise<number> {
  servers.push(server);
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return (server.address() as AddressInfo).port;
}

/** Lends the ports in order, skipping excluded ones; counts what is in flight. */
function upstreamsOf(ports: number[]): AppUpstreams & { inflight: () => number; lent: number[] } {
  let inflight = 0;
  const lent: number[] = [];
  const lend = (exclude: (port: number) => boolean) => {
    const port = ports.find((p) => !exclude(p));
    if (port === undefined) return null;
    inflight += 1;
    lent.push(port);
    return {
      instanceId: String(port),
      port,
      release: () => {
        inflight -= 1;
      },
    };
  };
  return {
    lent,
    inflight: () => inflight,
    async acquire(exclude) {
      const upstream = lend((p) => exclude?.has(String(p)) ?? false);
      if (!upstream) throw new Error("no instance");
      return upstream;
    },
    tryAcquire: (exclude) => lend((p) => String(p) === exclude),
  };
}

async function edgeFor(upstreams: AppUpstreams): Promise<number> {
  const routes = new RouteTable();
  routes.set(host, { kind: "app", deploymentId: "dpl_test", upstreams });
  return listen(createEdgeServer({ logger: createLogger("silent"), routes }));
}

function send(
  port: number,
  options: { method?: string; path?: string; headers?: Record<string, string>; body?: string },
) {
  return new Promise<{ status: number; headers: Record<string, unknown>; body: string }>((resolve, reject) => {
    const req = request(
      {
        host: "127.0.0.1",
        port,
        method: options.method ?? "GET",
        path: options.path ?? "/",
        headers: { host, ...options.headers },
      },
      (res) => {
        let body = "";
        res.on("data", (chunk: Buffer) => {
          body += chunk.toString();
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on("error", reject);
    req.end(options.body);
  });
}

const echo = () =>
  createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => {
      body += chunk.toString();
    });
    req.on("end", () => {
      res.writeHead(201, {
        "content-type": "application/json",
        "x-app": "yes",
        connection: "keep-alive",
        "keep-alive": "timeout=99",
      });
      res.end(JSON.stringify({ method: req.method, url: req.url, headers: req.headers, body }));
    });
  });

describe("edge proxy", () => {
  it("passes method, path, body and status through, sets X-Forwarded-* and drops the client's", async () => {
    const upstream = await listen(echo());
    const edge = await edgeFor(upstreamsOf([upstream]));
    const res = await send(edge, {
      method: "PUT",
      path: "/items/7?x=1",
      body: "payload",
      headers: {
        "x-forwarded-for": "6.6.6.6",
        forwarded: "for=6.6.6.6",
        "x-real-ip": "6.6.6.6",
        "x-custom": "kept",
        connection: "keep-alive, x-drop-me",
        "x-drop-me": "1",
      },
    });
    expect(res.status).toBe(201);
    expect(res.headers["x-app"]).toBe("yes");
    expect(res.headers["keep-alive"]).not.toBe("timeout=99");
    const seen = JSON.parse(res.body);
    expect(seen).toMatchObject({ method: "PUT", url: "/items/7?x=1", body: "payload" });
    expect(seen.headers).toMatchObject({
      "x-forwarded-for": "127.0.0.1",
      "x-forwarded-proto": "http",
      "x-forwarded-host": host,
      "x-custom": "kept",
      host,
    });
    expect(seen.headers.forwarded).toBeUndefined();
    expect(seen.headers["x-real-ip"]).toBeUndefined();
    expect(seen.headers["x-drop-me"]).toBeUndefined();
  });

  it("retries an idempotent request on another instance when the first refuses, not a POST", async () => {
    const closed = await listen(createServer());
    servers.pop()?.close();
    const upstream = await listen(echo());
    const edge = await edgeFor(upstreamsOf([closed, upstream]));
    expect((await send(edge, { path: "/again" })).status).toBe(201);
    const post = await send(edge, { method: "POST", path: "/once", body: "x" });
    expect(post.status).toBe(502);
    expect(post.body).toMatch(/did not answer/);
  });

  it("answers 503 with Retry-After when no instance can be had, and releases every instance it lent", async () => {
    const none = upstreamsOf([]);
    const edge = await edgeFor(none);
    const res = await send(edge, {});
    expect(res.status).toBe(503);
    expect(res.headers["retry-after"]).toBe("5");

    const upstream = await listen(echo());
    const some = upstreamsOf([upstream]);
    const edge2 = await edgeFor(some);
    await Promise.all(Array.from({ length: 20 }, () => send(edge2, {})));
    expect(some.lent).toHaveLength(20);
    expect(some.inflight()).toBe(0);
  });

  it("relays what plain GETs get on the fast path: lengths, chunks, no body, to the end of the connection", async () => {
    const upstream = await listen(
      createServer((req, res) => {
        if (req.url === "/chunked") {
          res.write("first,");
          setTimeout(() => res.end("second"), 20);
        } else if (req.url === "/empty") {
          res.writeHead(204).end();
        } else if (req.url === "/zero") {
          res.writeHead(200, { "content-length": "0" }).end();
        } else if (req.url === "/big") {
          res.end(Buffer.alloc(3 * 1024 * 1024, 97));
        } else if (req.url === "/until-close") {
          res.socket?.write("HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\n\r\nuntil the end");
          res.socket?.end();
        } else res.writeHead(200, { "set-cookie": ["a=1", "b=2"] }).end(`hello ${req.headers["x-forwarded-host"]}`);
      }),
    );
    const upstreams = upstreamsOf([upstream]);
    const edge = await edgeFor(upstreams);
    const plain = await send(edge, {});
    expect(plain.body).toBe(`hello ${host}`);
    expect(plain.headers["set-cookie"]).toEqual(["a=1", "b=2"]);
    expect((await send(edge, { path: "/chunked" })).body).toBe("first,second");
    expect((await send(edge, { path: "/empty" })).status).toBe(204);
    expect((await send(edge, { path: "/zero" })).body).toBe("");
    expect((await send(edge, { path: "/big" })).body.length).toBe(3 * 1024 * 1024);
    expect((await send(edge, { method: "HEAD", path: "/big" })).body).toBe("");
    expect((await send(edge, { path: "/until-close" })).body).toBe("until the end");
    // Many requests, every instance given back.
    await Promise.all(Array.from({ length: 50 }, () => send(edge, {})));
    expect(upstreams.inflight()).toBe(0);
  });

  it("answers 502 on the fast path when the only instance is gone, and releases it", async () => {
    const closed = await listen(createServer());
    servers.pop()?.close();
    const upstreams = upstreamsOf([closed]);
    const edge = await edgeFor(upstreams);
    const res = await send(edge, { headers: { connection: "keep-alive" } });
    expect(res.status).toBe(502);
    expect(upstreams.inflight()).toBe(0);
  });
});
