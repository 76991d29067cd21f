"""A WSGI app on the standard library only, served by wsgiref with a thread per request.

No requirements.txt: builds here have no Python package index to install from.
"""

import json
import os
import signal
import socketserver
import sys
import threading
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

VERSION = os.environ.get("APP_VERSION", "v1")


def app(environ, start_response):
    path = environ.get("PATH_INFO") or "/"
    if path == "/":
        return respond(start_response, "200 OK", f"slipway example python-app {VERSION}")
    if path == "/healthz":
        return respond(start_response, "200 OK", "ok")
    if path == "/headers":
        # What arrived as HTTP_* (the proxy's X-Forwarded-* among them), named as on the wire.
        headers = {key[5:].replace("_", "-").lower(): value for key, value in environ.items() if key.startswith("HTTP_")}
        return respond(start_response, "200 OK", json.dumps(headers), "application/json")
    if path.startswith("/env/"):
        name = path[len("/env/") :]
        value = os.environ.get(name)
        if value is None:
            return respond(start_response, "404 Not Found", f"{name} is not set")
        return respond(start_response, "200 OK", value)
    return respond(start_response, "404 Not Found", "not found")


def respond(start_response, status, body, content_type="text/plain; charset=utf-8"):
    data = body.encode("utf-8")
    start_response(status, [("Content-Type", content_type), ("Content-Length", str(len(data)))])
    return [data]


class ThreadingWSGIServer(socketserver.ThreadingMixIn, WSGIServer):
    # Requests in flight do not hold the process open once serve_forever has returned.
    daemon_threads = True


class StdoutLogHandler(WSGIRequestHandler):
    """One line per request on stdout (the build and runtime logs read it), not stderr."""

    def log_message(self, message_format, *args):
        print(f"{self.address_string()} {message_format % args}", flush=True)


def main():
    port = int(os.environ.get("PORT", "3000"))
    host = os.environ.get("HOST", "0.0.0.0")
    server = make_server(host, port, app, server_class=ThreadingWSGIServer, handler_class=StdoutLogHandler)

    def stop(_signum, _frame):
        print("shutting down", flush=True)
        # shutdown() waits for serve_forever to return, which runs on this (the main) thread.
        threading.Thread(target=server.shutdown).start()

    signal.signal(signal.SIGTERM, stop)
    print(f"listening on {port}", flush=True)
    server.serve_forever()
    server.server_close()
    sys.exit(0)


if __name__ == "__main__":
    main()
