"""Provisioning benchmark: how long a new tenant takes on each path, and a whole signup.

Run from the project root:

    uv run python bench/provisioning.py [--n 20] [--migrate-n N] [--json out.json] [--keep]

It uses the database DATABASE_URL points to (or the embedded one), prints a table of timings,
the ratios between paths and the targets as PASS/FAIL text. It asserts nothing about time: a
slow machine makes slow figures, and the figures are what we want to see. Everything it creates
(tenants named bench-<run>-..., their schemas, domains, hand-offs, audit rows, spares) is removed
at the end unless --keep is given; the spare pool is left as large as it was found.
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import os
import re
import secrets
import statistics
import sys
import threading
import time
import traceback
from collections import Counter
from collections.abc import Callable
from pathlib import Path as FsPath

ROOT = FsPath(__file__).resolve().parent.parent
# `python bench/provisioning.py` puts bench/ first on sys.path; the project root is what we need.
sys.path[0] = str(ROOT)
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.local"

import django  # noqa: E402

django.setup()

# Quiet the page-created/published INFO lines of every furnished schema; errors still show.
logging.getLogger("wagtail").setLevel(logging.WARNING)

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.hashers import make_password  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django_tenants.utils import tenant_context  # noqa: E402

from cms.models import HomePage  # noqa: E402
from tenants import provisioning  # noqa: E402
from tenants.models import AuditLog, Domain, Handoff, SchemaKind, Tenant  # noqa: E402
from tenants.services import platform_ensure  # noqa: E402

# The bench signs up hundreds of companies from one address in a few minutes.
settings.SIGNUP_RATE_LIMIT = "100000/hour"
# No background refill thread after each signup (tenants.tasks.queue_refill): the bench fills
# the pool itself, outside the timings, and a refill running during a timing would skew it.
settings.SPARE_SCHEMAS = 0
# Local settings turn DEBUG on, which records every SQL query; production does not.
settings.DEBUG = False

TARGET_POOL_P50_MS = 300
TARGET_SIGNUP_P50_MS = 1000
TARGET_MIGRATE_OVER_POOL = 30
CONCURRENT_CLAIMS = 8


class Bench:
    def __init__(self, *, n: int, migrate_n: int):
        self.n = n
        self.migrate_n = migrate_n
        self.run = secrets.token_hex(3)
        self.prefix = f"bench-{self.run}"
        # Nothing in common with the e-mail addresses (admin@bench-...): a password that shares
        # their letters can fail UserAttributeSimilarityValidator and turn a signup into a 400.
        self.password = f"Qz!{secrets.token_urlsafe(18)}"
        self.password_hash = make_password(self.password)
        self.timings: dict[str, list[float]] = {}
        self.failures: list[str] = []
        self.created_spares: set[str] = set()
        self.signup_paths: dict[str, Counter] = {}
        self.concurrency: dict = {}
        self.counter = 0
        self.initial_spares: int | None = None  # set by prepare(); cleanup restores it

    # --- helpers ---------------------------------------------------------------------------

    def slug(self, tag: str) -> str:
        self.counter += 1
        return f"{self.prefix}-{tag}-{self.counter}"

    def admin(self, slug: str) -> dict:
        return {
            "email": f"admin@{slug}.example",
            "first_name": "Bench",
            "last_name": "Admin",
            "password": self.password_hash,
        }

    def timed(self, label: str, func: Callable[[], object]) -> object:
        connection.set_schema_to_public()
        started = time.perf_counter()
        result = func()
        elapsed_ms = (time.perf_counter() - started) * 1000
        self.timings.setdefault(label, []).append(elapsed_ms)
        return result

    def current_spares(self) -> int:
        connection.set_schema_to_public()
        return sum(
            1
            for schema in Tenant.objects.spares().values_list("schema_name", flat=True)
            if provisioning.schema_is_current(schema)
        )

    def refill(self, count: int, *, label: str = "pool refill per spare") -> None:
        """Top the pool up to `count` current spares, timing each clone-based spare.

        The connection is closed afterwards: a backend that has cloned schemas holds the catalog
        of every relation it made, which slows all its later statements, and a web worker's
        connection never carries that load."""
        missing = max(0, count - self.current_spares())
        for _ in range(missing):
            spare = self.timed(label, lambda: provisioning.create_spare(clone=True))
            self.created_spares.add(spare.schema_name)
        if missing:
            connection.close()

    def verify(self, slug: str, *, context: str) -> Tenant | None:
        """The tenant row, its primary domain, the admin in its schema and a live HomePage."""
        connection.set_schema_to_public()
        tenant = Tenant.objects.filter(slug=slug).first()
        problems = []
        if tenant is None:
            self.failures.append(f"{context} {slug}: no tenant row")
            return None
        if tenant.kind != SchemaKind.TENANT:
            problems.append(f"kind is {tenant.kind}")
        domain = f"{slug}.{settings.PLATFORM_DOMAIN}"
        if not Domain.objects.filter(tenant=tenant, domain=domain, is_primary=True).exists():
            problems.append(f"no primary domain {domain}")
        try:
            with tenant_context(tenant):
                if (
                    not get_user_model()
                    .objects.filter(email=f"admin@{slug}.example", is_superuser=True)
                    .exists()
                ):
                    problems.append("no admin user")
                home = HomePage.objects.live().first()
                if home is None:
                    problems.append("no live HomePage")
                elif home.title != tenant.name:
                    problems.append(f"home page titled {home.title!r}, not {tenant.name!r}")
        except Exception as exc:
            problems.append(f"schema query failed: {exc!r}")
        finally:
            connection.set_schema_to_public()
        for problem in problems:
            self.failures.append(f"{context} {slug} ({tenant.schema_name}): {problem}")
        return tenant

    # --- the measurements ------------------------------------------------------------------

    def prepare(self) -> None:
        connection.set_schema_to_public()
        call_command("migrate_schemas", shared=True, interactive=False, verbosity=0)
        platform_ensure()
        provisioning.ensure_template()
        self.initial_spares = Tenant.objects.spares().count()

    def bench_hash(self) -> None:
        for _ in range(self.n):
            self.timed("password hash (Argon2)", lambda: make_password(self.password))

    def bench_path(self, path: str, n: int) -> None:
        label = f"provision: {path}"
        for _ in range(n):
            slug = self.slug(path)
            # A fresh backend for each, connected outside the timing: a signup request's
            # connection has not cloned or migrated schemas before (see refill()).
            connection.close()
            connection.ensure_connection()
            try:
                provisioned, _user_id = self.timed(
                    label,
                    lambda slug=slug: provisioning.provision_tenant(
                        name=f"Bench {slug}",
                        slug=slug,
                        admin=self.admin(slug),
                        trial_days=14,
                        paths=(path,),
                    ),
                )
            except Exception as exc:
                self.failures.append(f"{label} {slug}: {exc!r}")
                continue
            if provisioned.path != path:
                self.failures.append(f"{label} {slug}: took the {provisioned.path} path")
            self.verify(slug, context=label)

    def bench_signup(self, kind: str) -> None:
        """Whole signups through the platform host, pool spares available (refilled untimed)."""
        label = {"api": "signup: HTTP JSON API", "form": "signup: HTML form"}[kind]
        self.refill(self.n, label="pool refill per spare")
        client = Client(HTTP_HOST=settings.PLATFORM_DOMAIN)
        paths = self.signup_paths.setdefault(label, Counter())
        for _ in range(self.n):
            slug = self.slug(kind)
            body = {
                "company_name": f"Bench {slug}",
                "subdomain": slug,
                "admin_name": "Bench Admin",
                "admin_email": f"admin@{slug}.example",
                "admin_password": self.password,
            }
            if kind == "api":
                response = self.timed(
                    label,
                    lambda body=body: client.post(
                        "/api/v1/signup/", data=json.dumps(body), content_type="application/json"
                    ),
                )
                expected = 201
            else:
                response = self.timed(label, lambda body=body: client.post("/signup/", data=body))
                expected = 302
            if response.status_code != expected:
                self.failures.append(
                    f"{label} {slug}: HTTP {response.status_code} (expected {expected}): "
                    f"{error_text(response)}"
                )
                continue
            tenant = self.verify(slug, context=label)
            if tenant is not None:
                audit = AuditLog.objects.filter(tenant=tenant, action="tenant.signup").first()
                paths[audit.detail.get("path") if audit else "?"] += 1

    def bench_concurrency(self) -> None:
        """CONCURRENT_CLAIMS pool claims at the same moment, one connection per thread: every
        claim must get its own schema (FOR UPDATE SKIP LOCKED), and with as many spares as
        claims none should be left without one."""
        self.refill(CONCURRENT_CLAIMS)
        spares_before = self.current_spares()
        barrier = threading.Barrier(CONCURRENT_CLAIMS)
        slugs = [self.slug("concurrent") for _ in range(CONCURRENT_CLAIMS)]
        results: list[object] = [None] * CONCURRENT_CLAIMS
        elapsed: list[float] = [0.0] * CONCURRENT_CLAIMS

        def claim(index: int) -> None:
            slug = slugs[index]
            try:
                barrier.wait()
                started = time.perf_counter()
                provisioned, _user_id = provisioning.provision_tenant(
                    name=f"Bench {slug}",
                    slug=slug,
                    admin=self.admin(slug),
                    trial_days=14,
                    paths=(provisioning.Path.POOL,),
                )
                elapsed[index] = (time.perf_counter() - started) * 1000
                results[index] = provisioned.tenant.schema_name
            except Exception as exc:
                results[index] = exc
            finally:
                connection.close()

        threads = [threading.Thread(target=claim, args=(i,)) for i in range(CONCURRENT_CLAIMS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        schemas = [r for r in results if isinstance(r, str)]
        errors = [r for r in results if not isinstance(r, str)]
        for slug, result in zip(slugs, results, strict=True):
            if isinstance(result, str):
                self.verify(slug, context="concurrent pool claim")
            else:
                self.failures.append(f"concurrent pool claim {slug}: {result!r}")
        self.concurrency = {
            "threads": CONCURRENT_CLAIMS,
            "spares_before": spares_before,
            "claimed": len(schemas),
            "distinct_schemas": len(set(schemas)),
            "errors": [repr(e) for e in errors],
            "wall_ms": sorted(round(e, 1) for e in elapsed if e),
        }

    # --- cleanup ---------------------------------------------------------------------------

    def cleanup(self) -> dict:
        connection.set_schema_to_public()
        tenants = list(Tenant.objects.filter(slug__startswith=f"{self.prefix}-"))
        spares = list(Tenant.objects.spares().filter(schema_name__in=sorted(self.created_spares)))
        doomed = tenants + spares
        audit_rows = AuditLog.objects.filter(tenant__in=tenants).delete()[0]
        labelled = AuditLog.objects.filter(tenant_label__startswith=f"{self.prefix}-")
        audit_rows += labelled.delete()[0]
        handoffs = Handoff.objects.filter(tenant__in=tenants).delete()[0]
        for tenant in doomed:
            provisioning.drop_schema(tenant.schema_name)
            tenant.delete()
        # Pre-existing spares the bench claimed are given back, so the pool is as it was.
        restored = 0
        while Tenant.objects.spares().count() < (self.initial_spares or 0):
            provisioning.create_spare(clone=True)
            restored += 1
        # Dropping a hundred schemas leaves a few hundred thousand dead catalog rows; autovacuum
        # gets to them late, and until then every catalog scan (clone_schema makes many) is
        # slower, so the next run would not be comparable. Needs the database owner.
        with connection.cursor() as cursor:
            cursor.execute(
                "VACUUM pg_catalog.pg_class, pg_catalog.pg_attribute, pg_catalog.pg_depend, "
                "pg_catalog.pg_constraint, pg_catalog.pg_index, pg_catalog.pg_type, "
                "pg_catalog.pg_attrdef, pg_catalog.pg_sequence"
            )
        return {
            "tenants": len(tenants),
            "spares": len(spares),
            "audit_rows": audit_rows,
            "handoffs": handoffs,
            "spares_restored": restored,
        }


def error_text(response) -> str:
    """What went wrong, short: the problem+json body, or the signup page's error summary."""
    body = response.content.decode(errors="replace")
    if "html" not in response.get("Content-Type", ""):
        return body[:400]
    start = body.find('role="alert"')
    summary = body[start : body.find("</div>", start)] if start >= 0 else body
    return " ".join(re.sub(r"<[^>]+>", " ", summary).split())[:400]


