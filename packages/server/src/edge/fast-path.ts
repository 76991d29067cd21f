// The edge's fast path: plain keep-alive GET/HEAD requests for static files are read off the
// socket and answered with one pre-serialised buffer (large files: their head, then the file
// streamed from disk), skipping node:http's per-request machinery, about 40% of the CPU of a
// small-file request (bench/edge-static). Anything else (another method, a body, Range,
// Connection: close, HTTP/1.0, an unknown host, a redirect, Slipway's own 404 page, anything
// unusual in the request head) is handed, with the bytes of that request, to node:http for the
// rest of the connection: its parser and its answers stay the reference, and a request is only
// answered here when it parses strictly (request-head.ts).
import { createReadStream } from "node:fs";
import type { Server } from "node:http";
import type { Socket } from "node:net";
import { acmeChallengePrefix } from "./acme-challenges.ts";
import { FastProxy } from "./fast-proxy.ts";
import { apiFunctionFor } from "./function-proxy.ts";
import { acceptedEncodings, isNotModified } from "./http-negotiation.ts";
import { type FastRequest, parseHead } from "./request-head.ts";
import { requestPath } from "./request-path.ts";
import type { RouteTable } from "./route-table.ts";
import type { Resolution, StaticCache } from "./static-cache.ts";
import { deploymentSlot, type FileEntry, pickVariant, streamChunkBytes, type Variant } from "./static-entry.ts";
import { fallbackFor } from "./static-files.ts";

const headEnd = Buffer.from("\r\n\r\n");
const reasons: Record<number, string> = { 200: "OK", 304: "Not Modified", 404: "Not Found" };

/** A response on the wire: its head, and head and body in one buffer when the body is small. */
type Wire = { status: number; deploymentId: string; date: string; head: Buffer; full: Buffer | null };
/** Bodies up to this size are copied behind their head once a second (one write per request). */
const joinedBodyBytes = 64 * 1024;
type Wires = { full: Wire | null; notModified: Wire | null };
/**
 * What became of one request: answered, handed to node:http, or a promise: of the file loaded
 * from disk (then answer it again: "retry") or of its body streamed ("answered").
 */
type Outcome = "answered" | "handoff" | Promise<"retry" | "answered">;
const retry = (): "retry" => "retry";

let dateSecond = -1;
let date = "";
/** The Date header value, one string per second (compared by identity in the wire cache). */
function httpDate(): string {
  const second = Math.floor(Date.now() / 1000);
  if (second !== dateSecond) {
    dateSecond = second;
    date = new Date(second * 1000).toUTCString();
  }
  return date;
}

/** The same header lines node:http writes for this header array, then (small) the body. */
function serialise(
  status: number,
  headers: string[],
  deploymentId: string,
  body: Buffer | null,
  keepAlive: string,
): Wire {
  let text = `HTTP/1.1 ${status} ${reasons[status]}\r\n`;
  for (let i = 0; i < headers.length; i += 2) {
    text += `${headers[i]}: ${i + 1 === deploymentSlot ? deploymentId : headers[i + 1]}\r\n`;
  }
  const now = httpDate();
  text += `Date: ${now}\r\nConnection: keep-alive\r\nKeep-Alive: ${keepAlive}\r\n\r\n`;
  const head = Buffer.from(text, "latin1");
  if (body === null) return { status, deploymentId, date: now, head, full: null };
  if (body.length > joinedBodyBytes) return { status, deploymentId, date: now, head, full: null };
  const full = Buffer.concat([head, body]);
  return { status, deploymentId, date: now, head: full.subarray(0, head.length), full };
}

/** Sends a large file's bytes after its head; the next request waits until they are out. */
function streamFile(socket: Socket, file: string): Promise<"answered"> {
  return new Promise((resolve) => {
    const stream = createReadStream(file, { highWaterMark: streamChunkBytes });
    const stop = () => stream.destroy();
    socket.once("close", stop);
    // The head is out: a broken connection is the only way left to say something went wrong.
    stream.once("error", () => socket.destroy());
    stream.once("end", () => {
      socket.removeListener("close", stop);
      resolve("answered");
    });
    stream.pipe(socket, { end: false });
  });
}

export type FastPathOptions = {
  routes: RouteTable;
  cache: StaticCache;
  /** node:http's own connection listener: takes over a socket. */
  handoff: (socket: Socket) => void;
  keepAliveMs?: number;
  headersTimeoutMs?: number;
  maxHeadBytes?: number;
};

export class FastPath {
  readonly connections = new Set<FastConnection>();
  readonly keepAliveMs: number;
  readonly headersTimeoutMs: number;
  readonly maxHeadBytes: number;
  #wires = new WeakMap<Variant, Wires>();
  /** Plain GET/HEAD to running apps, over raw pooled sockets. */
  readonly proxy = new FastProxy();
  /** The Keep-Alive header value, as node:http writes it. */
  #keepAlive: string;
  /** Set once the server closes: connections end after the answers in progress. */
  closing = false;

