// The fast path's reverse proxy: a plain keep-alive GET/HEAD for a running app goes to an
// instance over a pooled raw socket; its response comes back byte for byte, with only the
// hop-by-hop headers taken out, framed by Content-Length or chunked encoding as the app sent it.
// No node:http request or response objects on either side: about a third of the CPU per
// request of the node:http proxy (bench/edge-proxy). Anything this does not handle (a wake
// from zero, an upgrade, a body) never gets here: the fast path hands it to proxy.ts.
import { connect, type Socket } from "node:net";
import { dropFromClient } from "./proxy.ts";
import type { AppTarget, AppUpstream } from "./route-table.ts";

const headEnd = Buffer.from("\r\n\r\n");
const maxResponseHeadBytes = 64 * 1024;
/** Below the 5 s an idle keep-alive connection lives in node:http servers (most apps). */
const idleUpstreamMs = 4_000;
const badGateway = Buffer.from(
  "HTTP/1.1 502 Bad Gateway\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: 37\r\nconnection: close\r\n\r\nBad Gateway: the app did not answer.\n",
);

/** Keep-alive connections to instances, idle ones per port; swept when idle too long. */
class Links {
  #idle = new Map<number, Link[]>();
  #sweeper: NodeJS.Timeout | null = null;

  take(port: number): Link {
    const link = this.#idle.get(port)?.pop();
    if (link) {
      link.socket.ref();
      return link;
    }
    this.#sweeper ??= setInterval(() => this.#sweep(), 1000).unref();
    return new Link(port, (gone) => this.#forget(gone));
  }

  give(link: Link): void {
    const list = this.#idle.get(link.port) ?? [];
    this.#idle.set(link.port, list);
    // An idle connection keeps nothing alive: the process may exit with it open.
    link.socket.unref();
    link.idleSince = Date.now();
    list.push(link);
  }

  #forget(link: Link): void {
    const list = this.#idle.get(link.port);
    const at = list?.indexOf(link) ?? -1;
    if (at !== -1) list?.splice(at, 1);
  }

  #sweep(): void {
    const before = Date.now() - idleUpstreamMs;
    for (const list of this.#idle.values()) {
      for (const link of list.filter((l) => l.idleSince < before)) link.socket.destroy();
    }
  }

  close(): void {
    if (this.#sweeper) clearInterval(this.#sweeper);
    this.#sweeper = null;
    for (const list of this.#idle.values()) for (const link of list) link.socket.destroy();
    this.#idle.clear();
  }
}

export type FastProxyRequest = { head: boolean; host: string; rawHead: string };

export class FastProxy {
  readonly #links = new Links();

  /** Answers a request to an app, or "handoff" when no instance is ready to take it now. */
  serve(request: FastProxyRequest, client: Socket, target: AppTarget): "handoff" | Promise<"answered"> {
    const upstream = target.upstreams.tryAcquire?.();
    if (!upstream) return "handoff";
    const head = Buffer.from(forwardedHead(request, client), "latin1");
    return new Promise((resolve) => {
      const exchange = (lent: AppUpstream, attempt: number) => {
        const link = this.#links.take(lent.port);
        const isReused = link.exchanges > 0;
        link.begin(client, request.head, head, (result) => {
          if (result === "reusable") this.#links.give(link);
          else link.socket.destroy();
          lent.release();
          if (result === "retry" && attempt === 0 && !client.destroyed) {
            // A pooled connection the app had closed, or an instance that died: once more, elsewhere.
            const next =
              target.upstreams.tryAcquire?.(lent.instanceId) ?? (isReused ? target.upstreams.tryAcquire?.() : null);
            if (next) return exchange(next, 1);
          }
          if (result === "retry") client.end(badGateway);
          resolve("answered");
        });
      };
      exchange(upstream, 0);
    });
  }

  close(): void {
    this.#links.close();
  }
}

/** The client's request head for the app: hop-by-hop and forwarding headers replaced by the edge's own. */
function forwardedHead(request: FastProxyRequest, client: Socket): string {
  const lines = request.rawHead.split("\r\n");
  let text = `${lines[0]}\r\n`;
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i] ?? "";
    const name = line.slice(0, line.indexOf(":")).toLowerCase();
    if (!dropFromClient.has(name)) text += `${line}\r\n`;
  }
  return `${text}x-forwarded-for: ${client.remoteAddress ?? ""}\r\nx-forwarded-proto: http\r\nx-forwarded-host: ${request.host}\r\nx-forwarded-port: ${client.localPort ?? ""}\r\n\r\n`;
}

