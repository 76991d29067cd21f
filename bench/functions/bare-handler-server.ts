// The baseline for a warm function: the same handler (a Web Request in, a Response out) served
// by a bare node:http server in one process, no sandbox, no edge, the way a person would run it
// by hand. The handler's source comes in HANDLER_SOURCE; tells its parent over IPC where it listens.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { pathToFileURL } from "node:url";

type Handler = (request: Request) => Response | Promise<Response>;

const source = process.env.HANDLER_SOURCE;
if (!source) throw new Error("HANDLER_SOURCE is required");
const dir = mkdtempSync(join(tmpdir(), "slipway-bench-handler-"));
const file = join(dir, "index.mjs");
writeFileSync(file, source);
const handler = ((await import(pathToFileURL(file).href)) as { default: Handler }).default;
rmSync(dir, { recursive: true, force: true });

/** node:http ↔ Web Request/Response, as the function host converts them. */
async function serve(req: IncomingMessage, res: ServerResponse) {
  const hasBody = req.method !== "GET" && req.method !== "HEAD";
  const request = new Request(`http://${req.headers.host ?? "localhost"}${req.url}`, {
    method: req.method ?? "GET",
    headers: Object.entries(req.headers).flatMap(([k, v]) =>
      v === undefined ? [] : Array.isArray(v) ? v.map((x): [string, string] => [k, x]) : [[k, v] as [string, string]],
    ),
    ...(hasBody ? { body: Readable.toWeb(req) as ReadableStream, duplex: "half" } : {}),
  });
  const response = await handler(request);
  const headers: Record<string, string> = {};
  response.headers.forEach((value, key) => {
    headers[key] = value;
  });
  const body = Buffer.from(await response.arrayBuffer());
  headers["content-length"] = String(body.length);
  res.writeHead(response.status, headers);
  res.end(body);
}

const server = createServer((req, res) => {
  serve(req, res).catch((error: unknown) => {
    res.writeHead(500, { "content-type": "text/plain" });
    res.end(String(error));
  });
});
server.keepAliveTimeout = 65_000;
server.listen(0, "127.0.0.1", () => {
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  process.send?.({ type: "ready", url: `http://127.0.0.1:${port}` });
});
process.once("disconnect", () => process.exit(0));
process.once("SIGTERM", () => process.exit(0));