  constructor(readonly options: FastPathOptions) {
    this.keepAliveMs = options.keepAliveMs ?? 5000;
    this.headersTimeoutMs = options.headersTimeoutMs ?? 60_000;
    this.maxHeadBytes = options.maxHeadBytes ?? 16 * 1024;
    this.#keepAlive = `timeout=${Math.floor(this.keepAliveMs / 1000)}`;
  }

  accept(socket: Socket): void {
    this.connections.add(new FastConnection(this, socket));
  }

  /** Ends connections between requests (node:http's closeIdleConnections does its own). */
  closeIdle(): void {
    this.closing = true;
    for (const connection of this.connections) if (connection.idle) connection.socket.destroy();
  }

  closeAll(): void {
    this.proxy.close();
    for (const connection of this.connections) connection.socket.destroy();
  }

  /** Answers one parsed request, or says why it cannot. */
  serve(request: FastRequest, socket: Socket, rawHead: string): Outcome {
    const target = this.options.routes.lookup(request.host);
    if (target === undefined || target.httpsOnly) return "handoff";
    // A deployment's functions at /api/<name> read the body and run in node:http (function-proxy.ts).
    if (apiFunctionFor(target, request.target)) return "handoff";
    if (target.kind === "app") {
      if (request.target.startsWith(acmeChallengePrefix)) return "handoff";
      return this.proxy.serve({ head: request.head, host: request.host ?? "", rawHead }, socket, target);
    }
    if (target.kind !== "static") return "handoff";
    const path = requestPath(request.target);
    // ACME challenges are answered by the edge itself (acme-challenges.ts), not by the deployment.
    if (path === null || path.startsWith(acmeChallengePrefix)) return "handoff";
    const { cache } = this.options;
    const resolution = cache.resolve(target.artifactDir, path);
    if (resolution instanceof Promise) return resolution.then(retry);
    let entry: FileEntry;
    let status: 200 | 404 = 200;
    if (resolution.kind === "file") entry = resolution.entry;
    else if (resolution.kind === "redirect") return "handoff";
    else {
      const fallback = fallbackFor(target, path, request.accept);
      const resolved: Resolution | Promise<Resolution> = cache.resolve(target.artifactDir, fallback.path);
      if (resolved instanceof Promise) return resolved.then(retry);
      if (resolved.kind !== "file") return "handoff";
      entry = resolved.entry;
      status = fallback.status;
    }
    const variant = pickVariant(entry, acceptedEncodings(request.acceptEncoding));
    const fresh =
      status === 200 &&
      isNotModified(request.ifNoneMatch, request.ifModifiedSince, variant.etag, entry.lastModified, entry.mtimeMs);
    const wire = this.#wire(variant, fresh ? 304 : status, target.deploymentId);
    if (request.head || fresh) socket.write(wire.head);
    else if (variant.body === null) {
      socket.write(wire.head);
      return streamFile(socket, entry.file);
    } else if (wire.full !== null) socket.write(wire.full);
    else {
      // A larger body from memory: head and body in one writev, without a second copy kept.
      socket.cork();
      socket.write(wire.head);
      socket.write(variant.body);
      socket.uncork();
    }
    return "answered";
  }

  /** The serialised response, rebuilt when the second, the deployment or the status changes. */
  #wire(variant: Variant, status: number, deploymentId: string): Wire {
    let wires = this.#wires.get(variant);
    if (wires === undefined) {
      wires = { full: null, notModified: null };
      this.#wires.set(variant, wires);
    }
    const notModified = status === 304;
    const cached = notModified ? wires.notModified : wires.full;
    if (cached?.date === httpDate() && cached.deploymentId === deploymentId && cached.status === status) return cached;
    const wire = notModified
      ? serialise(304, variant.notModified, deploymentId, null, this.#keepAlive)
      : serialise(status, variant.headers, deploymentId, variant.body, this.#keepAlive);
    if (notModified) wires.notModified = wire;
    else wires.full = wire;
    return wire;
  }
}

class FastConnection {
  /** Bytes received and not yet answered. */
  #pending: Buffer | null = null;
  /** When the request head now pending started to arrive. */
  #headSince = 0;
  #waiting = false;

