"""The Python function host: started in a sandbox before any function is known (the warm pool),
it listens on PORT at once. POST /__slipway/load imports the function module from /fn; then
every request calls its `handler(request)` with a dict (method, path, query, headers, body)
and sends back the dict it returns (status, headers, body). Requests run in a thread each, so
an instance can serve several at once. What a handler prints is tagged with its invocation id
(see invocation-log.ts); what it raises goes to stderr, never into the response."""

import importlib.util
import json
import os
import sys
import threading
import time
import traceback
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

handler = None
# The invocation the current thread serves: .id, and .pending (a partial line per stream).
current = threading.local()


class TaggedStream:
    """sys.stdout or sys.stderr: a handler's whole lines go out tagged, one write each under a lock,
    so that lines of concurrent invocations never interleave mid-line."""

    lock = threading.Lock()

    def __init__(self, stream, name):
        self.stream = stream
        self.name = name

    def write(self, text):
        invocation = getattr(current, "id", None)
        if invocation is None:
            with self.lock:
                self.stream.write(text)
            return len(text)
        lines = (current.pending[self.name] + text).split("\n")
        current.pending[self.name] = lines.pop()
        if lines:
            with self.lock:
                self.stream.write("".join(f"\x1f{invocation}\x1f{line}\n" for line in lines))
                self.stream.flush()
        return len(text)

    def end(self, invocation):
        rest = current.pending.get(self.name, "") if getattr(current, "id", None) else ""
        with self.lock:
            self.stream.write((f"\x1f{invocation}\x1f{rest}\n" if rest else "") + f"\x1f{invocation}\x1e\n")
            self.stream.flush()

    def flush(self):
        self.stream.flush()

    def __getattr__(self, name):
        return getattr(self.stream, name)


def end_output(invocation):
    sys.stdout.end(invocation)
    sys.stderr.end(invocation)
    current.id = None


class Host(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # The head and the body go out as two writes: without TCP_NODELAY the body waits for the
    # platform's delayed ACK, some 40 ms a call.
    disable_nagle_algorithm = True

    def log_message(self, *args):
        pass

    def send(self, status, headers, body):
        data = body if isinstance(body, bytes) else str(body).encode()
        self.send_response(status)
        for name, value in headers.items():
            # Framing is the host's: a handler's own length would not match what is sent.
            if name.lower() not in ("content-length", "transfer-encoding", "connection"):
                self.send_header(name, str(value))
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def body(self):
        length = int(self.headers.get("content-length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def load(self):
        global handler
        asked = json.loads(self.body())
        entry = asked["entry"]
        os.environ.update(asked.get("env") or {})
        invocation = self.headers.get("x-slipway-invocation", "")
        started = time.perf_counter()
        try:
            spec = importlib.util.spec_from_file_location("function", entry)
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
            if not callable(getattr(module, "handler", None)):
                raise TypeError(f"{entry} defines no handler(request) function")
            handler = module.handler
            init_ms = (time.perf_counter() - started) * 1000
            end_output(invocation)
            self.send(200, {"content-type": "application/json"}, json.dumps({"initMs": init_ms}))
        except BaseException as error:  # a syntax error is a load failure too
            traceback.print_exc()
            end_output(invocation)
            self.send(422, {"content-type": "application/json"}, json.dumps({"error": f"{type(error).__name__}: {error}"}))

    def invoke(self):
        invocation = self.headers.get("x-slipway-invocation", "")
        url = urlsplit(self.path)
        request = {
            "method": self.command,
            "path": url.path,
            "query": {k: v[-1] for k, v in parse_qs(url.query).items()},
            "headers": {k.lower(): v for k, v in self.headers.items()},
            "body": self.body().decode("utf-8", "replace"),
        }
        current.id = invocation
        current.pending = {"stdout": "", "stderr": ""}
        try:
            result = handler(request) or {}
            headers = {str(k).lower(): v for k, v in result.get("headers", {}).items()}
            body = result.get("body", "")
            if not isinstance(body, (str, bytes)):
                body = json.dumps(body)
                headers.setdefault("content-type", "application/json")
            status = int(result.get("status", 200))
        except Exception:
            traceback.print_exc()
            end_output(invocation)
            return self.send(500, {"content-type": "text/plain; charset=utf-8"}, f"The function failed. Request id: {invocation}\n")
        end_output(invocation)
        self.send(status, headers, body)

    def handle_any(self):
        if self.path == "/__slipway/load" and self.command == "POST":
            return self.load()
        if handler is None:
            return self.send(503, {"content-type": "application/json"}, json.dumps({"error": "no function loaded"}))
        self.invoke()

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = handle_any


sys.stdout = TaggedStream(sys.stdout, "stdout")
sys.stderr = TaggedStream(sys.stderr, "stderr")
ThreadingHTTPServer(("127.0.0.1", int(os.environ["PORT"])), Host).serve_forever()