type Result = "reusable" | "closed" | "retry";
type Framing = { kind: "none" } | { kind: "length"; left: number } | { kind: "chunked" } | { kind: "close" };

/**
 * One keep-alive connection to an instance, carrying one exchange at a time: the request head
 * out, the response relayed to the client as it arrives. Its socket listeners stay for its life.
 */
class Link {
  readonly socket: Socket;
  exchanges = 0;
  idleSince = 0;
  #client: Socket | null = null;
  #isHead = false;
  #done: ((result: Result) => void) | null = null;
  #buffered: Buffer | null = null;
  #framing: Framing | null = null;
  readonly #chunk = new ChunkScanner();
  #hasForwarded = false;
  #isUpstreamClosing = false;

  constructor(
    readonly port: number,
    readonly onGone: (link: Link) => void,
  ) {
    const socket = connect({ host: "127.0.0.1", port });
    socket.setNoDelay(true);
    socket.on("data", this.#onData);
    socket.on("error", this.#onUpstreamGone);
    socket.on("close", this.#onUpstreamGone);
    socket.on("end", this.#onUpstreamEnd);
    this.socket = socket;
  }

  begin(client: Socket, isHead: boolean, head: Buffer, done: (result: Result) => void): void {
    this.exchanges += 1;
    this.#client = client;
    this.#isHead = isHead;
    this.#done = done;
    this.#buffered = null;
    this.#framing = null;
    this.#chunk.reset();
    this.#hasForwarded = false;
    this.#isUpstreamClosing = false;
    client.once("close", this.#onClientGone);
    this.socket.write(head);
  }

  #finish(result: Result): void {
    const client = this.#client;
    const done = this.#done;
    if (!client || !done) return;
    this.#client = null;
    this.#done = null;
    client.off("close", this.#onClientGone);
    client.off("drain", this.#onClientDrain);
    if (this.socket.isPaused()) this.socket.resume();
    done(result);
  }

  #onClientGone = (): void => this.#finish("closed");

  #onClientDrain = (): void => {
    this.socket.resume();
  };

  #onUpstreamEnd = (): void => {
    if (this.#client && this.#framing?.kind === "close") {
      // The body ran to the end of the connection: so does the client's.
      this.#client.end();
      this.#finish("closed");
    } else this.#onUpstreamGone();
  };

  #onUpstreamGone = (): void => {
    const client = this.#client;
    if (!client) {
      // Idle in the pool: it is no use any more.
      this.socket.destroy();
      this.onGone(this);
      return;
    }
    if (this.#hasForwarded) {
      client.destroy();
      this.#finish("closed");
    } else this.#finish("retry");
  };

  #forward(client: Socket, bytes: Buffer): void {
    this.#hasForwarded = true;
    if (!client.write(bytes)) {
      this.socket.pause();
      client.once("drain", this.#onClientDrain);
    }
  }

  #onData = (chunk: Buffer): void => {
    const client = this.#client;
    // Bytes nobody asked for: this connection cannot be trusted with another request.
    if (!client) return void this.socket.destroy();
    // A head and a body that came in one read leave in one write.
    client.cork();
    try {
      this.#relay(client, chunk);
    } finally {
      client.uncork();
    }
  };

  #relay(client: Socket, chunk: Buffer) {
    let data = chunk;
    while (data.length > 0 && this.#client) {
      if (this.#framing === null) {
        const all = this.#buffered ? Buffer.concat([this.#buffered, data]) : data;
        const end = all.indexOf(headEnd);
        if (end === -1) {
          if (all.length > maxResponseHeadBytes) return this.#fail(client);
          this.#buffered = all;
          return;
        }
        this.#buffered = null;
        const parsed = parseResponseHead(all.toString("latin1", 0, end), this.#isHead);
        if (parsed === null) return this.#fail(client);
        this.#isUpstreamClosing = parsed.isClosing;
        this.#forward(client, Buffer.from(parsed.head, "latin1"));
        // 1xx: another head follows.
        if (!parsed.isInformational) this.#framing = parsed.framing;
        data = all.subarray(end + 4);
        const framing = this.#framing as Framing | null;
        if (framing?.kind === "none" || (framing?.kind === "length" && framing.left === 0)) return this.#complete(data);
        continue;
      }
      const framing = this.#framing;
      if (framing.kind === "length") {
        const take = Math.min(framing.left, data.length);
        this.#forward(client, take === data.length ? data : data.subarray(0, take));
        framing.left -= take;
        data = data.subarray(take);
        if (framing.left === 0) return this.#complete(data);
      } else if (framing.kind === "chunked") {
        const used = this.#chunk.scan(data);
        if (used === -1) return this.#fail(client);
        this.#forward(client, used === data.length ? data : data.subarray(0, used));
        data = data.subarray(used);
        if (this.#chunk.isComplete) return this.#complete(data);
      } else {
        this.#forward(client, data);
        return;
      }
    }
  }

  #complete(rest: Buffer): void {
    // Bytes after the response, or an app that said it closes: the connection is not reused.
    this.#finish(rest.length === 0 && !this.#isUpstreamClosing ? "reusable" : "closed");
  }

  #fail(client: Socket): void {
    if (this.#hasForwarded) client.destroy();
    else client.end(badGateway);
    this.#finish("closed");
  }
}

type ParsedHead = { head: string; framing: Framing; isClosing: boolean; isInformational: boolean };

/** The app's response head, minus hop-by-hop headers, and how its body is framed. null: malformed. */
function parseResponseHead(text: string, isHeadRequest: boolean): ParsedHead | null {
  const lines = text.split("\r\n");
  const statusLine = lines[0] ?? "";
  if (!statusLine.startsWith("HTTP/1.")) return null;
  const status = Number(statusLine.slice(9, 12));
  if (!(status >= 100 && status < 600)) return null;
  let head = `${statusLine}\r\n`;
  let length: number | null = null;
  let isChunked = false;
  let isClosing = statusLine.startsWith("HTTP/1.0");
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i] ?? "";
    const colon = line.indexOf(":");
    if (colon < 1) return null;
    const name = line.slice(0, colon).toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (name === "content-length") {
      const n = Number(value);
      if (!/^\d+$/.test(value) || (length !== null && length !== n)) return null;
      length = n;
    } else if (name === "transfer-encoding") {
      isChunked = value.toLowerCase().endsWith("chunked");
      if (!isChunked) return null;
    } else if (name === "connection") {
      const tokens = value.toLowerCase();
      if (tokens.includes("close")) isClosing = true;
      else if (tokens.includes("keep-alive")) isClosing = false;
      continue;
    } else if (name === "keep-alive" || name === "proxy-connection") continue;
    head += `${line}\r\n`;
  }
  const isInformational = status < 200;
  const hasNoBody = isHeadRequest || isInformational || status === 204 || status === 304;
  const framing: Framing = hasNoBody
    ? { kind: "none" }
    : isChunked
      ? { kind: "chunked" }
      : length !== null
        ? { kind: "length", left: length }
        : { kind: "close" };
  if (framing.kind === "close") head += "connection: close\r\n";
  return { head: `${head}\r\n`, framing, isClosing, isInformational };
}

