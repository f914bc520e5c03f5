"""Rebuild the portal search index tenant by tenant, with progress."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError

from cms.search_reindex import DEFAULT_CHUNK_SIZE, reindex_schema
from tenants.models import Tenant


class Command(BaseCommand):
    help = (
        "Rebuild the search index of the named tenants (--tenant SLUG, repeatable) or of every "
        "schema (--all). Works with the PostgreSQL and the OpenSearch backend."
    )

    def add_arguments(self, parser):
        parser.add_argument("--tenant", action="append", default=[], metavar="SLUG")
        parser.add_argument("--all", action="store_true", help="every tenant, spare and template")
        parser.add_argument("--chunk-size", type=int, default=DEFAULT_CHUNK_SIZE)

    def handle(self, *args, **options):
        slugs, everything = options["tenant"], options["all"]
        if bool(slugs) == everything:
            raise CommandError("Name tenants with --tenant SLUG, or pass --all.")
        schemas = self._schemas(slugs, everything)
        total = len(schemas)
        started = time.monotonic()
        state = {"docs": 0, "done": 0, "label": ""}
        live = self.stdout.isatty()

        def show(final: bool = False) -> None:
            width = 30
            filled = int(width * state["done"] / total) if total else width
            elapsed = max(time.monotonic() - started, 1e-6)
            line = (
                f"[{'#' * filled}{'.' * (width - filled)}] {state['done']}/{total} tenants "
                f"{state['docs']} docs {state['docs'] / elapsed:.0f} docs/s {state['label']}"
            )
            if live:
                self.stdout.write("\r" + line.ljust(100), ending="\n" if final else "")
                self.stdout.flush()
            elif final:
                self.stdout.write(line)

        def on_chunk(count: int) -> None:
            state["docs"] += count
            show()

        for label, schema in schemas:
            state["label"] = label
            show()
            reindex_schema(schema, chunk_size=options["chunk_size"], on_chunk=on_chunk)
            state["done"] += 1
            show(final=True)
        elapsed = time.monotonic() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"Reindexed {total} schemas, {state['docs']} documents in {elapsed:.1f}s."
            )
        )

    def _schemas(self, slugs: list[str], everything: bool) -> list[tuple[str, str]]:
        rows = Tenant.objects.exclude(schema_name="public").filter(deleted_at__isnull=True)
        if everything:
            return [
                (tenant.slug or tenant.schema_name, tenant.schema_name)
                for tenant in rows.order_by("created_at")
            ]
        found = {tenant.slug: tenant.schema_name for tenant in rows.filter(slug__in=slugs)}
        missing = [slug for slug in slugs if slug not in found]
        if missing:
            raise CommandError(f"No such tenant: {', '.join(missing)}")
        return [(slug, found[slug]) for slug in dict.fromkeys(slugs)]
