import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import type { TLSSocket } from "node:tls";
import type { Logger } from "../platform/logger.ts";
import type { AcmeChallengeResponder } from "./acme-challenges.ts";
import { sendPlain, sendUnrouted } from "./edge-pages.ts";
import { installFastPath } from "./fast-path.ts";
import { apiFunctionFor, serveFunction } from "./function-proxy.ts";
import { createProxy } from "./proxy.ts";
import { httpsLocation, sendLocation, sendRedirect } from "./redirects.ts";
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
  /** Answers ACME HTTP-01 challenges (`/.well-known/acme-challenge/…`) ahead of the routes. */
  acmeChallenges?: AcmeChallengeResponder;
  /** The HTTPS listener's port, for redirecting "HTTPS only" hosts. */
  httpsPort?: () => number;
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
export function createEdgeServer(deps: EdgeServerDeps): Server & { handlers: EdgeHandlers } {
  const routes = deps.routes ?? new RouteTable();
  const cache = new StaticCache(deps.staticCache);
  const handlers = createEdgeHandlers({ ...deps, routes }, cache);
  const server = createServer(handlers.request);
  server.on("upgrade", handlers.upgrade);
  server.on("close", handlers.close);
  server.on("clientError", (error: NodeJS.ErrnoException, socket) => {
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
  // The HTTPS listener (tls-server.ts) serves through the same handlers and static cache.
  return Object.assign(server, { handlers });
}

export type EdgeHandlers = {
  /** node:http's "request" listener; an HTTPS server reuses it as is. */
  request(req: IncomingMessage, res: ServerResponse): void;
  /** node:http's "upgrade" listener: WebSockets to server apps. */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** Drops the keep-alive connections to app instances. */
  close(): void;
};

/** What the edge answers, independent of the listener (HTTP on :8080, HTTPS on :8443). */
export function createEdgeHandlers(deps: EdgeServerDeps & { routes: RouteTable }, cache: StaticCache): EdgeHandlers {
  const { routes } = deps;
  const proxy = createProxy({ logger: deps.logger });

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
    if (target === undefined) {
      sendUnrouted(req, res, normalizeHost(req.headers.host ?? ""));
      return;
    }
    const apiFunction = apiFunctionFor(target, req.url);
    if (target.httpsOnly && deps.httpsPort && !(req.socket as Partial<TLSSocket>).encrypted)
      sendLocation(req, res, 308, httpsLocation(req, deps.httpsPort()));
    else if (target.kind === "function") serveFunction(req, res, target.call);
    else if (apiFunction) serveFunction(req, res, apiFunction);
    else if (target.kind === "app") proxy.request(req, res, target);
    else if (target.kind === "redirect") sendRedirect(req, res, target);
    else if (req.method !== "GET" && req.method !== "HEAD") {
      sendPlain(res, 405, "Method Not Allowed", { allow: allowed, "x-slipway-deployment": target.deploymentId });
    } else serveStatic(cache, req, res, target, fail);
  }

  return {
    request(req, res) {
      const run = () => {
        try {
          handle(req, res);
        } catch (error) {
          fail(res, error);
        }
      };
      // ACME HTTP-01 challenges come before any route, for any host (features/certificates).
      if (!deps.acmeChallenges?.(req, res)) run();
    },
    upgrade(req, socket, head) {
      const target = hasSeveralHosts(req.rawHeaders) ? undefined : routes.lookup(req.headers.host);
      if (target?.kind === "app") proxy.upgrade(req, socket, head, target);
      else {
        socket.on("error", () => undefined);
        socket.end(`HTTP/1.1 ${target ? "400 Bad Request" : "404 Not Found"}\r\nConnection: close\r\n\r\n`);
      }
    },
    close: () => proxy.close(),
  };
}
