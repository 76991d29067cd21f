import { createServer, type Server } from "node:http";
import type { Logger } from "../platform/logger.ts";

const notFoundPage = (host: string) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>404 · Slipway</title>
<style>body{margin:0;min-height:100vh;display:grid;place-items:center;font:15px/1.5 system-ui,sans-serif;background:#fafafa;color:#111}
@media (prefers-color-scheme:dark){body{background:#0a0a0a;color:#eee}p{color:#999!important}}
main{text-align:center;padding:24px}h1{font-size:20px;font-weight:600;margin:0 0 8px}p{margin:0;color:#666}code{font-size:13px}</style></head>
<body><main><h1>404: nothing is deployed here</h1><p>No deployment answers for <code>${escapeHtml(host)}</code> on this Slipway edge.</p></main></body></html>`;

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * The edge router: the data plane visitors reach. Until deployments exist every host is
 * unknown and gets a clear 404 page. It never queries the store per request.
 */
export function createEdgeServer(deps: { logger: Logger }): Server {
  return createServer((request, response) => {
    const host = (request.headers.host ?? "").replace(/:\d+$/, "");
    const body = notFoundPage(host);
    response.writeHead(404, {
      "content-type": "text/html; charset=utf-8",
      "content-length": Buffer.byteLength(body),
      "cache-control": "no-store",
      "x-slipway-edge": "unrouted",
    });
    response.end(request.method === "HEAD" ? undefined : body);
  }).on("clientError", (error, socket) => {
    deps.logger.debug({ err: error.message }, "edge client error");
    socket.destroy();
  });
}
