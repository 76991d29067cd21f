import { Agent, type IncomingHttpHeaders, type IncomingMessage, request, type ServerResponse } from "node:http";
import { connect, type Socket } from "node:net";
import type { Duplex } from "node:stream";
import type { TLSSocket } from "node:tls";
import type { Logger } from "../platform/logger.ts";
import { sendPlain } from "./edge-pages.ts";
import type { AppTarget, AppUpstream } from "./route-table.ts";

/** Hop-by-hop (RFC 9110 §7.6.1), and what the edge sets itself: never passed through from the client. */
export const dropFromClient: ReadonlySet<string> = new Set([
  "connection",
  "keep-alive",
  "proxy-connection",
  "proxy-authorization",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
  "forwarded",
  "x-forwarded-for",
  "x-forwarded-host",
  "x-forwarded-proto",
  "x-forwarded-port",
  "x-real-ip",
]);
const dropFromUpstream = new Set(["connection", "keep-alive", "proxy-connection", "trailer", "transfer-encoding"]);
/** Safe to send again on another instance when the first one failed before answering (RFC 9110 §9.2.2). */
const idempotentMethods = new Set(["GET", "HEAD", "OPTIONS", "PUT", "DELETE"]);
/** One retry: a request that killed an instance must not go on to kill the next one. */
const maxAttempts = 2;

export type Proxy = {
  request(req: IncomingMessage, res: ServerResponse, target: AppTarget): void;
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer, target: AppTarget): void;
  close(): void;
};

/**
 * The edge's reverse proxy to server-app instances: keep-alive to each instance, streaming both
 * ways, WebSocket (and any Upgrade) tunnels, X-Forwarded-* set from the connection only. A
 * request without a body whose method is idempotent is retried on another instance when the
 * first fails before answering (an instance killed under load).
 */