/** Follows chunked encoding over the bytes as they pass, to find where the body ends. */
class ChunkScanner {
  #state: "size" | "data" | "data-crlf" | "trailer" = "size";
  #line = "";
  #left = 0;
  isComplete = false;

  reset(): void {
    this.#state = "size";
    this.#line = "";
    this.#left = 0;
    this.isComplete = false;
  }

  /** How many bytes of `data` belong to the body (all, or up to its end); -1 when malformed. */
  scan(data: Buffer): number {
    let i = 0;
    while (i < data.length && !this.isComplete) {
      if (this.#state === "data") {
        const take = Math.min(this.#left, data.length - i);
        i += take;
        this.#left -= take;
        if (this.#left === 0) {
          this.#state = "data-crlf";
          this.#line = "";
        }
        continue;
      }
      const byte = data[i++] ?? 0;
      if (byte !== 0x0a) {
        if (this.#line.length > 4096) return -1;
        this.#line += String.fromCharCode(byte);
        continue;
      }
      const line = this.#line.endsWith("\r") ? this.#line.slice(0, -1) : this.#line;
      this.#line = "";
      if (this.#state === "data-crlf") {
        if (line !== "") return -1;
        this.#state = "size";
      } else if (this.#state === "size") {
        const size = Number.parseInt(line.split(";")[0]?.trim() ?? "", 16);
        if (!Number.isFinite(size) || size < 0) return -1;
        if (size === 0) this.#state = "trailer";
        else {
          this.#left = size;
          this.#state = "data";
        }
      } else if (line === "") this.isComplete = true;
    }
    return i;
  }
}
