"""Migrate the public schema and then every tenant, spare and template schema, with progress,
and make sure the platform host exists. Each portal then gets the starting pages of modules it
has not been furnished with yet (cms.setup.furnish_modules): a module added by an upgrade appears
in existing portals."""

import time

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection
from django_tenants.utils import schema_context

from cms.setup import furnish_modules
from tenants.models import Tenant
from tenants.services import platform_ensure


class Command(BaseCommand):
    help = "Migrate all schemas (public first, then each tenant) and show progress."

    def handle(self, *args, **options):
        started = time.monotonic()
        self.stdout.write("Migrating the public schema…")
        call_command("migrate_schemas", shared=True, interactive=False, verbosity=0)
        platform_ensure()  # the platform host's own row and domain
        schemas = list(
            Tenant.objects.exclude(schema_name="public")
            .order_by("created_at")
            .values_list("schema_name", flat=True)
        )
        total = len(schemas)
        for done, schema in enumerate(schemas, start=1):
            call_command(
                "migrate_schemas",
                tenant=True,
                schema_name=schema,
                interactive=False,
                verbosity=0,
            )
            with schema_context(schema):
                furnish_modules()
            connection.set_schema_to_public()
            width = 30
            filled = int(width * done / total)
            elapsed = time.monotonic() - started
            self.stdout.write(
                f"[{'#' * filled}{'.' * (width - filled)}] {done}/{total} {schema} ({elapsed:.0f}s)"
            )
        self.stdout.write(self.style.SUCCESS(f"Migrated {total} tenant schemas."))
