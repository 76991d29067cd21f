// Serving a static deployment: path resolution, SPA fallback and 404s, then one file with
// conditionals, content coding and ranges. Everything per file is precomputed in the cache;
// the hot path is a map lookup, a header-array write and `res.end(buffer)`.
import { createReadStream } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { pipeline } from "node:stream";
import { extensionOf } from "./content-types.ts";
import { sendDeploymentNotFound, sendPlain } from "./edge-pages.ts";
import { acceptedEncodings, ifRangeHolds, isNotModified, parseRange } from "./http-negotiation.ts";
import { encodePath, requestPath } from "./request-path.ts";
import type { StaticTarget } from "./route-table.ts";
import type { Resolution, StaticCache } from "./static-cache.ts";
import {
  contentLengthSlot,
  deploymentSlot,
  type FileEntry,
  pickVariant,
  revalidateCaching,
  streamChunkBytes,
  type Variant,
} from "./static-entry.ts";

/** Reports an error that happened while answering `res`. */
export type Fail = (res: ServerResponse, error: unknown) => void;

/** Answers a GET or HEAD for `target` from its artifact directory. */
export function serveStatic(
  cache: StaticCache,
  req: IncomingMessage,
  res: ServerResponse,
  target: StaticTarget,
  fail: Fail,
): void {
  const path = requestPath(req.url ?? "/");
  if (path === null) {
    sendPlain(res, 400, "Bad Request", { "x-slipway-deployment": target.deploymentId });
    return;
  }
  const resolution = cache.resolve(target.artifactDir, path);
  // Remembered paths answer synchronously, without a closure; the first request waits for the disk.
  if (resolution instanceof Promise) {
    resolution.then(
      (r) => answer(cache, req, res, target, path, r, fail),
      (error) => fail(res, error),
    );
  } else answer(cache, req, res, target, path, resolution, fail);
}

function answer(
  cache: StaticCache,
  req: IncomingMessage,
  res: ServerResponse,
  target: StaticTarget,
  path: string,
  resolution: Resolution,
  fail: Fail,
): void {
  if (resolution.kind === "file") sendEntry(req, res, target.deploymentId, resolution.entry, 200);
  else if (resolution.kind === "redirect") sendRedirect(req, res, target.deploymentId, resolution.path);
  else sendFallback(cache, req, res, target, path, fallbackFor(target, path, req.headers.accept), fail);
}

/**
 * What answers a path the deployment has no file for: its `/index.html` with 200 when it is
 * an SPA and the request a navigation (no file extension, or a browser asking for HTML), else
 * its `/404.html` with 404 (and Slipway's 404 page when that is missing too).
 */
export function fallbackFor(target: StaticTarget, path: string, accept: string | undefined): Fallback {
  const navigation = extensionOf(path) === "" || (accept?.includes("text/html") ?? false);
  return target.spaFallback && navigation ? spaFallback : notFoundFallback;
}

export type Fallback = { path: "/index.html" | "/404.html"; status: 200 | 404 };
const spaFallback: Fallback = { path: "/index.html", status: 200 };
const notFoundFallback: Fallback = { path: "/404.html", status: 404 };

/** The fallback file, the 404.html after a missing SPA index, else Slipway's 404 page. */
function sendFallback(
  cache: StaticCache,
  req: IncomingMessage,
  res: ServerResponse,
  target: StaticTarget,
  path: string,
  fallback: Fallback,
  fail: Fail,
): void {
  const resolved = cache.resolve(target.artifactDir, fallback.path);
  const then = (resolution: Resolution) => {
    if (resolution.kind === "file") sendEntry(req, res, target.deploymentId, resolution.entry, fallback.status);
    else if (fallback === spaFallback) sendFallback(cache, req, res, target, path, notFoundFallback, fail);
    else sendDeploymentNotFound(req, res, target.deploymentId, path);
  };
  if (resolved instanceof Promise) resolved.then(then, (error) => fail(res, error));
  else then(resolved);
}

/** Writes a precomputed header array with this deployment's id in its slot. */
function writeHead(res: ServerResponse, status: number, headers: string[], deploymentId: string): void {
  // writeHead serialises the array before returning, so the shared array can carry each id in turn.
  headers[deploymentSlot] = deploymentId;
  res.writeHead(status, headers);
}