  constructor(
    readonly fast: FastPath,
    readonly socket: Socket,
  ) {
    socket.on("data", this.#onData);
    socket.on("drain", this.#onDrain);
    socket.on("error", this.#onError);
    socket.on("close", this.#onClose);
    socket.on("timeout", this.#onTimeout);
    socket.setTimeout(fast.keepAliveMs);
  }

  get idle(): boolean {
    return this.#pending === null && !this.#waiting;
  }

  #onData = (chunk: Buffer): void => {
    if (this.#pending === null) this.#headSince = Date.now();
    this.#pending = this.#pending === null ? chunk : Buffer.concat([this.#pending, chunk]);
    if (!this.#waiting) this.#answer();
    // Requests piling up behind a long answer: stop reading until it is out.
    else if (this.#pending.length > this.fast.maxHeadBytes) this.socket.pause();
  };

  #onDrain = (): void => {
    if (this.#waiting) return;
    if (this.socket.isPaused()) this.socket.resume();
    if (this.#pending !== null) this.#answer();
  };

  #onError = (): void => {
    this.socket.destroy();
  };
  #onClose = (): void => {
    this.fast.connections.delete(this);
  };

  #onTimeout = (): void => {
    if (!this.#waiting) this.socket.destroy();
  };

  /** Answers every complete request pending, in order, until one needs node:http or the disk. */
  #answer(): void {
    const socket = this.socket;
    let data = this.#pending;
    let offset = 0;
    // One answer goes straight out; several pipelined ones leave in one writev.
    let corked = false;
    try {
      while (data !== null && offset < data.length && !socket.writableNeedDrain) {
        const end = data.indexOf(headEnd, offset);
        if (end === -1) {
          const tooBig = data.length - offset > this.fast.maxHeadBytes;
          if (tooBig || Date.now() - this.#headSince > this.fast.headersTimeoutMs) {
            this.#handoff(data, offset);
            return;
          }
          break;
        }
        const rawHead = end - offset > this.fast.maxHeadBytes ? null : data.toString("latin1", offset, end);
        const request = rawHead === null ? null : parseHead(rawHead);
        if (offset > 0 && !corked) {
          socket.cork();
          corked = true;
        }
        const outcome = request === null || rawHead === null ? "handoff" : this.fast.serve(request, socket, rawHead);
        if (outcome === "handoff") {
          this.#handoff(data, offset);
          return;
        }
        if (outcome !== "answered") {
          this.#wait(outcome, data.subarray(offset), end + 4 - offset);
          data = null;
          break;
        }
        offset = end + 4;
        this.#headSince = Date.now();
      }
      if (data !== null) this.#pending = offset < data.length ? data.subarray(offset) : null;
      // A client that does not read its answers is not read from either.
      if (socket.writableNeedDrain) socket.pause();
      if (this.fast.closing && this.idle) socket.end();
    } finally {
      if (corked) socket.uncork();
    }
  }

  /**
   * Until the file is loaded (then answer the request again) or its body is out (then go on
   * after it, `length` bytes further), answer nothing else on this connection.
   */
  #wait(outcome: Promise<"retry" | "answered">, rest: Buffer, length: number): void {
    this.#waiting = true;
    this.#pending = rest;
    outcome.then(
      (what) => {
        this.#waiting = false;
        const socket = this.socket;
        if (socket.destroyed) return;
        const pending = this.#pending;
        if (what === "answered")
          this.#pending = pending !== null && pending.length > length ? pending.subarray(length) : null;
        this.#headSince = Date.now();
        if (socket.isPaused() && !socket.writableNeedDrain) socket.resume();
        if (this.#pending !== null) this.#answer();
        else if (this.fast.closing) socket.end();
      },
      () => {
        this.#waiting = false;
        // Let node:http answer it: it reports the error as a 500 the usual way.
        if (!this.socket.destroyed && this.#pending) this.#handoff(this.#pending, 0);
      },
    );
  }

  /** node:http takes the connection over from this request on, for good. */
  #handoff(data: Buffer, offset: number): void {
    const socket = this.socket;
    socket.removeListener("data", this.#onData);
    socket.removeListener("drain", this.#onDrain);
    socket.removeListener("error", this.#onError);
    socket.removeListener("close", this.#onClose);
    socket.setTimeout(0);
    socket.removeListener("timeout", this.#onTimeout);
    this.fast.connections.delete(this);
    this.#pending = null;
    socket.pause();
    socket.unshift(data.subarray(offset));
    this.fast.options.handoff(socket);
    process.nextTick(() => socket.resume());
  }
}

/**
 * Puts the fast path in front of an http.Server: it takes every new connection and hands
 * over the ones it cannot serve to node:http's own listener. closeIdleConnections and
 * closeAllConnections (and so close()) cover the fast path's connections too.
 */
export function installFastPath(server: Server, options: Omit<FastPathOptions, "handoff">): FastPath {
  const [nodeListener] = server.listeners("connection") as ((socket: Socket) => void)[];
  if (!nodeListener) throw new Error("the http.Server has no connection listener to hand over to");
  server.removeListener("connection", nodeListener);
  const fast = new FastPath({ ...options, handoff: (socket) => nodeListener.call(server, socket) });
  server.on("connection", (socket: Socket) => fast.accept(socket));
  const closeIdle = server.closeIdleConnections.bind(server);
  const closeAll = server.closeAllConnections.bind(server);
  server.closeIdleConnections = () => {
    closeIdle();
    fast.closeIdle();
  };
  server.closeAllConnections = () => {
    closeAll();
    fast.closeAll();
  };
  return fast;
}
