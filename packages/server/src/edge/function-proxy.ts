// The edge's HTTP plumbing for a function: the whole request read into memory (a function gets
// its body at once, as on Lambda), handed to a FunctionCall, its reply written back. What the
// call does (limits, auth, the runtime) is the functions feature's business, not the edge's.
import { type IncomingMessage, type ServerResponse, validateHeaderName, validateHeaderValue } from "node:http";
import { forwardedHeaders } from "./proxy.ts";
import type { RouteTarget } from "./route-table.ts";

export type FunctionRequest = {
  method: string;
  /** Path and query as the client sent them. */
  path: string;
  /** Lower-case names; hop-by-hop ones gone, X-Forwarded-* set by the edge. */
  headers: Record<string, string>;
  body: Buffer;
  /** `X-Slipway-Invocation: async`: queue it and answer 202 at once. */
  isAsync: boolean;
  clientIp: string;
};

export type FunctionReply = { status: number; headers: Record<string, string>; body: Buffer };

/** Runs one request through a function; rejecting is a bug, answered 502. */
export type FunctionCall = (request: FunctionRequest) => Promise<FunctionReply>;

/** Lambda's limit for a synchronous payload. */
export const defaultMaxBodyBytes = 6 * 1024 * 1024;

/** Asks for an async invocation; the edge's to read, never passed to the function. */
const invocationHeader = "x-slipway-invocation";
/** Framing is the edge's: it sends the body it has with its own length. */
const dropFromReply = new Set([
  "connection",
  "keep-alive",
  "proxy-connection",
  "trailer",
  "transfer-encoding",
  "upgrade",
]);

/** A JSON error in the API's shape (`{error: {code, message}}`), so clients parse one format. */
export function functionError(
  status: number,
  code: string,
  message: string,
  extra: { headers?: Record<string, string>; details?: Record<string, unknown> } = {},
): FunctionReply {
  return {
    status,
    headers: { "content-type": "application/json; charset=utf-8", "cache-control": "no-store", ...extra.headers },
    body: Buffer.from(JSON.stringify({ error: { code, message, ...extra.details } })),
  };
}

/**
 * The function a static or app deployment serves at `/api/<name>` (or below it), if any:
 * a deployment's `api/` files (features/deployments fills `apiFunctions`).
 */
export function apiFunctionFor(target: RouteTarget, url: string | undefined): FunctionCall | undefined {
  if (target.kind === "redirect" || target.kind === "function" || !target.apiFunctions?.size || !url) return undefined;
  const match = /^\/api\/([^/?#]+)(?:[/?#]|$)/.exec(url);
  return match?.[1] === undefined ? undefined : target.apiFunctions.get(match[1]);
}

function writeReply(req: IncomingMessage, res: ServerResponse, reply: FunctionReply): void {
  if (res.headersSent || res.destroyed) return;
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(reply.headers)) {
    const lower = name.toLowerCase();
    if (dropFromReply.has(lower) || lower === "content-length" || !isValidHeader(lower, value)) continue;
    headers[lower] = value;
  }
  const hasBody = reply.status !== 204 && reply.status !== 304;
  if (hasBody) headers["content-length"] = String(reply.body.length);
  res.writeHead(reply.status, headers);
  res.end(hasBody && req.method !== "HEAD" ? reply.body : undefined);
}

/** A header a function made up that HTTP cannot carry is left out rather than failing the reply. */
function isValidHeader(name: string, value: string): boolean {
  try {
    validateHeaderName(name);
    validateHeaderValue(name, value);
    return true;
  } catch {
    return false;
  }
}

/** The body, or null once it is over the limit (the rest is not read). */
function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        req.off("data", onData);
        resolve(null);
        return;
      }
      chunks.push(chunk);
    };
    req.on("data", onData);
    req.once("end", () => resolve(Buffer.concat(chunks, size)));
    req.once("error", reject);
  });
}

/** The request as a function sees it: one value per header, the edge's X-Forwarded-* in place. */
function functionHeaders(req: IncomingMessage): Record<string, string> {
  // forwardedHeaders' object is this request's own: made one value per header in place.
  const headers = forwardedHeaders(req);
  if (invocationHeader in headers) delete headers[invocationHeader];
  for (const name in headers) {
    const value = headers[name];
    if (Array.isArray(value)) headers[name] = value.join(", ");
  }
  return headers as Record<string, string>;
}

/** Answers one request with a function: 413 over the body limit, 502 when the call fails. */
export function serveFunction(
  req: IncomingMessage,
  res: ServerResponse,
  call: FunctionCall,
  options: { maxBodyBytes?: number } = {},
): void {
  const maxBytes = options.maxBodyBytes ?? defaultMaxBodyBytes;
  const tooLarge = () => {
    // The rest of the body is read and dropped so the client sees the 413, then the connection ends.
    res.shouldKeepAlive = false;
    req.resume();
    return functionError(
      413,
      "payload_too_large",
      `the request body is over the ${Math.round(maxBytes / 1048576)} MB limit`,
    );
  };
  if (Number(req.headers["content-length"] ?? 0) > maxBytes) {
    writeReply(req, res, tooLarge());
    return;
  }
  const run = async (): Promise<FunctionReply> => {
    const body = await readBody(req, maxBytes);
    if (body === null) return tooLarge();
    return call({
      method: req.method ?? "GET",
      path: req.url ?? "/",
      headers: functionHeaders(req),
      body,
      isAsync: String(req.headers[invocationHeader] ?? "").toLowerCase() === "async",
      clientIp: req.socket.remoteAddress ?? "",
    });
  };
  run().then(
    (reply) => writeReply(req, res, reply),
    () => writeReply(req, res, functionError(502, "bad_gateway", "the function could not be invoked")),
  );
}
