"""Tickets benchmark: an agent's inbox over 50,000 tickets, and 20 customers submitting at once.

Run from the project root:

    uv run python bench/tickets.py [--requests 60] [--threads 20] [--per-thread 10] [--json F]

The first run builds the data and keeps it for the next runs (about a minute): a tenant
`bench-tickets` with 2,000 confirmed customers, 12 agents (the Agents role), the queues Billing
and Technical, and 50,000 tickets numbered from the tenant's own sequence (one
`SELECT nextval(...) FROM generate_series(...)` for the lot), bulk-created with a realistic spread:
most closed, about a fifth still active, priorities mostly normal, queues Billing/Technical/none,
active tickets mostly assigned, 5 % from guests, last updates over a year (active ones recent),
SLA targets of which about one active ticket in eight is past.

Part 1, the agents' inbox (as the first agent of the Agents role, who sees every queue), for the
views open, mine, overdue and a two-word search over open tickets:

- `GET /admin/tickets/?view=...` (the agents' workspace) through Django's test client, when
  it answers 200 (it is reported as missing otherwise);
- `GET /api/v1/agent/tickets/?view=...` (the agent API's list), the same;
- `selectors.tickets_for_agent` (first page of 25) + `selectors.view_counts`, called directly
  (what the page and the list are made of), with a user loaded afresh for each call, and,
  to show where the time goes, the open view's first page alone and `view_counts` alone;
- a baseline in the same run: `Ticket.objects.order_by('-updated_at')[:25]`.

It prints p50/p95, the queries of one request (CaptureQueriesContext), the ratio to the baseline,
whether the query count stays the same when the number of tickets shown grows (the "mine" view
against "open") and the target next to the figures: inbox p95 < 150 ms, a constant number of
queries.

Part 2, submitting: `--threads` customers (each its own thread, so its own database connection)
submit `--per-thread` tickets each at the same moment, through `services.ticket_create`, then
through `POST /tickets/new/` when the portal's form answers. It prints tickets/s, p50/p95 of one
submission, and checks the numbers the run received: no duplicates, and no gap other than those a
failed (rolled back) submission leaves. It asserts nothing about time; it exits non-zero only if
a request it expects to work does not, or a number is given twice.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import random
import re
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path as FsPath

from common import bench_setup, ensure_tenant, prepare_platform, summarise

bench_setup()
logging.getLogger("celery").setLevel(logging.WARNING)  # a line per outbox email otherwise

from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.hashers import make_password  # noqa: E402
from django.db import connection, connections  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402
from django_tenants.utils import tenant_context  # noqa: E402

from tenants.models import Tenant  # noqa: E402

SLUG = "bench-tickets"
TICKETS = 50_000
CUSTOMERS = 2_000
AGENTS = 12
PAGE = 25
TARGET_INBOX_P95_MS = 150
SEARCH = "invoice export"
VIEWS = ("open", "mine", "overdue")
WORDS = [
    "invoice",
    "export",
    "payment",
    "refund",
    "login",
    "password",
    "report",
    "dashboard",
    "webhook",
    "calendar",
    "permission",
    "backup",
    "mobile",
    "browser",
    "template",
    "import",
    "integration",
    "notification",
    "upgrade",
    "error",
    "slow",
    "missing",
    "duplicate",
    "account",
    "team",
    "plan",
    "card",
    "tax",
    "receipt",
    "sync",
]
# (value, weight): what a year of a help desk looks like
STATUSES = [
    ("closed", 70),
    ("solved", 8),
    ("new", 3),
    ("open", 9),
    ("pending", 7),
    ("on_hold", 3),
]
PRIORITIES = [("low", 20), ("normal", 60), ("high", 15), ("urgent", 5)]


def pick(rng: random.Random, weighted: list[tuple[str, int]]) -> str:
    values, weights = zip(*weighted, strict=True)
    return rng.choices(values, weights=weights)[0]


def sentence(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize()


def filler_words(rng: random.Random, count: int = 3000) -> list[str]:
    """Made-up ordinary words, so that a help-desk word is in a few tickets, not in all."""
    letters = "abcdefghijklmnoprstuvy"
    return ["".join(rng.choice(letters) for _ in range(rng.randint(3, 9))) for _ in range(count)]


def body(rng: random.Random, filler: list[str], words: int) -> str:
    """Ordinary words (Zipf-like: the n-th most common about 1/n as often) and two help-desk
    words."""
    text = [filler[int(len(filler) ** rng.random()) - 1] for _ in range(words)]
    for _ in range(2):
        text.insert(rng.randrange(len(text)), rng.choice(WORDS))
    return " ".join(text).capitalize() + "."


# --- data ---------------------------------------------------------------------------------------


def people() -> tuple[list, list]:
    """CUSTOMERS confirmed customers and AGENTS agents (the Agents role), made once."""
    from django.contrib.auth.models import Group

    from modules.accounts.models import CustomerProfile
    from modules.accounts.services import AGENTS as AGENTS_ROLE

    User = get_user_model()
    password = make_password("bench-password-not-secret")
    joined = timezone.now() - timedelta(days=400)
    have = User.objects.filter(username__startswith="customer-").count()
    if have < CUSTOMERS:
        User.objects.bulk_create(
            User(
                username=f"customer-{n:05d}@bench.example",
                email=f"customer-{n:05d}@bench.example",
                first_name=f"Customer {n}",
                password=password,
                date_joined=joined,
            )
            for n in range(have, CUSTOMERS)
        )
    role = Group.objects.get(name=AGENTS_ROLE)
    for n in range(AGENTS):
        agent, created = User.objects.get_or_create(
            username=f"agent-{n:02d}@bench.example",
            defaults={
                "email": f"agent-{n:02d}@bench.example",
                "first_name": f"Agent {n}",
                "password": password,
                "date_joined": joined,
            },
        )
        if created:
            agent.groups.add(role)  # accounts makes members of a staff role staff
    users = list(User.objects.filter(username__endswith="@bench.example").order_by("username"))
    CustomerProfile.objects.bulk_create(
        [CustomerProfile(user=user, email_verified_at=joined) for user in users],
        ignore_conflicts=True,
    )
    agents = [user for user in users if user.username.startswith("agent-")]
    customers = [user for user in users if user.username.startswith("customer-")]
    return customers, agents


def build_tickets(customers: list, agents: list, rng: random.Random) -> None:
    from modules.tickets.models import NUMBER_SEQUENCE, Queue, Ticket

    have = Ticket.objects.count()
    if have >= TICKETS:
        return
    queues = [
        Queue.objects.get_or_create(name="Billing")[0],
        Queue.objects.get_or_create(name="Technical")[0],
        None,
    ]
    missing = TICKETS - have
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(%s) FROM generate_series(1, %s)", [NUMBER_SEQUENCE, missing])
        numbers = [row[0] for row in cursor.fetchall()]
    now = timezone.now()
    filler = filler_words(rng)
    tickets = []
    for number in numbers:
        status = pick(rng, STATUSES)
        active = status not in ("solved", "closed")
        priority = pick(rng, PRIORITIES)
        guest = rng.random() < 0.05
        requester = None if guest else rng.choice(customers)
        assigned = rng.random() < (0.75 if active else 0.95) and status != "new"
        # active tickets are recent; done ones are spread over the year
        age = timedelta(hours=rng.uniform(1, 24 * (20 if active else 365)))
        created = now - age
        updated = created + (now - created) * rng.uniform(0.2, 1.0)
        answered = status != "new" and rng.random() < 0.97
        due_offset = timedelta(hours=rng.uniform(-36, 240)) if active else timedelta(hours=-1)
        tickets.append(
            Ticket(
                number=number,
                subject=sentence(rng, rng.randint(2, 4)),
                description=f"{body(rng, filler, 40)}\n\n{body(rng, filler, 25)}",
                requester=requester,
                guest_email=f"guest-{number}@mail.example" if guest else "",
                status=status,
                priority=priority,
                queue=rng.choices(queues, weights=[40, 45, 15])[0],
                assignee=rng.choice(agents) if assigned else None,
                tags=rng.sample(
                    ["vip", "refund", "bug", "how-to", "api", "mobile"], rng.randint(0, 2)
                ),
                channel=rng.choice(["web", "web", "email", "api"]),
                created_at=created,
                updated_at=updated,
                first_response_at=created + (updated - created) / 3 if answered else None,
                first_response_due=created + timedelta(hours=8),
                resolution_due=now + due_offset if active else created + timedelta(days=5),
                solved_at=updated if not active else None,
                closed_at=updated if status == "closed" else None,
                rating=rng.choice(["", "", "good", "good", "bad"]) if not active else "",
                reply_token=f"{rng.getrandbits(64):016x}",
            )
        )
    Ticket.objects.bulk_create(tickets, batch_size=2000)
    # bulk_create stamps auto_now(_add) fields with now: put the spread back in one statement
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE bench_times (number int, created timestamptz, updated timestamptz)"
        )
        cursor.executemany(
            "INSERT INTO bench_times VALUES (%s, %s, %s)",
            [(t.number, t.created_at, t.updated_at) for t in tickets],
        )
        cursor.execute(
            "UPDATE tickets_ticket t SET created_at = b.created, updated_at = b.updated "
            "FROM bench_times b WHERE t.number = b.number"
        )
        cursor.execute("DROP TABLE bench_times")


def prepare() -> Tenant:
    prepare_platform()
    tenant = ensure_tenant(SLUG, "Bench Tickets")
    connection.set_schema_to_public()
    with tenant_context(tenant):
        from cms.models import ModuleSettings

        switches = ModuleSettings.load()
        if not (switches.switches or {}).get("tickets", True):
            switches.switches = {**switches.switches, "tickets": True}
            switches.save()
        rng = random.Random(SLUG)
        started = time.perf_counter()
        customers, agents = people()
        build_tickets(customers, agents, rng)
        elapsed = time.perf_counter() - started
        if elapsed > 1:
            print(f"... data built in {elapsed:.0f} s")
        with connection.cursor() as cursor:
            # what autovacuum does soon after a bulk load (the users were bulk-created too)
            for table in ("tickets_ticket", "auth_user", "accounts_customerprofile"):
                cursor.execute(f"VACUUM ANALYZE {table}")
    connection.set_schema_to_public()
    return tenant


# --- part 1: the inbox ----------------------------------------------------------------------------


def timed(fn, requests: int) -> list[float]:
    for _ in range(3):  # warm: imports, templates, first plans
        fn()
    samples = []
    for _ in range(requests):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def row(samples: list[float], queries: int | None) -> dict:
    return {**summarise(samples), "queries": queries}


def page_answers(client: Client, path: str) -> int:
    try:
        return client.get(path).status_code
    except Exception as error:  # a half-built page must not stop the bench
        print(f"... {path} raised {type(error).__name__}: {error}")
        return 500


def measure_http(client: Client, path: str, requests: int) -> dict:
    def get():
        response = client.get(path)
        if response.status_code != 200:
            raise SystemExit(f"{path} answered {response.status_code}")

    samples = timed(get, requests)
    with CaptureQueriesContext(connection) as queries:
        get()
    return row(samples, len(queries.captured_queries))


def measure_direct(tenant, agent_pk: int, view: str, query: str, requests: int) -> dict:
    from modules.tickets import selectors

    User = get_user_model()

    def call():
        user = User.objects.get(pk=agent_pk)  # fresh permission caches, as in a request
        list(selectors.tickets_for_agent(user=user, view=view, query=query)[:PAGE])
        selectors.view_counts(user=user)

    with tenant_context(tenant):
        samples = timed(call, requests)
        with CaptureQueriesContext(connection) as queries:
            call()
    connection.set_schema_to_public()
    return row(samples, len(queries.captured_queries))


def measure_parts(tenant, agent_pk: int, requests: int) -> dict[str, dict]:
    """Where the inbox's time goes: the open view's first page alone, the counts alone."""
    from modules.tickets import selectors

    User = get_user_model()
    parts = {
        "selectors open, first page only": lambda user: list(
            selectors.tickets_for_agent(user=user, view="open")[:PAGE]
        ),
        "selectors view_counts only": lambda user: selectors.view_counts(user=user),
    }
    rows = {}
    with tenant_context(tenant):
        user = User.objects.get(pk=agent_pk)
        selectors.view_counts(user=user)  # permission caches filled: time the queries only
        for label, part in parts.items():
            samples = timed(lambda part=part: part(user), requests)
            with CaptureQueriesContext(connection) as queries:
                part(user)
            rows[label] = row(samples, len(queries.captured_queries))
    connection.set_schema_to_public()
    return rows


def measure_baseline(tenant, requests: int) -> dict:
    from modules.tickets.models import Ticket

    with tenant_context(tenant):
        samples = timed(lambda: list(Ticket.objects.order_by("-updated_at")[:PAGE]), requests)
    connection.set_schema_to_public()
    return row(samples, 1)


def inbox(tenant, agent_pk: int, requests: int) -> tuple[dict, dict]:
    from urllib.parse import urlencode

    from modules.tickets.models import Ticket
    from modules.tickets.selectors import view_counts

    User = get_user_model()
    with tenant_context(tenant):
        agent = User.objects.get(pk=agent_pk)
        counts = view_counts(user=agent)
        total = Ticket.objects.count()
        search_open = (
            Ticket.objects.filter(status__in=["new", "open", "pending", "on_hold"])
            .filter(subject__icontains="invoice")
            .count()
        )
    connection.set_schema_to_public()
    info = {"tickets": total, "views": counts, "invoice_open": search_open}

    client = Client(HTTP_HOST=tenant.primary_domain)
    with tenant_context(tenant):
        client.force_login(agent)
    connection.set_schema_to_public()

    cases = [(view, view, "") for view in VIEWS] + [(f"search '{SEARCH}'", "open", SEARCH)]
    rows: dict[str, dict] = {}
    rows["baseline: order_by('-updated_at')[:25]"] = measure_baseline(tenant, requests)
    for label, view, query in cases:
        rows[f"selectors {label} + view_counts"] = measure_direct(
            tenant, agent_pk, view, query, requests
        )
    rows.update(measure_parts(tenant, agent_pk, requests))
    for name, base, query_key in (
        ("admin page", "/admin/tickets/", "q"),
        ("agent API", "/api/v1/agent/tickets/", "q"),
    ):
        status = page_answers(client, base)
        if status != 200:
            info[f"{name} {base}"] = f"not measured: answered {status} (not built yet?)"
            continue
        for label, view, query in cases:
            params = {"view": view, **({query_key: query} if query else {})}
            rows[f"{name} {label}"] = measure_http(client, f"{base}?{urlencode(params)}", requests)
    return rows, info


# --- part 2: submitting ---------------------------------------------------------------------------


def submit_concurrently(tenant, customers: list, per_thread: int, how: str) -> dict:
    """Each customer on their own thread (own connection) submits `per_thread` tickets, all
    threads released at once. `how`: "service" or "http"."""
    from modules.tickets import services
    from modules.tickets.models import Ticket

    barrier = threading.Barrier(len(customers))
    samples: list[float] = []
    numbers: list[int] = []
    failures: list[str] = []
    lock = threading.Lock()

    def run(index: int, customer) -> None:
        mine_samples, mine_numbers, mine_failures = [], [], []
        try:
            client = None
            if how == "http":
                # a view's exception is a 500 to count, as a browser would get, not a crash
                client = Client(HTTP_HOST=tenant.primary_domain, raise_request_exception=False)
                with tenant_context(tenant):
                    client.force_login(customer)
            connection.set_tenant(tenant)
            barrier.wait()
            for n in range(per_thread):
                subject = f"Bench {how} {index}-{n}: invoice export fails"
                body = f"Customer {index} writes ticket {n}. The export stops at 80 %."
                started = time.perf_counter()
                if how == "service":
                    try:
                        ticket = services.ticket_create(
                            subject=subject, description=body, requester=customer
                        )
                    except Exception as error:
                        mine_failures.append(f"{type(error).__name__}: {error}")
                        continue
                    mine_samples.append((time.perf_counter() - started) * 1000)
                    mine_numbers.append(ticket.number)
                else:
                    response = client.post(
                        "/tickets/new/", {"subject": subject, "description": body}
                    )
                    elapsed = (time.perf_counter() - started) * 1000
                    if response.status_code != 302:
                        mine_failures.append(f"answered {response.status_code}")
                        continue
                    mine_samples.append(elapsed)
                    match = re.search(r"/tickets/(\d+)/", response["Location"])
                    if match:
                        mine_numbers.append(int(match.group(1)))
                    else:
                        mine_failures.append(f"redirected to {response['Location']}")
        except Exception as error:
            mine_failures.append(f"{type(error).__name__}: {error}")
        finally:
            connections.close_all()
            with lock:
                samples.extend(mine_samples)
                numbers.extend(mine_numbers)
                failures.extend(mine_failures)

    threads = [
        threading.Thread(target=run, args=(i, customer)) for i, customer in enumerate(customers)
    ]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    with tenant_context(tenant):
        stored = Ticket.objects.filter(number__in=numbers).count()
    connection.set_schema_to_public()
    result = {
        "how": how,
        "threads": len(customers),
        "submitted": len(numbers),
        "failed": len(failures),
        "failures": sorted(set(failures))[:5],
        "tickets_per_s": round(len(numbers) / wall, 1) if numbers else 0,
        "duplicates": len(numbers) - len(set(numbers)),
        "stored": stored,
    }
    if numbers:
        result.update(summarise(samples))
        result["gaps"] = (max(numbers) - min(numbers) + 1) - len(set(numbers))
    return result


def http_form_answers(tenant, customer) -> int:
    client = Client(HTTP_HOST=tenant.primary_domain)
    with tenant_context(tenant):
        client.force_login(customer)
    connection.set_schema_to_public()
    status = page_answers(client, "/tickets/new/")
    connection.set_schema_to_public()
    return status


def print_inbox(rows: dict, info: dict) -> None:
    print(f"Inbox (target: p95 < {TARGET_INBOX_P95_MS} ms, constant queries)")
    print(f"{'row':<52} {'n':>4} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8} {'p95/base':>9}")
    base = rows.get("baseline: order_by('-updated_at')[:25]", {}).get("p95_ms", 1)
    for label, data in rows.items():
        ratio = f"{data['p95_ms'] / base:.1f}x"
        print(
            f"{label:<52} {data['n']:>4} {data['p50_ms']:>8} {data['p95_ms']:>8} "
            f"{data['queries']:>8} {ratio:>9}"
        )
    for prefix in ("selectors", "admin page", "agent API"):
        mine = rows.get(f"{prefix} mine" + (" + view_counts" if prefix == "selectors" else ""))
        open_ = rows.get(f"{prefix} open" + (" + view_counts" if prefix == "selectors" else ""))
        if mine and open_:
            verdict = "same: no query per row" if open_["queries"] <= mine["queries"] else "GROWS"
            print(
                f"{prefix} queries, mine ({info['views']['mine']:,}) vs open "
                f"({info['views']['open']:,}): {mine['queries']} vs {open_['queries']} ({verdict})"
            )
        inbox_rows = [data for label, data in rows.items() if label.startswith(prefix)]
        if inbox_rows:
            worst = max(data["p95_ms"] for data in inbox_rows)
            verdict = "PASS" if worst < TARGET_INBOX_P95_MS else "MISS"
            print(f"{prefix}: worst p95 {worst} ms against {TARGET_INBOX_P95_MS} ms: {verdict}")


# --- main -----------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=60, help="per inbox row (default 60)")
    parser.add_argument("--threads", type=int, default=20, help="concurrent customers (20)")
    parser.add_argument("--per-thread", type=int, default=10, help="tickets each (default 10)")
    parser.add_argument("--json", metavar="FILE", help="also write the results as JSON")
    parser.add_argument("--submit-only", action="store_true", help="skip the inbox rows")
    args = parser.parse_args()

    tenant = prepare()
    with tenant_context(tenant):
        User = get_user_model()
        agent = User.objects.get(username="agent-00@bench.example")
        submitters = list(
            User.objects.filter(username__startswith="customer-")
            .select_related("customer_profile")
            .order_by("username")[: args.threads]
        )
    connection.set_schema_to_public()

    load_before = os.getloadavg()
    if args.submit_only:
        rows, info = {}, {"tickets": 0, "views": {}, "invoice_open": "-"}
    else:
        rows, info = inbox(tenant, agent.pk, args.requests)

    submissions = [submit_concurrently(tenant, submitters, args.per_thread, "service")]
    form_status = http_form_answers(tenant, submitters[0])
    if form_status == 200:
        submissions.append(submit_concurrently(tenant, submitters, args.per_thread, "http"))
    else:
        info["form /tickets/new/"] = f"not measured: answered {form_status} (not built yet?)"
    load_after = os.getloadavg()

    print()
    print(
        f"Tenant {SLUG}: {info['tickets'] or 'about 50,000'} tickets; cores: {os.cpu_count()}; "
        f"load average "
        f"before {load_before[0]:.2f}/{load_before[1]:.2f}/{load_before[2]:.2f}, after "
        f"{load_after[0]:.2f}/{load_after[1]:.2f}/{load_after[2]:.2f} (1/5/15 min)"
    )
    if rows:
        print(f"Agent agent-00 sees per view: {info['views']}")
        print(f"Open tickets with 'invoice' in the subject: {info['invoice_open']}")
    for key, value in info.items():
        if isinstance(value, str) and key != "invoice_open":
            print(f"{key}: {value}")
    print()
    if rows:
        print_inbox(rows, info)
    print()
    print(f"Submitting ({args.threads} customers at once, {args.per_thread} tickets each)")
    print(
        f"{'how':<30} {'ok':>5} {'failed':>7} {'tickets/s':>10} {'p50 ms':>8} {'p95 ms':>8} "
        f"{'dupes':>6} {'gaps':>5}"
    )
    bad = False
    for result in submissions:
        how = (
            "services.ticket_create" if result["how"] == "service" else "POST /tickets/new/ (HTTP)"
        )
        print(
            f"{how:<30} {result['submitted']:>5} {result['failed']:>7} "
            f"{result['tickets_per_s']:>10} {result.get('p50_ms', '-'):>8} "
            f"{result.get('p95_ms', '-'):>8} {result['duplicates']:>6} {result.get('gaps', '-'):>5}"
        )
        for failure in result["failures"]:
            print(f"    failure: {failure}")
        print(
            f"    duplicates: {result['duplicates']}; numbers stored: {result['stored']} of "
            f"{result['submitted']}; gaps between the lowest and the highest "
            f"number: {result.get('gaps', 0)} (failed submissions roll back and may leave one "
            f"each: {result['failed']})"
        )
        if result["duplicates"] or result["stored"] != result["submitted"]:
            bad = True
        if result["how"] == "service" and result["failed"]:
            bad = True
    if args.json:
        FsPath(args.json).write_text(
            json.dumps({"info": info, "inbox": rows, "submitting": submissions}, indent=2)
        )
        print(f"Wrote {args.json}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
