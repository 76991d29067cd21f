// Request targets → safe, decoded paths inside an artifact directory.

// Nothing to decode and no dot segment, empty segment or backslash: the common case, taken as is.
const segment = "[A-Za-z0-9_~!$&'()*+,;=:@-]+(?:\\.[A-Za-z0-9_~!$&'()*+,;=:@-]+)*";
const plainPath = new RegExp(`^/(?:${segment}(?:/${segment})*/?)?$`);

/**
 * The decoded path of a request target (`/a/b.js?x=1` → `/a/b.js`), or null when it must be
 * refused: not starting with `/`, a `..` segment (raw or percent-encoded), an encoded `/` or `\`,
 * a NUL, a raw backslash, malformed percent-encoding. `.` and empty segments are dropped, a
 * trailing slash is kept. The result starts with `/`, has no `//`, and every segment names an
 * entry inside the directory: joined to it, it cannot leave it.
 */
export function requestPath(target: string): string | null {
  const q = target.indexOf("?");
  const raw = q === -1 ? target : target.slice(0, q);
  if (plainPath.test(raw)) return raw;
  if (raw[0] !== "/" || raw.includes("\\")) return null;
  const out: string[] = [];
  const segments = raw.split("/");
  for (let i = 1; i < segments.length; i++) {
    const encoded = segments[i] ?? "";
    let segment: string;
    try {
      segment = encoded.includes("%") ? decodeURIComponent(encoded) : encoded;
    } catch {
      return null;
    }
    if (segment === "..") return null;
    if (segment.includes("/") || segment.includes("\\") || segment.includes("\0")) return null;
    if (segment === "" || segment === ".") continue;
    out.push(segment);
  }
  const last = segments[segments.length - 1];
  const trailingSlash = out.length > 0 && (last === "" || last === "." || last === "%2e" || last === "%2E");
  return `/${out.join("/")}${trailingSlash ? "/" : ""}`;
}

/** A decoded path back into a URL path, for Location headers: every segment percent-encoded. */
export function encodePath(path: string): string {
  return path.split("/").map(encodeURIComponent).join("/");
}
