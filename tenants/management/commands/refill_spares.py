from django.core.management.base import BaseCommand

from tenants.provisioning import refill_pool


class Command(BaseCommand):
    help = (
        "Create/update the template schema, migrate stale spare schemas and top the pool up "
        "to SPARE_SCHEMAS (or --target) pre-migrated spares."
    )

    def add_arguments(self, parser):
        parser.add_argument("--target", type=int, default=None)

    def handle(self, *args, **options):
        def progress(done, total, message):
            width = 30
            filled = int(width * done / total) if total else width
            self.stdout.write(f"[{'#' * filled}{'.' * (width - filled)}] {done}/{total} {message}")

        report = refill_pool(options["target"], progress=progress)
        self.stdout.write(self.style.SUCCESS(f"Spare pool: {report}"))
