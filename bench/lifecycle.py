"""Lifecycle benchmark: the nightly run (trial reminders, ended trials, overdue payments, purges
after the retention window) over 5,000 tenants.

Run from the project root:

    uv run python bench/lifecycle.py [--tenants 5000] [--rounds 5] [--json F]

Each round makes 5,000 tenant rows in the public schema (`bench-life-*`; the run never opens a
tenant's schema, so they need none): trials ending from three days ago to twenty days ahead,
paying tenants, cancelled tenants inside their retention window, and past-due tenants inside
and beyond the grace period. Then it times `tenants.lifecycle.run()` twice: a busy night
(reminders to send, trials to end, tenants to suspend: every transition audited, every email
sent to the in-memory backend) and the quiet night after it (nothing due), and the purge step on
its own (none due). It prints the total time, the cost per tenant, the queries and how many of
them switched schemas (must be 0), with a baseline in the same run: one query that reads all
5,000 rows. It asserts nothing about time.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from datetime import timedelta

from common import bench_setup, prepare_platform

bench_setup()

from django.core import mail  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from tenants import lifecycle  # noqa: E402
from tenants.models import SchemaKind, Tenant, TenantStatus  # noqa: E402

PREFIX = "bench-life-"


def make_tenants(count: int, now) -> dict[str, int]:
    Tenant.objects.filter(slug__startswith=PREFIX).delete()
    rng = random.Random(5000)
    rows, kinds = [], {}
    for n in range(count):
        roll = rng.random()
        fields = {"status": TenantStatus.TRIALING, "status_changed_at": now - timedelta(days=30)}
        if roll < 0.55:  # trials ending from three days ago to twenty days ahead
            fields["trial_ends_at"] = now + timedelta(hours=rng.uniform(-72, 480))
            kind = "trial"
        elif roll < 0.85:
            fields.update(status=TenantStatus.ACTIVE, trial_ends_at=now - timedelta(days=60))
            kind = "active"
        elif roll < 0.90:  # cancelled, inside the retention window: nothing to purge yet
            fields.update(
                status=TenantStatus.CANCELLED,
                status_changed_at=now - timedelta(days=2),
                purge_after=now + timedelta(days=rng.uniform(1, 28)),
            )
            kind = "cancelled"
        else:
            days = rng.uniform(0, 14)
            fields.update(
                status=TenantStatus.PAST_DUE,
                status_changed_at=now - timedelta(days=days),
                trial_ends_at=now - timedelta(days=90),
            )
            kind = "past_due"
        kinds[kind] = kinds.get(kind, 0) + 1
        rows.append(
            Tenant(
                schema_name=f"t_bench_life_{n}",
                slug=f"{PREFIX}{n}",
                name=f"Bench life {n}",
                kind=SchemaKind.TENANT,
                owner_email=f"owner{n}@bench.example",
                **fields,
            )
        )
    Tenant.objects.bulk_create(rows, batch_size=1000)
    return kinds


def timed(fn):
    # The query log keeps 9,000 entries; a busy night fills it, and a full log counts nothing.
    connection.queries_log.clear()
    with CaptureQueriesContext(connection) as queries:
        start = time.perf_counter()
        result = fn()
        elapsed = time.perf_counter() - start
    switches = sum(1 for q in queries.captured_queries if "search_path" in q["sql"].lower())
    return elapsed, len(queries.captured_queries), switches, result


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tenants", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--json")
    args = parser.parse_args()
    prepare_platform()
    connection.set_schema_to_public()
    rows: dict[str, list] = {"baseline": [], "busy": [], "quiet": [], "purge": []}
    detail = {}
    for _round in range(args.rounds):
        now = timezone.now()
        detail["tenants"] = make_tenants(args.tenants, now)
        mail.outbox = []

        def read_all():
            return len(
                list(
                    Tenant.objects.filter(slug__startswith=PREFIX).values_list(
                        "pk", "status", "trial_ends_at", "status_changed_at"
                    )
                )
            )

        rows["baseline"].append(timed(read_all))
        rows["busy"].append(timed(lambda now=now: lifecycle.run(now)))
        rows["quiet"].append(timed(lambda now=now: lifecycle.run(now)))
        rows["purge"].append(timed(lambda now=now: lifecycle.purge_expired(now)))
        detail["busy_report"] = rows["busy"][-1][3].as_dict()
        detail["emails"] = len(mail.outbox)
    Tenant.objects.filter(slug__startswith=PREFIX).delete()

    load = " ".join(f"{x:.2f}" for x in __import__("os").getloadavg())
    print(f"\nTenants: {args.tenants} ({detail['tenants']}); rounds: {args.rounds}; load {load}")
    print(f"Busy night did: {detail['busy_report']}; emails sent: {detail['emails']}")
    base = statistics.median(r[0] for r in rows["baseline"])
    print(
        f"{'row':<44}{'median s':>10}{'per tenant µs':>15}{'queries':>9}{'switches':>9}{'×base':>7}"
    )
    result = {}
    for name, label in (
        ("baseline", "baseline: read all tenant rows (1 query)"),
        ("busy", "lifecycle.run(), busy night"),
        ("quiet", "lifecycle.run(), quiet night after it"),
        ("purge", "purge step alone, none due"),
    ):
        times = [r[0] for r in rows[name]]
        median = statistics.median(times)
        queries = max(r[1] for r in rows[name])
        switches = max(r[2] for r in rows[name])
        per = median / args.tenants * 1e6
        print(
            f"{label:<44}{median:>10.3f}{per:>15.1f}{queries:>9}{switches:>9}{median / base:>7.1f}"
        )
        result[name] = {
            "median_s": median,
            "per_tenant_us": per,
            "queries": queries,
            "schema_switches": switches,
        }
    changed = (
        sum(detail["busy_report"]["reminders"].values())
        + detail["busy_report"]["read_only"]
        + detail["busy_report"]["suspended"]
    )
    print(
        f"schema switches: {max(result[k]['schema_switches'] for k in result)} (target 0); "
        f"queries on a quiet night: {result['quiet']['queries']} for {args.tenants} tenants; "
        f"a busy night adds a few queries per tenant that changes ({changed} changed)"
    )
    if args.json:
        with open(args.json, "w") as out:
            json.dump({"detail": detail, "rows": result}, out, indent=2, default=str)
    return 1 if any(result[k]["schema_switches"] for k in result) else 0


if __name__ == "__main__":
    sys.exit(main())
