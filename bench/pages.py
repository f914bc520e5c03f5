"""Page benchmark: anonymous article page throughput against a bare Django view, with the page
cache on and off, and a purge check.

Run from the project root:

    uv run python bench/pages.py [--seconds 10] [--concurrency 8] [--server auto] [--json out.json]

It prepares (once, reused on later runs) a tenant `bench-pages` with a knowledge base of 30
articles, starts a real HTTP server, and drives it with client threads (http.client, keep-alive)
for `--seconds` per row:

- `bare view`: `/healthz` (a plain Django view through the whole middleware stack, no query);
- `article page (cache on)` and `article page (cache off)`: a KB article.

For each row it prints requests/s and p50/p95 latency, then the ratio article/bare for each
cache setting (target: >= 50 % with the cache on). Then it publishes a new revision of the
article with a new title and checks that the very next GET shows it (the purge).

Servers: `gunicorn` (a subprocess, 2 workers x 4 threads) needs REDIS_URL, since the bench
publishes from its own process and only a shared cache carries the purge to the workers;
`threaded` is Django's own threaded WSGI server (runserver's) inside the bench process, sharing
its in-process cache. `auto` picks gunicorn when REDIS_URL is set. Both rows of a run always use
the same server. It asserts nothing about time; it exits non-zero only when the purge check or
a request fails.
"""

from __future__ import annotations

import argparse
import http.client
import json
import logging
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path as FsPath

from common import ROOT, bench_setup, ensure_tenant, percentile, prepare_platform

bench_setup()
logging.getLogger("django.server").setLevel(logging.WARNING)

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django_tenants.utils import tenant_context  # noqa: E402

from tenants.models import Tenant  # noqa: E402

SLUG = "bench-pages"
ARTICLE_PATH = "/kb/guides/basics/article-0/"
BARE_PATH = "/healthz"
TARGET_RATIO = 0.5


# --- preparing the tenant ---------------------------------------------------------------------


def prepare() -> Tenant:
    prepare_platform()
    tenant = ensure_tenant(SLUG, "Bench Pages", paths=("clone",))
    with tenant_context(tenant):
        _furnish_kb()
    connection.set_schema_to_public()
    return tenant


def _furnish_kb() -> None:
    from modules.kb.pages import ArticlePage, CategoryPage, KnowledgeBasePage, SectionPage

    kb = KnowledgeBasePage.objects.get()
    if CategoryPage.objects.filter(slug="guides").exists():
        return
    category = kb.add_child(instance=CategoryPage(title="Guides", slug="guides"))
    category.save_revision().publish()
    section = category.add_child(instance=SectionPage(title="Basics", slug="basics"))
    section.save_revision().publish()
    for n in range(30):
        article = ArticlePage(
            title=f"Article {n}: getting things done",
            slug=f"article-{n}",
            summary="How to get the most out of your account, step by step.",
            body=[
                ("heading", {"level": "2", "text": f"Part {part}"})
                if part % 2 == 0
                else ("paragraph", "<p>" + "Some useful words about the product. " * 30 + "</p>")
                for part in range(8)
            ],
        )
        article.tags.add("guide", f"topic-{n % 5}")
        section.add_child(instance=article)
        article.save_revision().publish()


# --- servers ------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ThreadedServer:
    """Django's threaded WSGI server (what runserver uses) in this process."""

    name = "Django ThreadedWSGIServer (in-process)"

    def __init__(self, port: int, cache_seconds: int):
        self.port = port
        self.cache_seconds = cache_seconds

    def __enter__(self):
        from django.core.handlers.wsgi import WSGIHandler
        from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler

        class QuietHandler(WSGIRequestHandler):
            def log_message(self, *args):
                pass

        settings.PAGE_CACHE_SECONDS = self.cache_seconds
        self.httpd = ThreadedWSGIServer(("127.0.0.1", self.port), QuietHandler)
        self.httpd.set_app(WSGIHandler())
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()


class GunicornServer:
    name = "gunicorn (2 workers x 4 threads)"

    def __init__(self, port: int, cache_seconds: int):
        self.port = port
        self.cache_seconds = cache_seconds

    def __enter__(self):
        env = {
            **os.environ,
            "PAGE_CACHE_SECONDS": str(self.cache_seconds),
            "LOG_LEVEL": "WARNING",
        }
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "config.wsgi",
                "--workers",
                "2",
                "--threads",
                "4",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return self
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("gunicorn did not start")

    def __exit__(self, *exc):
        self.process.terminate()
        self.process.wait(timeout=30)


# --- load -----------------------------------------------------------------------------------------


def fetch(conn: http.client.HTTPConnection, host: str, path: str) -> tuple[int, bytes, dict]:
    conn.request("GET", path, headers={"Host": host, "Accept-Language": "en"})
    response = conn.getresponse()
    body = response.read()
    return response.status, body, dict(response.getheaders())