export function createProxy(deps: { logger: Logger }): Proxy {
  const agent = new Agent({ keepAlive: true, maxSockets: 512, maxFreeSockets: 64, scheduling: "lifo" });

  function request_(req: IncomingMessage, res: ServerResponse, target: AppTarget): void {
    const headers = forwardedHeaders(req);
    const hasBody = req.headers["transfer-encoding"] !== undefined || Number(req.headers["content-length"] ?? 0) > 0;
    const isRetryable = !hasBody && idempotentMethods.has(req.method ?? "");
    const failed = new Set<string>();
    let isClientGone = false;
    res.once("close", () => {
      isClientGone = !res.writableFinished;
    });

    const attempt = async (n: number): Promise<void> => {
      let upstream: AppUpstream;
      try {
        upstream = await target.upstreams.acquire(failed);
      } catch (error) {
        deps.logger.warn({ err: (error as Error).message, deployment: target.deploymentId }, "edge: no instance");
        if (res.headersSent) return;
        if (n > 0) sendPlain(res, 502, "Bad Gateway: the app did not answer", {});
        else sendPlain(res, 503, "Service Unavailable: the app is not running", retryAfter);
        return;
      }
      if (isClientGone) return upstream.release();
      let isReleased = false;
      const release = () => {
        if (isReleased) return;
        isReleased = true;
        upstream.release();
      };
      const outgoing = request({
        host: "127.0.0.1",
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers,
        agent,
      });
      let hasAnswered = false;
      outgoing.once("response", (incoming) => {
        hasAnswered = true;
        const raw: string[] = [];
        const listed = connectionListed(incoming.headers);
        for (let i = 0; i < incoming.rawHeaders.length; i += 2) {
          const name = incoming.rawHeaders[i] ?? "";
          const lower = name.toLowerCase();
          if (dropFromUpstream.has(lower) || listed?.has(lower)) continue;
          raw.push(name, incoming.rawHeaders[i + 1] ?? "");
        }
        res.writeHead(incoming.statusCode ?? 502, incoming.statusMessage, raw);
        // A body of known length goes out with the headers in one write; a stream (SSE, chunked)
        // gets its headers at once, whenever its first chunk comes.
        if (incoming.headers["content-length"] === undefined) res.flushHeaders();
        incoming.pipe(res);
        incoming.once("end", release);
        incoming.once("close", release);
        incoming.once("error", () => {
          release();
          res.destroy();
        });
      });
      outgoing.once("error", (error: NodeJS.ErrnoException) => {
        release();
        if (hasAnswered || isClientGone) {
          res.destroy();
          return;
        }
        failed.add(upstream.instanceId);
        if (isRetryable && n + 1 < maxAttempts) {
          void attempt(n + 1);
          return;
        }
        deps.logger.warn(
          { err: error.code ?? error.message, deployment: target.deploymentId, port: upstream.port },
          "edge: upstream failed",
        );
        if (!res.headersSent) sendPlain(res, 502, "Bad Gateway: the app did not answer", {});
        else res.destroy();
      });
      res.once("close", () => {
        if (!res.writableFinished) outgoing.destroy();
      });
      if (hasBody) req.pipe(outgoing);
      else outgoing.end();
    };
    void attempt(0);
  }

  function upgrade(req: IncomingMessage, socket: Duplex, head: Buffer, target: AppTarget): void {
    socket.on("error", () => socket.destroy());
    void target.upstreams.acquire().then(
      (upstream) => {
        const headers = forwardedHeaders(req);
        // The tunnel needs the handshake's own Connection/Upgrade.
        headers.connection = "Upgrade";
        if (req.headers.upgrade) headers.upgrade = req.headers.upgrade;
        const upstreamSocket: Socket = connect({ host: "127.0.0.1", port: upstream.port });
        let isDone = false;
        const done = () => {
          if (isDone) return;
          isDone = true;
          upstream.release();
          socket.destroy();
          upstreamSocket.destroy();
        };
        upstreamSocket.once("connect", () => {
          let text = `${req.method} ${req.url} HTTP/1.1\r\n`;
          for (const [name, value] of Object.entries(headers)) {
            for (const one of Array.isArray(value) ? value : [value]) text += `${name}: ${one}\r\n`;
          }
          upstreamSocket.write(`${text}\r\n`);
          if (head.length > 0) upstreamSocket.write(head);
          upstreamSocket.pipe(socket);
          socket.pipe(upstreamSocket);
        });
        upstreamSocket.once("error", () => {
          if (!upstreamSocket.bytesRead && socket.writable)
            socket.end("HTTP/1.1 502 Bad Gateway\r\nConnection: close\r\n\r\n");
          done();
        });
        upstreamSocket.once("close", done);
        socket.once("close", done);
      },
      () => {
        socket.end("HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nRetry-After: 5\r\n\r\n");
      },
    );
  }

  return { request: request_, upgrade, close: () => agent.destroy() };
}

/**
 * The client's headers as an upstream gets them: hop-by-hop ones and the client's own
 * X-Forwarded-* dropped, X-Forwarded-* set from the connection only.
 */
export function forwardedHeaders(req: IncomingMessage): Record<string, string | string[]> {
  const headers: Record<string, string | string[]> = {};
  const listed = connectionListed(req.headers);
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined || dropFromClient.has(name) || listed?.has(name)) continue;
    headers[name] = value;
  }
  const socket = req.socket as Partial<TLSSocket>;
  const isTls = socket.encrypted === true;
  headers["x-forwarded-for"] = req.socket.remoteAddress ?? "";
  headers["x-forwarded-proto"] = isTls ? "https" : "http";
  headers["x-forwarded-host"] = req.headers.host ?? "";
  headers["x-forwarded-port"] = String(req.socket.localPort ?? "");
  return headers;
}

const retryAfter = { "retry-after": "5" };

/** Header names the Connection header lists: hop-by-hop for this message only. */
function connectionListed(headers: IncomingHttpHeaders): Set<string> | null {
  const value = headers.connection;
  if (!value) return null;
  return new Set(value.split(",").map((name) => name.trim().toLowerCase()));
}
