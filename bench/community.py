"""Community benchmark: a forum topic with 200 replies and an ideas board of 1,000 ideas.

Run from the project root:

    uv run python bench/community.py [--requests 100] [--json F]

The first run builds the data and keeps it for the next runs (about a minute): a tenant
`bench-community` with 60 verified customers, a forum category holding a topic with 200 replies
and one with 20, and an ideas board with 1,000 ideas (100 in the category "Small") and about
6,000 votes. Posts are written through the forum and ideas services (rendering, sanitising,
counters), votes in bulk.

Then it times whole requests through Django's test client (middleware, views, templates), as an
anonymous visitor and as a signed-in customer (who sees their own votes):

- the topic with 200 replies, first and last page (20 replies a page);
- the ideas board sorted by trending, top and new (20 ideas a page), over 1,000 ideas;
- a baseline in the same run: `/healthz`, a bare view through the same middleware.

For each row it prints p50/p95 and the number of database queries, and it compares query counts
between the small and the large data (a topic with 20 replies against 200; the "Small" category
of 100 ideas against all 1,000): the same count means no query per row (no N+1). It asserts
nothing about time; it exits non-zero only if a page does not answer 200.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import statistics
import sys
import time
from pathlib import Path as FsPath

from common import bench_setup, ensure_tenant, percentile, prepare_platform

bench_setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.hashers import make_password  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402
from django_tenants.utils import tenant_context  # noqa: E402

from tenants.models import Tenant  # noqa: E402

SLUG = "bench-community"
CUSTOMERS = 60
BIG_TOPIC_REPLIES = 200
SMALL_TOPIC_REPLIES = 20
IDEAS = 1000
SMALL_CATEGORY_IDEAS = 100
WORDS = [
    "export",
    "invoice",
    "report",
    "dashboard",
    "webhook",
    "calendar",
    "team",
    "permission",
    "backup",
    "mobile",
    "browser",
    "language",
    "template",
    "archive",
    "import",
    "integration",
    "notification",
    "payment",
    "upgrade",
    "search",
]


def sentence(rng: random.Random, words: int = 14) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."


# --- data ---------------------------------------------------------------------------------------


def customers() -> list:
    """CUSTOMERS verified customers who joined a month ago (no new-account limits apply)."""
    from modules.accounts.models import CustomerProfile

    User = get_user_model()
    have = list(User.objects.filter(username__startswith="bench-").order_by("pk"))
    if len(have) >= CUSTOMERS:
        return have
    password = make_password("bench-password-not-secret")
    joined = timezone.now() - timezone.timedelta(days=30)
    User.objects.bulk_create(
        User(
            username=f"bench-{n:03d}@customers.example",
            email=f"bench-{n:03d}@customers.example",
            first_name=f"Customer {n}",
            password=password,
            date_joined=joined,
        )
        for n in range(len(have), CUSTOMERS)
    )
    users = list(User.objects.filter(username__startswith="bench-").order_by("pk"))
    CustomerProfile.objects.bulk_create(
        [CustomerProfile(user=user, email_verified_at=joined) for user in users],
        ignore_conflicts=True,
    )
    return users


def build_forum(users, rng: random.Random) -> dict:
    from modules.forum.models import ForumCategory, Topic
    from modules.forum.services import category_create, reply_create, topic_create

    category = ForumCategory.objects.filter(slug="bench").first() or category_create(
        name="Bench questions", slug="bench"
    )
    topics = {}
    for label, replies in (("big", BIG_TOPIC_REPLIES), ("small", SMALL_TOPIC_REPLIES)):
        title = f"Bench topic ({label}): exporting invoices"
        topic = Topic.objects.filter(title=title).first()
        if topic is None:
            topic = topic_create(
                author=users[0], category=category, title=title, body=sentence(rng, 40)
            )
        for n in range(topic.replies.count(), replies):
            author = users[1 + n % (len(users) - 1)]
            reply_create(author=author, topic=topic, body=f"{sentence(rng)}\n\n{sentence(rng)}")
        topic.refresh_from_db()
        topics[label] = topic
    return topics


def build_ideas(users, rng: random.Random) -> dict:
    from modules.ideas.models import Idea, IdeaCategory, IdeaVote, Status
    from modules.ideas.services import idea_create

    small, _ = IdeaCategory.objects.get_or_create(slug="small", defaults={"name": "Small"})
    large, _ = IdeaCategory.objects.get_or_create(slug="large", defaults={"name": "Large"})
    have = Idea.objects.count()
    for n in range(have, IDEAS):
        idea_create(
            author=users[n % len(users)],
            category=small if n < SMALL_CATEGORY_IDEAS else large,
            title=f"{rng.choice(WORDS).capitalize()} {rng.choice(WORDS)} idea {n}",
            body=sentence(rng, 30),
        )
    if not IdeaVote.objects.exists():
        statuses = list(Status.values)
        ideas = list(Idea.objects.order_by("pk"))
        now = timezone.now()
        votes = []
        for idea in ideas:
            voters = rng.sample(users, rng.randint(0, 12))
            votes.extend(IdeaVote(idea=idea, user=user) for user in voters)
        IdeaVote.objects.bulk_create(votes, ignore_conflicts=True)
        for idea in ideas:
            idea.vote_count = idea.votes.count()
            idea.status = rng.choice(statuses)
            # spread creation over three months, so "trending" and "new" differ from "top"
            idea.created_at = now - timezone.timedelta(hours=rng.randint(0, 24 * 90))
        Idea.objects.bulk_update(ideas, ["vote_count", "status", "created_at"], batch_size=500)
        IdeaVote.objects.update(created_at=now - timezone.timedelta(days=3))
    return {"small": small, "large": large}


def prepare() -> Tenant:
    prepare_platform()
    tenant = ensure_tenant(SLUG, "Bench Community")
    connection.set_schema_to_public()
    with tenant_context(tenant):
        rng = random.Random(SLUG)
        started = time.perf_counter()
        users = customers()
        build_forum(users, rng)
        build_ideas(users, rng)
        elapsed = time.perf_counter() - started
        if elapsed > 1:
            print(f"... data built in {elapsed:.0f} s")
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    connection.set_schema_to_public()
    return tenant


# --- measurement ----------------------------------------------------------------------------------


def measure(client: Client, path: str, requests: int) -> dict:
    samples = []
    for _ in range(3):  # warm: imports, templates, first plans
        client.get(path)
    for _ in range(requests):
        started = time.perf_counter()
        response = client.get(path)
        samples.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{path} answered {response.status_code}")
    with CaptureQueriesContext(connection) as queries:
        client.get(path)
    return {
        "n": requests,
        "p50_ms": round(statistics.median(samples), 2),
        "p95_ms": round(percentile(samples, 0.95), 2),
        "queries": len(queries.captured_queries),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=100, help="per row (default 100)")
    parser.add_argument("--json", metavar="FILE", help="also write the results as JSON")
    args = parser.parse_args()

    tenant = prepare()
    host = tenant.primary_domain
    with tenant_context(tenant):
        from modules.forum.models import Topic

        big = Topic.objects.get(title__startswith="Bench topic (big)")
        small = Topic.objects.get(title__startswith="Bench topic (small)")
        big_path, small_path = big.get_absolute_url(), small.get_absolute_url()
        last_page = math.ceil(big.replies.count() / 20)
        customer = get_user_model().objects.filter(username__startswith="bench-").last()
    connection.set_schema_to_public()

    anonymous = Client(HTTP_HOST=host)
    signed_in = Client(HTTP_HOST=host)
    with tenant_context(tenant):
        signed_in.force_login(customer)
    connection.set_schema_to_public()

    pages = {
        "baseline /healthz": "/healthz",
        "topic, 200 replies, page 1": big_path,
        f"topic, 200 replies, page {last_page}": f"{big_path}?page={last_page}",
        "topic, 20 replies": small_path,
        "ideas, trending (1,000)": "/ideas/",
        "ideas, top (1,000)": "/ideas/?sort=top",
        "ideas, new (1,000)": "/ideas/?sort=new",
        "ideas, Small category (100)": "/ideas/?category=small",
    }
    rows: dict[str, dict] = {}
    for who, client in (("anonymous", anonymous), ("signed in", signed_in)):
        for label, path in pages.items():
            if who == "signed in" and path == "/healthz":
                continue
            rows[f"{label} [{who}]"] = measure(client, path, args.requests)

    print()
    print(f"Tenant {SLUG}: {BIG_TOPIC_REPLIES} replies, {IDEAS} ideas; cores: {os.cpu_count()}")
    print(f"{'row':<48} {'n':>5} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8}")
    for label, row in rows.items():
        print(
            f"{label:<48} {row['n']:>5} {row['p50_ms']:>8} {row['p95_ms']:>8} {row['queries']:>8}"
        )
    base = rows["baseline /healthz [anonymous]"]["p95_ms"]
    checks = []
    for who in ("anonymous", "signed in"):
        topic_small = rows[f"topic, 20 replies [{who}]"]["queries"]
        topic_big = rows[f"topic, 200 replies, page 1 [{who}]"]["queries"]
        ideas_small = rows[f"ideas, Small category (100) [{who}]"]["queries"]
        ideas_big = rows[f"ideas, trending (1,000) [{who}]"]["queries"]
        checks.append((f"topic queries, 20 vs 200 replies [{who}]", topic_small, topic_big))
        checks.append((f"ideas queries, 100 vs 1,000 ideas [{who}]", ideas_small, ideas_big))
    for label, few, many in checks:
        verdict = "same: no query per row" if many <= few else "GROWS with rows"
        print(f"{label}: {few} vs {many} ({verdict})")
    for label in ("topic, 200 replies, page 1 [anonymous]", "ideas, trending (1,000) [anonymous]"):
        print(f"{label} p95 / baseline p95: {rows[label]['p95_ms'] / base:.1f}x")
    if args.json:
        FsPath(args.json).write_text(json.dumps(rows, indent=2))
        print(f"Wrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