# --- reporting -------------------------------------------------------------------------------


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile: the smallest sample at or above `fraction` of the samples."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def summarise(values: list[float]) -> dict:
    return {
        "n": len(values),
        "p50_ms": round(statistics.median(values), 1),
        "p95_ms": round(percentile(values, 0.95), 1),
        "mean_ms": round(statistics.fmean(values), 1),
        "min_ms": round(min(values), 1),
        "max_ms": round(max(values), 1),
    }


def machine() -> dict:
    model = ""
    try:
        for line in FsPath("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:
        cpus = os.cpu_count() or 0
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        (pg_version,) = cursor.fetchone()
    db = settings.DATABASES["default"]
    return {
        "nproc": cpus,
        "cpu_model": model or "unknown",
        "python": sys.version.split()[0],
        "django": django.get_version(),
        "postgresql": pg_version,
        "database": f"{db.get('HOST') or 'local socket'}:{db.get('PORT') or ''}/{db['NAME']}",
    }


ORDER = [
    "password hash (Argon2)",
    "pool refill per spare",
    "provision: pool",
    "provision: clone",
    "provision: migrate",
    "signup: HTTP JSON API",
    "signup: HTML form",
]


def report(bench: Bench, info: dict, cleanup: dict | None, total_s: float) -> dict:
    stats = {label: summarise(bench.timings[label]) for label in ORDER if bench.timings.get(label)}
    print()
    print(f"Machine: {info['nproc']} CPUs, {info['cpu_model']}")
    print(
        f"PostgreSQL {info['postgresql']} at {info['database']}; Python {info['python']}, "
        f"Django {info['django']}"
    )
    print(f"Run bench-{bench.run}: n={bench.n} (migrate n={bench.migrate_n}), {total_s:.0f} s")
    print()
    print(f"{'path':<26} {'n':>4} {'p50 ms':>10} {'p95 ms':>10} {'mean ms':>10}")
    print("-" * 64)
    for label, row in stats.items():
        print(
            f"{label:<26} {row['n']:>4} {row['p50_ms']:>10.1f} {row['p95_ms']:>10.1f} "
            f"{row['mean_ms']:>10.1f}"
        )
    print()

    def p50(label: str) -> float | None:
        return stats[label]["p50_ms"] if label in stats else None

    pool, clone, migrate = (
        p50("provision: pool"),
        p50("provision: clone"),
        p50("provision: migrate"),
    )
    ratios = {}
    if pool and migrate:
        ratios["migrate_p50_over_pool_p50"] = round(migrate / pool, 1)
        print(f"migrate p50 / pool p50 = {migrate / pool:.1f}x")
    if pool and clone:
        ratios["clone_p50_over_pool_p50"] = round(clone / pool, 1)
        print(f"clone p50 / pool p50   = {clone / pool:.1f}x")
    for label, counts in bench.signup_paths.items():
        taken = ", ".join(f"{path}={count}" for path, count in sorted(counts.items()))
        print(f"{label} took: {taken}")
    print()

    targets = []

    def target(name: str, value: float | None, ok: Callable[[float], bool], unit: str) -> None:
        passed = value is not None and ok(value)
        shown = "not measured" if value is None else f"{value:.1f}{unit}"
        targets.append({"target": name, "value": value, "pass": passed})
        print(f"[{'PASS' if passed else 'FAIL'}] {name}: {shown}")

    target(f"pool-path provisioning p50 < {TARGET_POOL_P50_MS} ms", pool,
           lambda v: v < TARGET_POOL_P50_MS, " ms")  # fmt: skip
    for label in ("signup: HTTP JSON API", "signup: HTML form"):
        target(f"whole HTTP signup p50 < {TARGET_SIGNUP_P50_MS} ms ({label})", p50(label),
               lambda v: v < TARGET_SIGNUP_P50_MS, " ms")  # fmt: skip
    target(f"migrate/pool >= {TARGET_MIGRATE_OVER_POOL}x",
           ratios.get("migrate_p50_over_pool_p50"),
           lambda v: v >= TARGET_MIGRATE_OVER_POOL, "x")  # fmt: skip
    print()

    c = bench.concurrency
    if c:
        distinct = c["claimed"] == c["distinct_schemas"]
        everyone = c["claimed"] == c["threads"]
        print(
            f"[{'PASS' if distinct else 'FAIL'}] {c['threads']} concurrent pool claims "
            f"({c['spares_before']} spares ready): {c['claimed']} claimed, "
            f"{c['distinct_schemas']} distinct schemas"
        )
        print(
            f"[{'PASS' if everyone else 'FAIL'}] every concurrent claim got a spare"
            + ("" if everyone else f"; errors: {c['errors']}")
        )
        print(f"    per-claim ms: {c['wall_ms']}")
        print()

    print(f"Tenant checks (row, domain, admin user, live HomePage): {len(bench.failures)} failures")
    for failure in bench.failures:
        print(f"  - {failure}")
    if cleanup is not None:
        print(
            f"Cleaned up: {cleanup['tenants']} tenants, {cleanup['spares']} unclaimed spares, "
            f"{cleanup['audit_rows']} audit rows, {cleanup['handoffs']} hand-offs; "
            f"{cleanup['spares_restored']} spares recreated to restore the pool"
        )
    else:
        print(f"--keep: tenants bench-{bench.run}-* and their schemas were left in place")

    return {
        "run": bench.run,
        "n": bench.n,
        "migrate_n": bench.migrate_n,
        "machine": info,
        "results": stats,
        "samples_ms": {k: [round(v, 1) for v in bench.timings[k]] for k in stats},
        "ratios": ratios,
        "targets": targets,
        "signup_paths": {k: dict(v) for k, v in bench.signup_paths.items()},
        "concurrency": c,
        "failures": bench.failures,
        "cleanup": cleanup,
        "total_seconds": round(total_s, 1),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=20, help="samples per path (default 20)")
    parser.add_argument(
        "--migrate-n", type=int, default=None, help="samples on the migrate path (default: --n)"
    )
    parser.add_argument("--json", metavar="FILE", help="also write the results as JSON")
    parser.add_argument("--keep", action="store_true", help="leave the bench tenants in place")
    args = parser.parse_args()

    bench = Bench(n=args.n, migrate_n=args.n if args.migrate_n is None else args.migrate_n)
    started = time.perf_counter()
    steps = [
        ("migrating the public schema, platform row, template", bench.prepare),
        ("hashing passwords", bench.bench_hash),
        ("filling the pool", lambda: bench.refill((bench.initial_spares or 0) + bench.n)),
        ("pool path", lambda: bench.bench_path(provisioning.Path.POOL, bench.n)),
        ("clone path", lambda: bench.bench_path(provisioning.Path.CLONE, bench.n)),
        (
            "migrate path (slow)",
            lambda: bench.bench_path(provisioning.Path.MIGRATE, bench.migrate_n),
        ),
        ("HTTP JSON signups", lambda: bench.bench_signup("api")),
        ("HTML form signups", lambda: bench.bench_signup("form")),
        (f"{CONCURRENT_CLAIMS} concurrent pool claims", bench.bench_concurrency),
    ]
    cleanup = None
    try:
        for title, step in steps:
            step_started = time.perf_counter()
            print(f"... {title}", end="", flush=True)
            connection.close()  # each phase starts on a fresh backend, as a new request would
            step()
            print(f" ({time.perf_counter() - step_started:.1f} s)", flush=True)
    except BaseException:
        print()
        traceback.print_exc()
        bench.failures.append("bench aborted: " + traceback.format_exc().splitlines()[-1])
    finally:
        if not args.keep and bench.initial_spares is not None:
            cleanup = bench.cleanup()
    info = machine()
    result = report(bench, info, cleanup, time.perf_counter() - started)
    if args.json:
        FsPath(args.json).write_text(json.dumps(result, indent=2, default=str))
        print(f"Wrote {args.json}")
    return 1 if bench.failures else 0


if __name__ == "__main__":
    sys.exit(main())
