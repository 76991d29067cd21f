// The Node function host: started in a sandbox before any function is known (the warm pool),
// it listens on PORT at once. POST /__slipway/load imports the function from /fn; then every
// request becomes a Web Request for its default export (or `handler`), whose Response is sent
// back. Several requests may run at once. What a handler prints is tagged with its invocation
// id (see invocation-log.ts); what it throws goes to stderr, never into the response.
import { AsyncLocalStorage } from "node:async_hooks";
import { ChildProcess } from "node:child_process";
import { createServer } from "node:http";
import { Readable } from "node:stream";
import { pathToFileURL } from "node:url";

const port = Number(process.env.PORT);
let handler = null;

/**
 * The invocation whose handler is running: { id, pending: { stdout, stderr } (a partial line
 * each), printed: { stdout, stderr } (whether it wrote on each) }.
 */
const invocation = new AsyncLocalStorage();
/** Every invocation in flight (the same objects). */
const inFlight = new Set();
const streams = ["stdout", "stderr"];
const rawWrite = Object.fromEntries(streams.map((name) => [name, process[name].write.bind(process[name])]));

// console.* and direct process.stdout.write both end here; only whole lines are tagged, so a
// line written in pieces by one invocation is not cut by another's.
for (const name of streams) {
  process[name].write = (chunk, encoding, callback) => {
    const current = invocation.getStore();
    const done = typeof encoding === "function" ? encoding : callback;
    if (!current) {
      // Untagged (a worker thread's console, a timer of no invocation): it goes to every
      // invocation in flight, whose end marker must then follow it.
      for (const other of inFlight) other.printed[name] = true;
      return rawWrite[name](chunk, encoding, callback);
    }
    current.printed[name] = true;
    const text =
      typeof chunk === "string"
        ? Buffer.from(chunk, typeof encoding === "string" ? encoding : "utf8").toString()
        : Buffer.from(chunk).toString();
    const parts = (current.pending[name] + text).split("\n");
    current.pending[name] = parts.pop();
    if (parts.length > 0) rawWrite[name](parts.map((line) => `\x1f${current.id}\x1f${line}\n`).join(""));
    if (done) queueMicrotask(done);
    return true;
  };
}

// A child process may write on the very pipes, which nothing here sees: an invocation that
// starts one closes both streams. (Writes to the descriptors themselves are not seen: those of
// fs.writeSync(1) or of a child run by spawnSync/execSync go, like another host's untagged
// output, to whichever invocations are in flight when they arrive.)
const spawnChild = ChildProcess.prototype.spawn;
ChildProcess.prototype.spawn = function spawn(...args) {
  const current = invocation.getStore();
  if (current) current.printed = { stdout: true, stderr: true };
  return spawnChild.apply(this, args);
};

/** Says which streams an invocation printed on (see invocation-log.ts). */
const outputHeader = "x-slipway-output";
/** A body up to this size is read whole before the head goes out, so that the head can say so. */
const headerBodyBytes = 64 * 1024;
const printedList = (printed) => streams.filter((name) => printed[name]).join(", ") || "none";

/** The rest of each stream's partial line, then the end markers: on `only` those streams it names. */
function endOutput(id, pending = { stdout: "", stderr: "" }, only = null) {
  for (const name of streams) {
    if (only && !only[name]) continue;
    const rest = pending[name] ? `\x1f${id}\x1f${pending[name]}\n` : "";
    pending[name] = "";
    rawWrite[name](`${rest}\x1f${id}\x1e\n`);
  }
}

function send(res, status, body) {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

async function load(req, res) {
  let text = "";
  for await (const chunk of req) text += chunk;
  const { entry, env } = JSON.parse(text);
  Object.assign(process.env, env);
  const id = req.headers["x-slipway-invocation"] ?? "";
  const started = performance.now();
  try {
    // Not inside the invocation's context: timers the module starts would carry it forever.
    const module = await import(pathToFileURL(entry).href);
    const found = module.default ?? module.handler;
    if (typeof found !== "function") throw new Error(`${entry} exports no default function (or handler)`);
    handler = found;
    endOutput(id);
    send(res, 200, { initMs: performance.now() - started });
  } catch (error) {
    console.error(error?.stack ?? String(error));
    endOutput(id);
    send(res, 422, { error: String(error?.message ?? error) });
  }
}

async function invoke(req, res, current) {
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
    delete headers[outputHeader];
    // A short body is read whole first: once the handler's answer is complete, the head lists
    // the streams it printed on, and only those are closed. A longer one streams, and closes both.
    const chunks = [];
    let size = 0;
    const reader = response.body?.getReader();
    let next = { done: true };
    try {
      next = reader ? await reader.read() : next;
      while (!next.done && size <= headerBodyBytes) {
        chunks.push(next.value);
        size += next.value.byteLength;
        next = await reader.read();
      }
    } catch (error) {
      // As when the body fails while streaming: the head is out, the connection is cut.
      res.writeHead(response.status, headers);
      throw error;
    }
    if (next.done) {
      headers[outputHeader] = printedList(current.printed);
      endOutput(current.id, current.pending, current.printed);
      res.writeHead(response.status, headers);
      res.end(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks));
      return;
    }
    res.writeHead(response.status, headers);
    for (const chunk of chunks) res.write(chunk);
    for (; !next.done; next = await reader.read()) res.write(next.value);
    endOutput(current.id, current.pending);
    res.end();
  } catch (error) {
    console.error(error?.stack ?? String(error));
    if (!res.headersSent) {
      endOutput(current.id, current.pending, current.printed);
      res.writeHead(500, {
        "content-type": "text/plain; charset=utf-8",
        [outputHeader]: printedList(current.printed),
      });
      res.end(`The function failed. Request id: ${current.id}\n`);
    } else {
      endOutput(current.id, current.pending);
      res.destroy();
    }
  } finally {
    inFlight.delete(current);
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
const server = createServer((req, res) => {
  if (req.url === "/__slipway/load" && req.method === "POST") return void load(req, res);
  if (!handler) return send(res, 503, { error: "no function loaded" });
  const current = {
    id: req.headers["x-slipway-invocation"] ?? "",
    pending: { stdout: "", stderr: "" },
    printed: { stdout: false, stderr: false },
  };
  inFlight.add(current);
  invocation.run(current, () => void invoke(req, res, current));
});
// The platform keeps connections to an instance open across invocations, and a frozen instance's
// timers fire the moment it thaws: an idle timeout would close the very socket the next call
// is being written to. The platform closes them when it stops the instance.
server.keepAliveTimeout = 0;
server.listen(port, "127.0.0.1");