def load(port: int, host: str, path: str, *, seconds: float, concurrency: int) -> dict:
    latencies: list[list[float]] = [[] for _ in range(concurrency)]
    errors: list[str] = []
    cache_headers: dict[str, int] = {}
    stop = time.monotonic() + seconds

    def worker(index: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while time.monotonic() < stop:
            started = time.perf_counter()
            try:
                status, _, headers = fetch(conn, host, path)
            except (OSError, http.client.HTTPException) as exc:
                errors.append(repr(exc))
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                continue
            latencies[index].append((time.perf_counter() - started) * 1000)
            if status != 200:
                errors.append(f"HTTP {status}")
            marker = headers.get("X-Page-Cache", "-")
            cache_headers[marker] = cache_headers.get(marker, 0) + 1
        conn.close()

    # one warm-up request, so the first row does not pay for imports and the first render
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    fetch(conn, host, path)
    conn.close()
    began = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(i,)) for i in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    samples = [value for chunk in latencies for value in chunk]
    return {
        "requests": len(samples),
        "rps": round(len(samples) / elapsed, 1),
        "p50_ms": round(statistics.median(samples), 2) if samples else None,
        "p95_ms": round(percentile(samples, 0.95), 2) if samples else None,
        "errors": len(errors),
        "x_page_cache": cache_headers,
    }


def purge_check(port: int, host: str, tenant: Tenant) -> dict:
    """Publish a new title; the next anonymous GET must show it."""
    from modules.kb.pages import ArticlePage

    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    fetch(conn, host, ARTICLE_PATH)
    _, _, before = fetch(conn, host, ARTICLE_PATH)
    title = f"Article 0 revised at {time.time():.0f}"
    with tenant_context(tenant):
        article = ArticlePage.objects.get(slug="article-0")
        article.title = title
        article.save_revision().publish()
    connection.set_schema_to_public()
    status, body, after = fetch(conn, host, ARTICLE_PATH)
    conn.close()
    return {
        "new_title": title,
        "before": before.get("X-Page-Cache"),
        "after": after.get("X-Page-Cache"),
        "shows_new_title": status == 200 and title.encode() in body,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=10, help="seconds per row (default 10)")
    parser.add_argument("--concurrency", type=int, default=8, help="client threads (default 8)")
    parser.add_argument("--server", choices=("auto", "gunicorn", "threaded"), default="auto")
    parser.add_argument("--json", metavar="FILE", help="also write the results as JSON")
    args = parser.parse_args()

    server_class = (
        GunicornServer
        if args.server == "gunicorn" or (args.server == "auto" and settings.REDIS_URL)
        else ThreadedServer
    )
    print("... preparing the bench tenant", flush=True)
    tenant = prepare()
    host = tenant.primary_domain
    connection.close()
    rows: dict[str, dict] = {}
    purge: dict = {}
    for cache_seconds in (300, 0):
        port = free_port()
        with server_class(port, cache_seconds):
            label = "on" if cache_seconds else "off"
            print(f"... page cache {label}: bare view", flush=True)
            rows[f"bare view (cache {label})"] = load(
                port, host, BARE_PATH, seconds=args.seconds, concurrency=args.concurrency
            )
            print(f"... page cache {label}: article page", flush=True)
            rows[f"article page (cache {label})"] = load(
                port, host, ARTICLE_PATH, seconds=args.seconds, concurrency=args.concurrency
            )
            if cache_seconds:
                purge = purge_check(port, host, tenant)

    print()
    print(
        f"Server: {server_class.name}; {args.concurrency} client threads, "
        f"{args.seconds:g} s per row"
    )
    print(f"Host: {host}  article: {ARTICLE_PATH}  bare: {BARE_PATH}  cores: {os.cpu_count()}")
    print(f"{'row':<28} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'errors':>7}  X-Page-Cache")
    for label, row in rows.items():
        print(
            f"{label:<28} {row['rps']:>8} {row['p50_ms']:>8} {row['p95_ms']:>8} {row['errors']:>7}"
            f"  {row['x_page_cache']}"
        )
    ratios = {}
    for label in ("on", "off"):
        bare, article = rows[f"bare view (cache {label})"], rows[f"article page (cache {label})"]
        ratios[label] = article["rps"] / bare["rps"] if bare["rps"] else 0.0
        print(f"article / bare, cache {label}: {ratios[label]:.0%}")
    verdict = "PASS" if ratios["on"] >= TARGET_RATIO else "MISS"
    print(f"target: article >= {TARGET_RATIO:.0%} of bare with the cache on: {verdict}")
    purge_ok = bool(purge.get("shows_new_title"))
    print(
        f"purge on publish: before={purge.get('before')} after={purge.get('after')} "
        f"new title shown: {'yes' if purge_ok else 'NO'}"
    )
    failed = not purge_ok or any(row["errors"] for row in rows.values())
    if args.json:
        FsPath(args.json).write_text(
            json.dumps({"rows": rows, "ratios": ratios, "purge": purge}, indent=2)
        )
        print(f"Wrote {args.json}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
