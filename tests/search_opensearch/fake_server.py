"""A local stand-in for an OpenSearch server: records every request and answers with minimal
valid OpenSearch JSON (no documents are ever found). It lets the tests see exactly what the
backend sends, which is what a tenant's safety depends on."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit


@dataclass
class Recorded:
    method: str
    path: str
    query: dict[str, str]
    body: object = None  # parsed JSON, a list of parsed NDJSON lines, or None

    @property
    def parts(self) -> list[str]:
        return [unquote(part) for part in self.path.strip("/").split("/")]


@dataclass
class FakeOpenSearch:
    requests: list[Recorded] = field(default_factory=list)
    indexes: set[str] = field(default_factory=set)

    def start(self) -> None:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _handle(self):
                url = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length).decode() if length else ""
                body: object = None
                if raw:
                    lines = [line for line in raw.splitlines() if line.strip()]
                    if url.path.endswith("/_bulk"):
                        body = [json.loads(line) for line in lines]
                    else:
                        body = json.loads(raw)
                query = {key: values[-1] for key, values in parse_qs(url.query).items()}
                request = Recorded(self.command, url.path, query, body)
                fake.requests.append(request)
                status, answer = fake.answer(request)
                payload = b"" if self.command == "HEAD" else json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                if payload:
                    self.wfile.write(payload)

            do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _handle

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def answer(self, request: Recorded) -> tuple[int, dict]:
        parts, method = request.parts, request.method
        shards = {"total": 1, "successful": 1, "failed": 0}
        if parts == [""]:
            return 200, {"version": {"number": "2.19.0", "distribution": "opensearch"}}
        last = parts[-1]
        if last == "_bulk":
            items = []
            for line in request.body or []:
                if isinstance(line, dict) and len(line) == 1 and "index" in line:
                    meta = line["index"]
                    items.append({"index": {"_id": meta.get("_id"), "status": 201}})
            return 200, {"took": 1, "errors": False, "items": items}
        if last == "_search":
            return 200, {
                "took": 1,
                "timed_out": False,
                "_shards": shards,
                "hits": {"total": {"value": 0, "relation": "eq"}, "max_score": None, "hits": []},
                "aggregations": {},
            }
        if last == "_count":
            return 200, {"count": 0, "_shards": shards}
        if last == "_delete_by_query":
            return 200, {"took": 1, "deleted": 3, "failures": []}
        if last == "_refresh":
            return 200, {"_shards": shards}
        if len(parts) >= 2 and parts[1] in ("_alias", "_aliases", "_mapping"):
            return 200, {"acknowledged": True}
        if len(parts) == 3 and parts[1] == "_doc":
            result = "deleted" if method == "DELETE" else "created"
            return 200, {"_index": parts[0], "_id": parts[2], "result": result, "_shards": shards}
        if len(parts) == 1:
            name = parts[0]
            if method == "HEAD":
                return (200 if name in self.indexes else 404), {}
            if method == "PUT":
                self.indexes.add(name)
                return 200, {"acknowledged": True, "shards_acknowledged": True, "index": name}
            if method == "DELETE":
                self.indexes.discard(name)
                return 200, {"acknowledged": True}
        return 404, {"error": {"type": "fake_not_handled", "reason": request.path}, "status": 404}

    # --- what the tests look at ----------------------------------------------------------------

    def clear(self) -> None:
        self.requests.clear()

    def matching(self, method: str | None = None, last: str | None = None) -> list[Recorded]:
        return [
            r
            for r in self.requests
            if (method is None or r.method == method) and (last is None or r.parts[-1] == last)
        ]