function sendEntry(
  req: IncomingMessage,
  res: ServerResponse,
  deploymentId: string,
  entry: FileEntry,
  status: 200 | 404,
): void {
  const range = status === 200 && req.method === "GET" ? req.headers.range : undefined;
  // A Range is served from the identity bytes; If-Range may turn it into a full answer.
  const ifRange = req.headers["if-range"] as string | undefined;
  const ranged = range !== undefined && ifRangeHolds(ifRange, entry.identity.etag, entry.lastModified);
  const variant = ranged ? entry.identity : pickVariant(entry, acceptedEncodings(req.headers["accept-encoding"]));
  const { "if-none-match": ifNoneMatch, "if-modified-since": ifModifiedSince } = req.headers;
  if (status === 200 && isNotModified(ifNoneMatch, ifModifiedSince, variant.etag, entry.lastModified, entry.mtimeMs)) {
    writeHead(res, 304, variant.notModified, deploymentId);
    res.end();
    return;
  }
  if (ranged) {
    const satisfiable = parseRange(range, entry.size);
    if (satisfiable === "unsatisfiable") {
      sendUnsatisfiable(res, deploymentId, entry);
      return;
    }
    if (satisfiable !== null) {
      sendPart(req, res, deploymentId, entry, satisfiable.start, satisfiable.end);
      return;
    }
  }
  sendVariant(req, res, deploymentId, variant, status, 0, entry.size - 1, entry.file);
}

function sendPart(
  req: IncomingMessage,
  res: ServerResponse,
  deploymentId: string,
  entry: FileEntry,
  start: number,
  end: number,
): void {
  const headers = entry.identity.headers.slice();
  headers[contentLengthSlot] = String(end - start + 1);
  headers.push("content-range", `bytes ${start}-${end}/${entry.size}`);
  sendVariant(req, res, deploymentId, { ...entry.identity, headers }, 206, start, end, entry.file);
}

function sendVariant(
  req: IncomingMessage,
  res: ServerResponse,
  deploymentId: string,
  variant: Variant,
  status: number,
  start: number,
  end: number,
  file: string,
): void {
  if (variant.body !== null) {
    writeHead(res, status, variant.headers, deploymentId);
    res.end(status === 206 ? variant.body.subarray(start, end + 1) : variant.body);
    return;
  }
  if (req.method === "HEAD") {
    writeHead(res, status, variant.headers, deploymentId);
    res.end();
    return;
  }
  // Large file: headers once the file is open (a vanished file is still a clean 500).
  const headers = variant.headers.slice();
  headers[deploymentSlot] = deploymentId;
  const stream = createReadStream(file, { start, end, highWaterMark: streamChunkBytes });
  stream.once("error", (error) => {
    if (!res.headersSent) sendPlain(res, 500, "Internal Server Error");
    else res.destroy(error);
  });
  stream.once("ready", () => {
    res.writeHead(status, headers);
    pipeline(stream, res, () => {});
  });
}

function sendUnsatisfiable(res: ServerResponse, deploymentId: string, entry: FileEntry): void {
  res.writeHead(416, [
    "x-slipway-deployment",
    deploymentId,
    "content-range",
    `bytes */${entry.size}`,
    "content-length",
    "0",
    "accept-ranges",
    "bytes",
    "etag",
    entry.identity.etag,
    "x-content-type-options",
    "nosniff",
  ]);
  res.end();
}

/** `/docs` ⇄ `/docs/`, keeping the query; the Location is built from the safe, normalised path. */
function sendRedirect(req: IncomingMessage, res: ServerResponse, deploymentId: string, path: string): void {
  const url = req.url ?? "";
  const q = url.indexOf("?");
  res.writeHead(308, [
    "x-slipway-deployment",
    deploymentId,
    "location",
    encodePath(path) + (q === -1 ? "" : url.slice(q)),
    "content-length",
    "0",
    "cache-control",
    revalidateCaching,
    "x-content-type-options",
    "nosniff",
  ]);
  res.end();
}
