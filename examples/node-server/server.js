// A server app on node:http, no dependencies. Every endpoint is something a runtime test
// needs to see: which instance answered, what it was given, how it streams, crashes and stops.
import { randomUUID } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { join } from "node:path";

const port = Number(process.env.PORT ?? 3000);
const host = process.env.HOST ?? "0.0.0.0";
const version = process.env.APP_VERSION ?? "v1";
/** Tells two instances (or a restarted one) apart even when they reuse a pid. */
const instanceId = randomUUID();
/** What /memory allocated; held until the process ends. */
const held = [];

const text = (response, status, body) => {
  response.writeHead(status, { "content-type": "text/plain; charset=utf-8" });
  response.end(body);
};
const json = (response, status, value) => {
  response.writeHead(status, { "content-type": "application/json" });
  response.end(JSON.stringify(value));
};
const count = (value, fallback) => {
  const number = Number(value ?? fallback);
  return Number.isFinite(number) && number >= 0 ? number : fallback;
};

const routes = {
  "/": (_request, response) => text(response, 200, `slipway example node-server ${version}`),
  "/healthz": (_request, response) => text(response, 200, "ok"),
  "/pid": (_request, response) => json(response, 200, { pid: process.pid, instanceId }),
  "/headers": (request, response) => json(response, 200, request.headers),
  "/slow": (_request, response, url) => {
    const ms = count(url.searchParams.get("ms"), 1000);
    setTimeout(() => text(response, 200, `slept ${ms} ms`), ms);
  },
  "/stream": (request, response, url) => {
    const chunks = count(url.searchParams.get("chunks"), 5);
    const interval = count(url.searchParams.get("interval"), 100);
    response.writeHead(200, { "content-type": "text/plain; charset=utf-8" });
    let sent = 0;
    const timer = setInterval(() => {
      if (sent === chunks) {
        clearInterval(timer);
        response.end();
        return;
      }
      sent += 1;
      response.write(`chunk ${sent} of ${chunks}\n`);
    }, interval);
    request.on("close", () => clearInterval(timer));
  },
  "/crash": (_request, response) => {
    console.log("crashing on request");
    response.writeHead(200, { "content-type": "text/plain; charset=utf-8", connection: "close" });
    response.end("crashing", () => process.exit(1));
  },
  "/write": (_request, response) => {
    if (!process.env.HOME) return text(response, 500, "HOME is not set");
    const file = join(process.env.HOME, "slipway-write-check.txt");
    const written = `written by ${instanceId} at ${new Date().toISOString()}`;
    try {
      writeFileSync(file, written);
      json(response, 200, { file, content: readFileSync(file, "utf8") });
    } catch (error) {
      text(response, 500, `could not write ${file}: ${error.message}`);
    }
  },
  "/memory": (_request, response, url) => {
    const mb = count(url.searchParams.get("mb"), 10);
    // Filled, not zeroed: the pages must really be resident to count against a memory limit.
    held.push(Buffer.alloc(mb * 1024 * 1024, 1));
    const heldMb = held.reduce((total, buffer) => total + buffer.length, 0) / 1024 / 1024;
    json(response, 200, { allocatedMb: mb, heldMb, rssMb: Math.round(process.memoryUsage().rss / 1024 / 1024) });
  },
  "/echo": (request, response) => {
    if (request.method !== "POST") return text(response, 405, "POST a body to echo it");
    const parts = [];
    request.on("data", (part) => parts.push(part));
    request.on("end", () => {
      response.writeHead(200, { "content-type": request.headers["content-type"] ?? "application/octet-stream" });
      response.end(Buffer.concat(parts));
    });
  },
};

const server = createServer((request, response) => {
  const url = new URL(request.url ?? "/", "http://localhost");
  const route = routes[url.pathname];
  if (route) return route(request, response, url);
  const env = /^\/env\/([A-Za-z_][A-Za-z0-9_]*)$/.exec(url.pathname);
  if (env) {
    const value = process.env[env[1]];
    return value === undefined ? text(response, 404, `${env[1]} is not set`) : text(response, 200, value);
  }
  text(response, 404, "not found");
});

server.listen(port, host, () => console.log(`listening on ${port}`));

// Stop accepting, let the requests in flight finish (a /slow or /stream still answers), then exit 0.
process.on("SIGTERM", () => {
  console.log("shutting down");
  server.close(() => process.exit(0));
  server.closeIdleConnections();
});
