"""The Python function host: started in a sandbox before any function is known (the warm pool),
it listens on PORT at once. POST /__slipway/load imports the function module from /fn; then
every request calls its `handler(request)` with a dict (method, path, query, headers, body)
and sends back the dict it returns (status, headers, body). What the function prints goes to
the instance's log; what it raises goes to stderr, never into the response."""

import importlib.util
import json
import os
import sys
import time
import traceback
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

handler = None


class Host(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def send(self, status, headers, body):
        data = body if isinstance(body, bytes) else str(body).encode()
        self.send_response(status)
        for name, value in headers.items():
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
        entry = json.loads(self.body())["entry"]
        started = time.perf_counter()
        try:
            spec = importlib.util.spec_from_file_location("function", entry)
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
            if not callable(getattr(module, "handler", None)):
                raise TypeError(f"{entry} defines no handler(request) function")
            handler = module.handler
            init_ms = (time.perf_counter() - started) * 1000
            self.send(200, {"content-type": "application/json"}, json.dumps({"initMs": init_ms}))
        except BaseException as error:  # a syntax error is a load failure too
            traceback.print_exc()
            sys.stderr.flush()
            self.send(422, {"content-type": "application/json"}, json.dumps({"error": f"{type(error).__name__}: {error}"}))

    def invoke(self):
        url = urlsplit(self.path)
        request = {
            "method": self.command,
            "path": url.path,
            "query": {k: v[-1] for k, v in parse_qs(url.query).items()},
            "headers": {k.lower(): v for k, v in self.headers.items()},
            "body": self.body().decode("utf-8", "replace"),
        }
        try:
            result = handler(request) or {}
            body = result.get("body", "")
            if not isinstance(body, (str, bytes)):
                body = json.dumps(body)
            sys.stdout.flush()
            self.send(int(result.get("status", 200)), result.get("headers", {}), body)
        except Exception:
            traceback.print_exc()
            sys.stderr.flush()
            invocation = self.headers.get("x-slipway-invocation", "")
            self.send(500, {"content-type": "text/plain; charset=utf-8"}, f"The function failed. Request id: {invocation}\n")

    def handle_any(self):
        if self.path == "/__slipway/load" and self.command == "POST":
            return self.load()
        if handler is None:
            return self.send(503, {"content-type": "application/json"}, json.dumps({"error": "no function loaded"}))
        self.invoke()

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = handle_any


sys.stdout.reconfigure(line_buffering=True)
ThreadingHTTPServer(("127.0.0.1", int(os.environ["PORT"])), Host).serve_forever()
