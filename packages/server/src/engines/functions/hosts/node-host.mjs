// The Node function host: started in a sandbox before any function is known (the warm pool),
// it listens on PORT at once. POST /__slipway/load imports the function from /fn; then every
// request becomes a Web Request for its default export (or `handler`), whose Response is sent
// back. What the function prints goes to the instance's log; what it throws goes to stderr,
// never into the response.
import { createServer } from "node:http";
import { Readable } from "node:stream";
import { pathToFileURL } from "node:url";

const port = Number(process.env.PORT);
let handler = null;

function send(res, status, body) {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

async function load(req, res) {
  let text = "";
  for await (const chunk of req) text += chunk;
  const { entry } = JSON.parse(text);
  const started = performance.now();
  try {
    const module = await import(pathToFileURL(entry).href);
    const found = module.default ?? module.handler;
    if (typeof found !== "function") throw new Error(`${entry} exports no default function (or handler)`);
    handler = found;
    send(res, 200, { initMs: performance.now() - started });
  } catch (error) {
    console.error(error?.stack ?? String(error));
    send(res, 422, { error: String(error?.message ?? error) });
  }
}

async function invoke(req, res) {
  const requestId = req.headers["x-slipway-invocation"] ?? "";
  try {
    const hasBody = req.method !== "GET" && req.method !== "HEAD";
    const request = new Request(`http://${req.headers.host ?? "function"}${req.url}`, {
      method: req.method,
      headers: Object.entries(req.headers).flatMap(([k, v]) => (Array.isArray(v) ? v.map((x) => [k, x]) : [[k, v]])),
      body: hasBody ? Readable.toWeb(req) : undefined,
      duplex: hasBody ? "half" : undefined,
    });
    const response = await handler(request);
    if (!(response instanceof Response)) throw new Error("the handler must return a Response");
    const headers = {};
    response.headers.forEach((value, key) => {
      headers[key] = key in headers ? `${headers[key]}, ${value}` : value;
    });
    res.writeHead(response.status, headers);
    if (response.body) for await (const chunk of response.body) res.write(chunk);
    res.end();
  } catch (error) {
    console.error(error?.stack ?? String(error));
    if (!res.headersSent) {
      res.writeHead(500, { "content-type": "text/plain; charset=utf-8" });
      res.end(`The function failed. Request id: ${requestId}\n`);
    } else res.destroy();
  }
}

// Node loads the fetch classes (undici) on first use, some 20–30 ms: done here, before the
// runtime counts as started, so a cold start from the pool does not pay it.
async function warmUp() {
  const body = Readable.toWeb(Readable.from([Buffer.from("warm")]));
  const request = new Request("http://warm.up/", { method: "POST", headers: [["a", "b"]], body, duplex: "half" });
  await request.text();
  const response = Response.json({ warm: true }, { headers: { "x-warm": "1" } });
  response.headers.forEach(() => {});
  for await (const _ of response.body) break;
}

await warmUp();
createServer((req, res) => {
  if (req.url === "/__slipway/load" && req.method === "POST") return void load(req, res);
  if (!handler) return send(res, 503, { error: "no function loaded" });
  void invoke(req, res);
}).listen(port, "127.0.0.1");
