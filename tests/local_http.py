"""A real HTTP server on 127.0.0.1 (a thread of the test process) for code that fetches URLs:
tests point it at this server instead of mocking the network. Routes are plain functions."""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

Route = Callable[["LocalHTTPServer", BaseHTTPRequestHandler], tuple[int, dict, bytes]]


class LocalHTTPServer:
    def __init__(self):
        self.routes: dict[str, Route] = {}
        self.requests: list[dict] = []  # path and Host header of every request received
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_GET(self):
                path = self.path.split("?", 1)[0]
                owner.requests.append({"path": self.path, "host": self.headers.get("Host")})
                route = owner.routes.get(path)
                answer = route(owner, self) if route else (404, {}, b"no route")
                if answer is None:  # the route wrote its own response
                    return
                status, headers, body = answer
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                if "Content-Length" not in headers and body is not None:
                    self.send_header("Content-Length", str(len(body)))
                self.send_header("Connection", "close")
                self.end_headers()
                if body:
                    with contextlib.suppress(OSError):
                        self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def start(self) -> LocalHTTPServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def text(body: str, status: int = 200) -> Route:
    return lambda server, handler: (status, {"Content-Type": "text/plain"}, body.encode())


def json_body(data, status: int = 200) -> Route:
    return lambda server, handler: (
        status,
        {"Content-Type": "application/json"},
        json.dumps(data).encode(),
    )


def redirect(location: str, status: int = 302) -> Route:
    return lambda server, handler: (status, {"Location": location}, b"")


def slow(seconds: float) -> Route:
    def route(server, handler):
        time.sleep(seconds)
        return 200, {}, b"late"

    return route


def trickle(total: int, every: float) -> Route:
    """Announce `total` bytes, then send them one at a time, `every` seconds apart (a server
    that keeps each read just inside the socket timeout)."""

    def route(server, handler):
        handler.send_response(200)
        handler.send_header("Content-Length", str(total))
        handler.send_header("Connection", "close")
        handler.end_headers()
        with contextlib.suppress(OSError):
            for _ in range(total):
                handler.wfile.write(b"x")
                handler.wfile.flush()
                time.sleep(every)

    return route
