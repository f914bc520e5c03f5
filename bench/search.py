"""Search benchmark: portal search and as-you-type suggestions over 10,000 articles in one
tenant, with 100 other tenants in the same database.

Run from the project root:

    uv run python bench/search.py [--articles 10000] [--tenants 100] [--queries 200] [--json F]

The first run builds the data and keeps it for the next runs (a few minutes): a tenant
`bench-search` whose knowledge base holds `--articles` articles in 20 sections (pages written
with treebeard's add_child, live without revisions, then indexed in bulk by the search
backend, `cms.search_reindex.reindex_schema`), and `--tenants` tenants `bench-search-NNN`
(provisioned through the spare pool or by cloning the template, as signups are) with three
articles each that use the same words.

Then it times, over `--queries` realistic queries (single words, two words, typos, Russian):

- `portal_search()` called directly with an anonymous request of the tenant;
- `GET /search/?q=` through Django's test client (the whole request: middleware, search, the
  results page);
- `GET /search/suggest/?q=` with prefixes of 2 to 6 characters (as-you-type);
- a baseline in the same run: `Page.objects.filter(title__icontains=q)[:10]`.

It prints p50/p95 per row and the targets (search p95 < 50 ms, suggestions p95 < 30 ms) as
PASS/MISS, and the ratio of search p95 to the baseline's. It asserts nothing about time.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import statistics
import sys
import time
from pathlib import Path as FsPath

from common import bench_setup, ensure_tenant, prepare_platform, summarise

bench_setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth.models import AnonymousUser  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models.signals import post_save  # noqa: E402
from django.test import Client, RequestFactory  # noqa: E402
from django.utils import timezone  # noqa: E402
from django_tenants.utils import tenant_context  # noqa: E402

from tenants import provisioning  # noqa: E402
from tenants.models import Tenant  # noqa: E402

SLUG = "bench-kb"  # the tenant searched (its data shape is DATA_VERSION's)
OTHERS = "bench-search"  # prefix of the other tenants' slugs
TARGET_SEARCH_P95_MS = 50
TARGET_SUGGEST_P95_MS = 30
SECTIONS = 20

# Vocabulary of a help centre, English and Russian, so every query has matches to rank.
WORDS_EN = [
    "invoice",
    "password",
    "account",
    "billing",
    "refund",
    "subscription",
    "export",
    "import",
    "report",
    "dashboard",
    "integration",
    "webhook",
    "notification",
    "email",
    "calendar",
    "payment",
    "card",
    "address",
    "team",
    "invite",
    "permission",
    "role",
    "security",
    "backup",
    "download",
    "upload",
    "language",
    "timezone",
    "mobile",
    "browser",
    "printer",
    "license",
    "upgrade",
    "trial",
    "cancel",
    "delete",
    "archive",
    "search",
    "filter",
    "template",
    "contract",
]
WORDS_RU = [
    "счёт",
    "пароль",
    "аккаунт",
    "оплата",
    "возврат",
    "подписка",
    "экспорт",
    "импорт",
    "отчёт",
    "уведомление",
    "почта",
    "календарь",
    "карта",
    "адрес",
    "команда",
    "приглашение",
    "доступ",
    "безопасность",
    "загрузка",
    "язык",
]
VERBS = [
    "set",
    "up",
    "change",
    "reset",
    "find",
    "create",
    "remove",
    "connect",
    "share",
    "restore",
    "update",
]
TYPOS = {
    "password": "pasword",
    "invoice": "invocie",
    "subscription": "subscribtion",
    "notification": "notifcation",
    "calendar": "calender",
    "integration": "intergration",
    "security": "securty",
    "language": "langauge",
    "address": "adress",
    "permission": "permision",
}


# --- data ---------------------------------------------------------------------------------------


SYLLABLES_EN = [c + v for c in "bdklmnprstv" for v in "aeiou"]
SYLLABLES_RU = [c + v for c in "бдклмнпрст" for v in "аеиоу"]
FILLER_WORDS = 6000


def _filler(syllables: list[str]) -> tuple[list[str], list[float]]:
    """A made-up vocabulary of FILLER_WORDS words and Zipf weights for it: the ordinary words
    of articles, a few very common and most rare, as in real text."""
    rng = random.Random(len(syllables))
    words: list[str] = []
    seen: set[str] = set()
    while len(words) < FILLER_WORDS:
        word = "".join(rng.choice(syllables) for _ in range(rng.randint(2, 4)))
        if word not in seen:
            seen.add(word)
            words.append(word)
    return words, [1 / (rank**1.07) for rank in range(1, FILLER_WORDS + 1)]


FILLER = {"en": _filler(SYLLABLES_EN), "ru": _filler(SYLLABLES_RU)}


def article_text(rng: random.Random, n: int) -> tuple[str, str, list]:
    """An article about two help-centre topics: the topics in the title and several times in
    the body, a few other help-centre words mentioned once, and ~140 ordinary words (Zipf).
    So a query for a help-centre word matches a realistic share of the articles (about one in
    ten), not nearly all of them."""
    russian = n % 5 == 0
    words = WORDS_RU if russian else WORDS_EN
    filler, weights = FILLER["ru" if russian else "en"]
    topic, other = rng.sample(words, 2)
    if russian:
        title = f"Как изменить {topic}: {other} ({n})"
    else:
        title = f"How to {rng.choice(VERBS)} your {topic} and {other} ({n})"
    mentions = [topic] * 3 + [other] * 2 + rng.sample(words, 3)
    sentences = []
    for _ in range(10):
        sentence = rng.choices(filler, weights=weights, k=14)
        if mentions:
            sentence[rng.randrange(len(sentence))] = mentions.pop()
        sentences.append(" ".join(sentence).capitalize() + ".")
    body = [
        ("heading", {"level": "2", "text": topic.capitalize()}),
        ("paragraph", "<p>" + " ".join(sentences[:5]) + "</p>"),
        ("heading", {"level": "2", "text": other.capitalize()}),
        ("paragraph", "<p>" + " ".join(sentences[5:]) + "</p>"),
    ]
    return title, sentences[0], body


def add_articles(section, count: int, rng: random.Random, start: int = 0) -> None:
    """Append `count` live articles under `section`, building treebeard paths here instead of
    asking for the last child on every insert (add_child's way), and saving without full_clean
    (the slugs are unique by construction)."""
    from modules.kb.pages import ArticlePage

    now = timezone.now()
    last = section.get_last_child()
    position = ArticlePage._str2int(last.path[-ArticlePage.steplen :]) if last else 0
    depth = section.depth + 1
    for n in range(start, start + count):
        position += 1
        title, summary, body = article_text(rng, n)
        slug = f"a-{n}"
        article = ArticlePage(
            title=title,
            draft_title=title,
            slug=slug,
            summary=summary,
            body=body,
            live=True,
            has_unpublished_changes=False,
            first_published_at=now,
            last_published_at=now,
            path=ArticlePage._get_path(section.path, depth, position),
            depth=depth,
            numchild=0,
            url_path=f"{section.url_path}{slug}/",
            locale_id=section.locale_id,
        )
        article.save(clean=False)
    type(section).objects.filter(pk=section.pk).update(
        numchild=ArticlePage.objects.child_of(section).count()
    )


def furnish_tenant(tenant: Tenant, articles: int, *, progress: bool) -> None:
    """Articles in the tenant's KB (only the missing ones), then the search index."""
    from modelsearch.signal_handlers import post_save_signal_handler

    from cms.search_reindex import reindex_schema
    from modules.kb.pages import ArticlePage, CategoryPage, KnowledgeBasePage, SectionPage

    with tenant_context(tenant):
        have = ArticlePage.objects.count()
        if have >= articles:
            return
        rng = random.Random(tenant.slug)
        kb = KnowledgeBasePage.objects.get()
        category = CategoryPage.objects.filter(slug="bench").first()
        if category is None:
            category = kb.add_child(instance=CategoryPage(title="Help topics", slug="bench"))
        sections = list(SectionPage.objects.child_of(category).order_by("path"))
        for s in range(len(sections), min(SECTIONS, articles)):
            sections.append(
                category.add_child(instance=SectionPage(title=f"Topic {s}", slug=f"topic-{s}"))
            )
        # Index once at the end, in bulk, rather than row by row on every save.
        post_save.disconnect(post_save_signal_handler, sender=ArticlePage)
        started = time.perf_counter()
        try:
            per_section = math.ceil(articles / len(sections))
            for index, section in enumerate(sections):
                existing = ArticlePage.objects.child_of(section).count()
                wanted = min(per_section, articles - index * per_section)
                if wanted > existing:
                    section.refresh_from_db()
                    add_articles(
                        section, wanted - existing, rng, start=index * per_section + existing
                    )
                if progress:
                    done = ArticlePage.objects.count()
                    rate = (done - have) / (time.perf_counter() - started)
                    print(f"\r    {done} articles ({rate:.0f}/s)", end="", flush=True)
        finally:
            post_save.connect(post_save_signal_handler, sender=ArticlePage)
        if progress:
            print()
        reindex_schema(tenant.schema_name)


def _outdated(schema: str) -> bool:
    """Whether `schema` lacks a migration the code has (a module added since the data was
    built): then every schema is migrated, as a deploy would."""
    from django.db.migrations.executor import MigrationExecutor
    from django_tenants.utils import schema_context

    with schema_context(schema):
        executor = MigrationExecutor(connection)
        return bool(executor.migration_plan(executor.loader.graph.leaf_nodes()))


def prepare(articles: int, tenants: int) -> Tenant:
    prepare_platform()
    existing = Tenant.objects.filter(slug=SLUG).first()
    if existing is not None and _outdated(existing.schema_name):
        print("... the data predates some migrations: migrating every schema")
        call_command("migrate_tenants")
        connection.set_schema_to_public()
    others = [f"{OTHERS}-{n:03d}" for n in range(tenants)]
    missing = Tenant.objects.filter(slug__in=others).count()
    missing = tenants - missing
    if missing:
        print(f"... filling the spare pool with {missing} schemas (cloned from the template)")
        provisioning.refill_pool(missing)
    for n, slug in enumerate(others):
        tenant = ensure_tenant(slug, f"Bench Search {n:03d}")
        connection.set_schema_to_public()
        furnish_tenant(tenant, 3, progress=False)
        connection.set_schema_to_public()
        print(f"\r... other tenants: {n + 1}/{tenants}", end="", flush=True)
    print()
    tenant = ensure_tenant(SLUG, "Bench Search")
    connection.set_schema_to_public()
    print(f"... {articles} articles in {SLUG}")
    furnish_tenant(tenant, articles, progress=True)
    with tenant_context(tenant), connection.cursor() as cursor:
        # What autovacuum does soon after a bulk load: planner statistics, and the search
        # index's GIN pending lists merged (until then every query scans them).
        cursor.execute("VACUUM ANALYZE wagtailsearch_indexentry, wagtailcore_page")
    connection.set_schema_to_public()
    return tenant


# --- queries --------------------------------------------------------------------------------------


def make_queries(count: int) -> list[str]:
    rng = random.Random(42)
    queries: list[str] = []
    kinds = ("word", "two", "typo", "ru", "phrase")
    while len(queries) < count:
        kind = kinds[len(queries) % len(kinds)]
        if kind == "word":
            queries.append(rng.choice(WORDS_EN))
        elif kind == "two":
            queries.append(" ".join(rng.sample(WORDS_EN, 2)))
        elif kind == "typo":
            queries.append(rng.choice(list(TYPOS.values())))
        elif kind == "ru":
            queries.append(rng.choice(WORDS_RU))
        else:
            queries.append(f"{rng.choice(VERBS)} {rng.choice(WORDS_EN)}")
    return queries


def prefixes(queries: list[str]) -> list[str]:
    rng = random.Random(7)
    return [q[: rng.randint(2, min(6, len(q)))] for q in queries]


def timed(fn, items) -> list[float]:
    samples = []
    for item in items:
        started = time.perf_counter()
        fn(item)
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def measure(tenant: Tenant, queries: list[str]) -> tuple[dict, dict]:
    from wagtail.models import Page

    from cms.search import portal_search

    factory = RequestFactory()
    host = tenant.primary_domain
    client = Client(HTTP_HOST=host)
    hits: dict[str, int] = {}

    def direct(query: str) -> None:
        request = factory.get("/search/", {"q": query}, HTTP_HOST=host)
        request.tenant = tenant
        request.user = AnonymousUser()
        request.session = {}
        with tenant_context(tenant):
            hits[query] = sum(portal_search(query, request).counts.values())

    def http_search(query: str) -> None:
        response = client.get("/search/", {"q": query})
        assert response.status_code == 200, response.status_code

    def http_suggest(prefix: str) -> None:
        response = client.get("/search/suggest/", {"q": prefix})
        assert response.status_code == 200, response.status_code

    def baseline(query: str) -> None:
        with tenant_context(tenant):
            list(Page.objects.filter(title__icontains=query).live()[:10])

    for warm in queries[:5]:  # imports, connection, first plans
        direct(warm)
        http_search(warm)
    rows = {
        "portal_search() direct": summarise(timed(direct, queries)),
        "GET /search/?q=": summarise(timed(http_search, queries)),
        "GET /search/suggest/?q=": summarise(timed(http_suggest, prefixes(queries))),
        "baseline title__icontains": summarise(timed(baseline, queries)),
    }
    no_hits = [q for q, n in hits.items() if not n]
    # The shape of the data: how many of the tenant's articles each query matches (untimed).
    from wagtail.search.backends import get_search_backend

    from modules.kb.pages import ArticlePage

    with tenant_context(tenant):
        backend = get_search_backend()
        matching = [
            backend.search(q, ArticlePage.objects.live(), operator="or").count()
            for q in sorted(set(queries))
        ]
    return rows, {
        "queries_without_results": no_hits,
        "articles_matching_median": statistics.median(matching),
        "articles_matching_max": max(matching),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--tenants", type=int, default=100, help="other tenants (default 100)")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--json", metavar="FILE", help="also write the results as JSON")
    args = parser.parse_args()

    started = time.perf_counter()
    tenant = prepare(args.articles, args.tenants)
    connection.close()
    queries = make_queries(args.queries)
    rows, extra = measure(tenant, queries)
    with tenant_context(tenant):
        from modules.kb.pages import ArticlePage

        article_count = ArticlePage.objects.count()
    connection.set_schema_to_public()
    tenant_count = Tenant.objects.count()

    print()
    print(
        f"{article_count} articles in {SLUG}; {tenant_count} tenant rows in the database; "
        f"{len(queries)} queries; search backend "
        f"{settings.WAGTAILSEARCH_BACKENDS['default']['BACKEND']}"
    )
    print(f"{'row':<28} {'n':>5} {'p50 ms':>8} {'p95 ms':>8} {'mean ms':>8}")
    for label, row in rows.items():
        print(
            f"{label:<28} {row['n']:>5} {row['p50_ms']:>8} {row['p95_ms']:>8} {row['mean_ms']:>8}"
        )
    search_p95 = rows["portal_search() direct"]["p95_ms"]
    http_p95 = rows["GET /search/?q="]["p95_ms"]
    suggest_p95 = rows["GET /search/suggest/?q="]["p95_ms"]
    base_p95 = rows["baseline title__icontains"]["p95_ms"]
    verdict = {True: "PASS", False: "MISS"}
    print(
        f"target: search p95 < {TARGET_SEARCH_P95_MS} ms: "
        f"direct {verdict[search_p95 < TARGET_SEARCH_P95_MS]}, "
        f"HTTP {verdict[http_p95 < TARGET_SEARCH_P95_MS]}"
    )
    print(
        f"target: suggestions p95 < {TARGET_SUGGEST_P95_MS} ms: "
        f"{verdict[suggest_p95 < TARGET_SUGGEST_P95_MS]}"
    )
    print(f"search p95 / baseline p95: {search_p95 / base_p95:.1f}x" if base_p95 else "")
    print(
        f"articles matching a query: median {extra['articles_matching_median']:.0f}, "
        f"max {extra['articles_matching_max']} (of {article_count})"
    )
    if extra["queries_without_results"]:
        print(
            f"queries without results: {len(set(extra['queries_without_results']))} distinct: "
            + ", ".join(sorted(set(extra["queries_without_results"]))[:15])
        )
    print(f"total {time.perf_counter() - started:.0f} s")
    if args.json:
        FsPath(args.json).write_text(
            json.dumps({"rows": rows, **extra}, indent=2, ensure_ascii=False)
        )
        print(f"Wrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
