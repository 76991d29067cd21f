import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Logger } from "../platform/logger.ts";
import { sendPlain, sendUnrouted } from "./edge-pages.ts";
import { installFastPath } from "./fast-path.ts";
import { normalizeHost, RouteTable } from "./route-table.ts";
import { StaticCache, type StaticCacheOptions } from "./static-cache.ts";
import { serveStatic } from "./static-files.ts";

export type EdgeServerDeps = {
  logger: Logger;
  /** Host → target, kept current by the control plane. Default: an empty table (every host 404s). */
  routes?: RouteTable;
  /** Memory for the static file cache. */
  staticCache?: StaticCacheOptions;
  /** Answer plain keep-alive GET/HEAD of static files without node:http's per-request work (default on). */
  fastPath?: boolean;
};

const allowed = "GET, HEAD";

function hasSeveralHosts(rawHeaders: string[]): boolean {
  let hosts = 0;
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i] ?? "";
    if (name.length === 4 && name.toLowerCase() === "host" && ++hosts > 1) return true;
  }
  return false;
}

/**
 * The edge router: the data plane visitors reach. It looks the Host up in the in-memory
 * route table, never in the store, and answers from the target: a static deployment's files
 * today. An unknown host gets a clear 404 page. Plain keep-alive GET/HEAD of static files go
 * through the fast path (fast-path.ts); everything else through node:http and `handle` below.
 */
export function createEdgeServer(deps: EdgeServerDeps): Server {
  const routes = deps.routes ?? new RouteTable();
  const cache = new StaticCache(deps.staticCache);

  function fail(res: ServerResponse, error: unknown): void {
    deps.logger.error({ err: error, url: res.req.url }, "edge request failed");
    if (!res.headersSent) sendPlain(res, 500, "Internal Server Error");
    else res.destroy();
  }

  function handle(req: IncomingMessage, res: ServerResponse): void {
    // node:http keeps the first of several Host headers; RFC 9112 §3.2 wants a 400.
    if (hasSeveralHosts(req.rawHeaders)) {
      sendPlain(res, 400, "Bad Request", { connection: "close" });
      return;
    }
    const target = routes.lookup(req.headers.host);
    if (target === undefined) sendUnrouted(req, res, normalizeHost(req.headers.host ?? ""));
    else if (req.method !== "GET" && req.method !== "HEAD") {
      sendPlain(res, 405, "Method Not Allowed", { allow: allowed, "x-slipway-deployment": target.deploymentId });
    } else serveStatic(cache, req, res, target, fail);
  }

  const server = createServer((req, res) => {
    try {
      handle(req, res);
    } catch (error) {
      fail(res, error);
    }
  }).on("clientError", (error: NodeJS.ErrnoException, socket) => {
    deps.logger.debug({ err: error.message }, "edge client error");
    // What node:http answers without a clientError listener, then close.
    const answering = (socket as { _httpMessage?: { headersSent: boolean } })._httpMessage?.headersSent ?? false;
    if (socket.writable && !socket.writableEnded && !answering && error.code !== "ECONNRESET") {
      const status = error.code === "HPE_HEADER_OVERFLOW" ? "431 Request Header Fields Too Large" : "400 Bad Request";
      socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\n\r\n`);
    }
    socket.destroy();
  });
  if (deps.fastPath !== false) installFastPath(server, { routes, cache, keepAliveMs: server.keepAliveTimeout });
  return server;
}
