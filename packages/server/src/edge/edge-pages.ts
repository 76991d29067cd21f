// The edge's own answers: Slipway's error pages and the small fixed responses.
import type { IncomingMessage, ServerResponse } from "node:http";

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A page in Slipway's edge style; `message` is HTML, escape what goes into it. */
function page(title: string, heading: string, message: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${title} · Slipway</title>
<style>body{margin:0;min-height:100vh;display:grid;place-items:center;font:15px/1.5 system-ui,sans-serif;background:#fafafa;color:#111}
@media (prefers-color-scheme:dark){body{background:#0a0a0a;color:#eee}p{color:#999!important}}
main{text-align:center;padding:24px}h1{font-size:20px;font-weight:600;margin:0 0 8px}p{margin:0;color:#666}code{font-size:13px}</style></head>
<body><main><h1>${heading}</h1><p>${message}</p></main></body></html>`;
}

function sendPage(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  body: string,
  headers: Record<string, string>,
): void {
  res.writeHead(status, {
    "content-type": "text/html; charset=utf-8",
    "content-length": Buffer.byteLength(body),
    "x-content-type-options": "nosniff",
    ...headers,
  });
  res.end(req.method === "HEAD" ? undefined : body);
}

/** No deployment answers for this host. */
export function sendUnrouted(req: IncomingMessage, res: ServerResponse, host: string): void {
  const body = page(
    "404",
    "404: nothing is deployed here",
    `No deployment answers for <code>${escapeHtml(host)}</code> on this Slipway edge.`,
  );
  sendPage(req, res, 404, body, { "cache-control": "no-store", "x-slipway-edge": "unrouted" });
}

/** The deployment has no file at this path and no 404.html of its own. */
export function sendDeploymentNotFound(
  req: IncomingMessage,
  res: ServerResponse,
  deploymentId: string,
  path: string,
): void {
  const body = page("404", "404: page not found", `This deployment has no page at <code>${escapeHtml(path)}</code>.`);
  sendPage(req, res, 404, body, {
    "cache-control": "public, max-age=0, must-revalidate",
    "x-slipway-deployment": deploymentId,
  });
}

/** A short plain-text answer: 400, 405 (with Allow), 500. */
export function sendPlain(
  res: ServerResponse,
  status: number,
  text: string,
  headers: Record<string, string> = {},
): void {
  const body = `${text}\n`;
  res.writeHead(status, {
    "content-type": "text/plain; charset=utf-8",
    "content-length": Buffer.byteLength(body),
    "cache-control": "no-store",
    "x-content-type-options": "nosniff",
    ...headers,
  });
  res.end(res.req.method === "HEAD" ? undefined : body);
}
