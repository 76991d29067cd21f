// Express for HTTP, ws for WebSockets on the same port: an app with real dependencies in
// node_modules, long-lived connections, and a shutdown that closes them politely.
import { createServer } from "node:http";
import express from "express";
import { WebSocketServer } from "ws";

const port = Number(process.env.PORT ?? 3000);
const host = process.env.HOST ?? "0.0.0.0";
const version = process.env.APP_VERSION ?? "v1";
/** Open server-sent event streams, ended on shutdown. */
const streams = new Set();

const app = express();

app.get("/", (_request, response) => {
  response.type("html").send(`<!doctype html>
<html lang="en">
  <head><meta charset="utf-8"><title>Express and WebSockets</title></head>
  <body>
    <h1>slipway example express-ws ${version}</h1>
    <p>WebSocket: <output id="ws">connecting…</output></p>
    <p>Server-sent events: <output id="sse">connecting…</output></p>
    <script>
      const socket = new WebSocket(location.href.replace(/^http/, "ws").replace(/\\/?$/, "/ws"));
      socket.onmessage = (event) => { document.getElementById("ws").textContent = event.data; };
      socket.onopen = () => socket.send("hello from the page");
      const events = new EventSource("sse");
      events.onmessage = (event) => { document.getElementById("sse").textContent = event.data; };
    </script>
  </body>
</html>`);
});

app.get("/healthz", (_request, response) => {
  response.type("text").send("ok");
});

// One event per interval; `?count=N` ends the stream after N events (tests), else it runs until the client leaves.
app.get("/sse", (request, response) => {
  const limit = Number(request.query.count ?? Number.POSITIVE_INFINITY);
  const interval = Number(request.query.interval ?? 1000);
  response.writeHead(200, {
    "content-type": "text/event-stream",
    "cache-control": "no-cache",
    connection: "keep-alive",
  });
  response.write(": connected\n\n");
  let sent = 0;
  const stop = () => {
    clearInterval(timer);
    streams.delete(stop);
    response.end();
  };
  const timer = setInterval(() => {
    sent += 1;
    response.write(`id: ${sent}\ndata: tick ${sent} at ${new Date().toISOString()}\n\n`);
    if (sent >= limit) stop();
  }, interval);
  streams.add(stop);
  request.on("close", stop);
});

const server = createServer(app);
const sockets = new WebSocketServer({ server, path: "/ws" });

sockets.on("connection", (socket) => {
  socket.send(`welcome to express-ws ${version}`);
  socket.on("message", (data, isBinary) => socket.send(isBinary ? data : `echo: ${data}`, { binary: isBinary }));
});

server.listen(port, host, () => console.log(`listening on ${port}`));

// Stop accepting, end the event streams, close the sockets with "going away", then exit 0.
process.on("SIGTERM", () => {
  console.log("shutting down");
  for (const stop of streams) stop();
  for (const socket of sockets.clients) socket.close(1001, "server shutting down");
  sockets.close();
  server.close(() => process.exit(0));
  server.closeIdleConnections();
});
