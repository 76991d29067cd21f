// Pure HTTP request-header logic of static serving: content coding, conditionals, ranges.

export type Encoding = "br" | "gzip" | "identity";
export type Compressed = Exclude<Encoding, "identity">;

const none: readonly Compressed[] = [];

function parseAcceptEncoding(header: string): readonly Compressed[] {
  let br = -1;
  let gzip = -1;
  let any = -1;
  for (const part of header.split(",")) {
    const [name = "", ...params] = part.split(";");
    let q = 1;
    for (const param of params) {
      const [key, value] = param.split("=");
      if (key?.trim().toLowerCase() === "q") q = Number(value?.trim());
    }
    if (!Number.isFinite(q)) q = 0;
    const coding = name.trim().toLowerCase();
    if (coding === "br") br = q;
    else if (coding === "gzip" || coding === "x-gzip") gzip = Math.max(gzip, q);
    else if (coding === "*") any = q;
  }
  if (br === -1) br = any;
  if (gzip === -1) gzip = any;
  const accepted: Compressed[] = [];
  // Brotli is smaller at the same cost to send: it wins ties.
  if (br > 0) accepted.push("br");
  if (gzip > 0) gzip > br ? accepted.unshift("gzip") : accepted.push("gzip");
  return accepted.length === 0 ? none : accepted;
}

// Clients send a handful of distinct Accept-Encoding values; parse each once.
const remembered = new Map<string, readonly Compressed[]>();

/**
 * The compressed codings Accept-Encoding allows, most preferred first (`br` wins a tie with
 * `gzip`); identity is always acceptable after them. The arrays are shared: do not modify.
 */
export function acceptedEncodings(header: string | undefined): readonly Compressed[] {
  if (!header) return none;
  let accepted = remembered.get(header);
  if (accepted === undefined) {
    accepted = parseAcceptEncoding(header);
    if (remembered.size >= 256) remembered.clear();
    remembered.set(header, accepted);
  }
  return accepted;
}

/** If-None-Match against a strong ETag, by weak comparison (RFC 9110 §13.1.2): `*`, lists, `W/`. */
export function etagMatches(ifNoneMatch: string, etag: string): boolean {
  if (ifNoneMatch === etag) return true;
  if (ifNoneMatch.trim() === "*") return true;
  for (const candidate of ifNoneMatch.split(",")) {
    const tag = candidate.trim();
    if ((tag.startsWith("W/") ? tag.slice(2) : tag) === etag) return true;
  }
  return false;
}

/** If-Modified-Since: not modified when the date is at or after the (second-precision) mtime. */
export function notModifiedSince(ifModifiedSince: string, lastModified: string, mtimeMs: number): boolean {
  if (ifModifiedSince === lastModified) return true;
  const since = Date.parse(ifModifiedSince);
  return Number.isFinite(since) && since >= Math.floor(mtimeMs / 1000) * 1000;
}

/**
 * Whether a request's validators say the client's copy is current. If-None-Match wins over
 * If-Modified-Since when both are sent.
 */
export function isNotModified(
  ifNoneMatch: string | undefined,
  ifModifiedSince: string | undefined,
  etag: string,
  lastModified: string,
  mtimeMs: number,
): boolean {
  if (ifNoneMatch !== undefined) return etagMatches(ifNoneMatch, etag);
  return ifModifiedSince !== undefined && notModifiedSince(ifModifiedSince, lastModified, mtimeMs);
}

/**
 * A Range header against a representation of `size` bytes:
 * - `{ start, end }` (inclusive) for one satisfiable byte range;
 * - "unsatisfiable" (answer 416) for one range that starts past the end;
 * - null to ignore it and answer 200 with everything: not `bytes=`, malformed, or several
 *   ranges (RFC 9110 lets a server ignore Range; multipart/byteranges is not worth it here).
 */
export function parseRange(header: string, size: number): { start: number; end: number } | "unsatisfiable" | null {
  const match = /^bytes=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(header);
  if (!match) return null;
  const [, first = "", last = ""] = match;
  if (first === "" && last === "") return null;
  if (first === "") {
    const suffix = Number(last);
    if (suffix === 0 || size === 0) return "unsatisfiable";
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(first);
  if (last !== "" && Number(last) < start) return null;
  if (start >= size) return "unsatisfiable";
  return { start, end: last === "" ? size - 1 : Math.min(Number(last), size - 1) };
}

/** If-Range: honour Range only when the validator (ETag or date) still names this representation. */
export function ifRangeHolds(ifRange: string | undefined, etag: string, lastModified: string): boolean {
  if (ifRange === undefined) return true;
  return ifRange.startsWith('"') ? ifRange === etag : ifRange === lastModified;
}
