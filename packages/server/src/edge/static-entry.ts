// One file of an artifact as the edge serves it: content hash, precompressed variants and
// precomputed header arrays, built once (artifacts are immutable) and reused for every request.
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { readFile } from "node:fs/promises";
import { promisify } from "node:util";
import { brotliCompress, constants, gzip } from "node:zlib";
import { contentTypeOf, isHashedAssetName } from "./content-types.ts";
import type { Compressed, Encoding } from "./http-negotiation.ts";

const brotli = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

export const immutableCaching = "public, max-age=31536000, immutable";
export const revalidateCaching = "public, max-age=0, must-revalidate";
/** Responses to write the deployment id into: header arrays keep it in this slot. */
export const deploymentSlot = 1;
/** The Content-Length value's slot in a full-response header array. */
export const contentLengthSlot = 3;
/** Large files are read from disk in chunks of this size. */
export const streamChunkBytes = 256 * 1024;
/** Below this, compression saves less than the headers it costs. */
const minCompressBytes = 256;
/** Brotli's best quality is slow (about 1 MB/s); beyond this size a slightly lower one. */
const brotliMaxQualityBytes = 128 * 1024;

export type Variant = {
  encoding: Encoding;
  /** The bytes to send; null when the file is streamed from disk. */
  body: Buffer | null;
  etag: string;
  /** A 200 response: [x-slipway-deployment, <slot>, content-length, n, ...]. */
  headers: string[];
  /** A 304 response: validators and caching, no content headers. */
  notModified: string[];
};

export type FileEntry = {
  /** Absolute path on disk. */
  file: string;
  size: number;
  mtimeMs: number;
  lastModified: string;
  contentType: string;
  cacheControl: string;
  /** Whether compressed variants may exist, hence `Vary: Accept-Encoding`. */
  vary: boolean;
  identity: Variant;
  gzip: Variant | null;
  br: Variant | null;
  /** Memory held (bodies and headers), for the cache's byte budget. */
  bytes: number;
};

type Meta = Pick<FileEntry, "lastModified" | "contentType" | "cacheControl" | "vary">;

function variant(meta: Meta, encoding: Encoding, etag: string, body: Buffer | null, length: number): Variant {
  const validators = ["etag", etag, "last-modified", meta.lastModified, "cache-control", meta.cacheControl];
  if (meta.vary) validators.push("vary", "accept-encoding");
  validators.push("x-content-type-options", "nosniff");
  const headers = ["x-slipway-deployment", "", "content-length", String(length), "content-type", meta.contentType];
  if (encoding === "identity") headers.push("accept-ranges", "bytes");
  else headers.push("content-encoding", encoding);
  return {
    encoding,
    body,
    etag,
    headers: [...headers, ...validators],
    notModified: ["x-slipway-deployment", "", ...validators],
  };
}

function hashOf(data: Buffer): string {
  return createHash("sha256").update(data).digest("base64url").slice(0, 22);
}

async function hashOfFile(file: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(file, { highWaterMark: 1024 * 1024 })) hash.update(chunk as Buffer);
  return hash.digest("base64url").slice(0, 22);
}

async function compress(data: Buffer, encoding: "gzip" | "br"): Promise<Buffer> {
  if (encoding === "gzip") return gzipAsync(data, { level: 9 });
  return brotli(data, {
    params: {
      [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
      [constants.BROTLI_PARAM_QUALITY]: data.length <= brotliMaxQualityBytes ? 11 : 9,
      [constants.BROTLI_PARAM_SIZE_HINT]: data.length,
    },
  });
}

/**
 * Reads, hashes and (for compressible types) gzips and brotlis a file of at most
 * `maxBodyBytes`; a larger one gets its hash and headers only and is streamed per request.
 * Compression runs on libuv's thread pool, off the event loop.
 */
export async function loadFileEntry(
  file: string,
  stats: { size: number; mtimeMs: number },
  maxBodyBytes: number,
): Promise<FileEntry> {
  const kind = contentTypeOf(file);
  const streamed = stats.size > maxBodyBytes;
  const meta: Meta = {
    lastModified: new Date(stats.mtimeMs).toUTCString(),
    contentType: kind.type,
    cacheControl: isHashedAssetName(file) ? immutableCaching : revalidateCaching,
    vary: kind.compressible && !streamed && stats.size >= minCompressBytes,
  };
  const body = streamed ? null : await readFile(file);
  const hash = body ? hashOf(body) : await hashOfFile(file);
  const size = body ? body.length : stats.size;
  const entry: FileEntry = {
    file,
    size,
    mtimeMs: stats.mtimeMs,
    ...meta,
    identity: variant(meta, "identity", `"${hash}"`, body, size),
    gzip: null,
    br: null,
    bytes: (body ? size : 0) + 1024,
  };
  if (body && meta.vary) {
    const [gz, br] = await Promise.all([compress(body, "gzip"), compress(body, "br")]);
    // Keep a variant only when it saves at least a twentieth.
    const worthIt = (c: Buffer) => c.length < size - size / 20;
    if (worthIt(gz)) entry.gzip = variant(meta, "gzip", `"${hash}-gz"`, gz, gz.length);
    if (worthIt(br)) entry.br = variant(meta, "br", `"${hash}-br"`, br, br.length);
    entry.bytes += (entry.gzip?.body?.length ?? 0) + (entry.br?.body?.length ?? 0);
  }
  return entry;
}

/** The variant to send: the first accepted coding the entry has, else identity. */
export function pickVariant(entry: FileEntry, accepted: readonly Compressed[]): Variant {
  for (const encoding of accepted) {
    const found = encoding === "br" ? entry.br : entry.gzip;
    if (found) return found;
  }
  return entry.identity;
}
