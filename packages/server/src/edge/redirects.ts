// Redirect domains (www → apex): every request to the host is sent to the same path and query
// on another host, with the scheme and port the visitor used.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { TLSSocket } from "node:tls";
import type { RedirectTarget } from "./route-table.ts";

/** The port of a Host header (`example.com:8080`, `[::1]:8080`), or null without one. */
function portOf(host: string | undefined): number | null {
  const match = host ? /^(?:\[[^\]]*\]|[^:]*):(\d{1,5})$/.exec(host.trim()) : null;
  return match ? Number(match[1]) : null;
}

/** The request's path and query; an absolute-form target (`GET http://host/path`) gives its path. */
function pathOf(url: string | undefined): string {
  if (!url) return "/";
  if (url.startsWith("/")) return url;
  try {
    const parsed = new URL(url);
    return `${parsed.pathname}${parsed.search}`;
  } catch {
    return "/";
  }
}

// node:http reads the request target as latin1; a Location header takes visible ASCII only.
const percentEncode = (text: string) =>
  text.replace(/[^\x21-\x7e]/g, (c) => `%${Buffer.from(c, "latin1").toString("hex").toUpperCase().padStart(2, "0")}`);

/** Where a request to a redirect host goes: same scheme, same non-default port, same path and query. */
export function redirectLocation(req: IncomingMessage, target: RedirectTarget): string {
  const isHttps = (req.socket as Partial<TLSSocket>).encrypted === true;
  const port = portOf(req.headers.host);
  const keepsPort = port !== null && port !== (isHttps ? 443 : 80);
  return `${isHttps ? "https" : "http"}://${target.location}${keepsPort ? `:${port}` : ""}${percentEncode(pathOf(req.url))}`;
}

/** The same URL over HTTPS, on the edge's TLS port. */
export function httpsLocation(req: IncomingMessage, httpsPort: number): string {
  const host = (req.headers.host ?? "").replace(/:\d{1,5}$/, "");
  return `https://${host}${httpsPort === 443 ? "" : `:${httpsPort}`}${percentEncode(pathOf(req.url))}`;
}

export function sendRedirect(req: IncomingMessage, res: ServerResponse, target: RedirectTarget): void {
  sendLocation(req, res, target.status, redirectLocation(req, target));
}

export function sendLocation(req: IncomingMessage, res: ServerResponse, status: number, location: string): void {
  const body = `Redirecting to ${location}\n`;
  res.writeHead(status, {
    location,
    "content-type": "text/plain; charset=utf-8",
    "content-length": Buffer.byteLength(body),
    "x-slipway-edge": "redirect",
  });
  res.end(req.method === "HEAD" ? undefined : body);
}
