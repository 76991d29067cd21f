/** Content type and whether gzip/brotli pay off, by file extension (lower case, no dot). */
type Kind = { type: string; compressible: boolean };

const text = (type: string): Kind => ({ type: `${type}; charset=utf-8`, compressible: true });
const compressible = (type: string): Kind => ({ type, compressible: true });
const binary = (type: string): Kind => ({ type, compressible: false });

const byExtension: Record<string, Kind> = {
  html: text("text/html"),
  htm: text("text/html"),
  css: text("text/css"),
  js: text("text/javascript"),
  mjs: text("text/javascript"),
  cjs: text("text/javascript"),
  json: text("application/json"),
  map: text("application/json"),
  webmanifest: text("application/manifest+json"),
  txt: text("text/plain"),
  md: text("text/markdown"),
  csv: text("text/csv"),
  xml: text("application/xml"),
  rss: text("application/rss+xml"),
  atom: text("application/atom+xml"),
  svg: text("image/svg+xml"),
  ico: compressible("image/x-icon"),
  wasm: compressible("application/wasm"),
  ttf: compressible("font/ttf"),
  otf: compressible("font/otf"),
  eot: compressible("application/vnd.ms-fontobject"),
  woff: binary("font/woff"),
  woff2: binary("font/woff2"),
  png: binary("image/png"),
  jpg: binary("image/jpeg"),
  jpeg: binary("image/jpeg"),
  gif: binary("image/gif"),
  webp: binary("image/webp"),
  avif: binary("image/avif"),
  mp4: binary("video/mp4"),
  webm: binary("video/webm"),
  mp3: binary("audio/mpeg"),
  ogg: binary("audio/ogg"),
  wav: binary("audio/wav"),
  pdf: binary("application/pdf"),
  zip: binary("application/zip"),
  gz: binary("application/gzip"),
  br: binary("application/octet-stream"),
};

const fallback = binary("application/octet-stream");

/** The extension of the last path segment, lower case, without the dot; "" when there is none. */
export function extensionOf(path: string): string {
  const slash = path.lastIndexOf("/");
  const dot = path.lastIndexOf(".");
  return dot > slash + 1 ? path.slice(dot + 1).toLowerCase() : "";
}

export function contentTypeOf(path: string): Kind {
  return byExtension[extensionOf(path)] ?? fallback;
}

// A hash segment: 8–64 characters of hex or base64url (without "-", the separator).
const hashSegment = /^[A-Za-z0-9_]{8,64}$/;
const hex = /^[0-9a-f]+$/;

function looksLikeHash(segment: string, first: boolean): boolean {
  if (!hashSegment.test(segment)) return false;
  // A whole-name hash (`3f2a1b9c.js`) must be hex with a digit; plain words never are.
  if (hex.test(segment)) return /\d/.test(segment);
  if (first) return false;
  // base64url (`index-BxN3aQ_k.js`): a digit, an underscore or mixed case; a lower-case
  // word (`my-component.js`, `react.production.js`) is not a hash.
  return /\d|_/.test(segment) || (/[a-z]/.test(segment) && /[A-Z]/.test(segment));
}

/**
 * Whether a file name carries a content hash (`assets/index-3f2a1b9c.js`, `main.3f2a1b9c.js`,
 * `index-BxN3aQ_k.css`): such a URL never changes content, so browsers may cache it forever.
 * HTML never counts: its URL is the page's.
 */
export function isHashedAssetName(path: string): boolean {
  const ext = extensionOf(path);
  if (ext === "html" || ext === "htm") return false;
  const name = path.slice(path.lastIndexOf("/") + 1, ext ? -(ext.length + 1) : undefined);
  const segments = name.split(/[-.]/);
  return segments.some((segment, i) => looksLikeHash(segment, i === 0));
}
