"""Sign a company up from the command line: the same service the signup form and API use."""

import getpass
import sys

from django.core.management.base import BaseCommand, CommandError

from tenants import services


class Command(BaseCommand):
    help = "Create a tenant (company), its portal and its admin, and start its trial."

    def add_arguments(self, parser):
        parser.add_argument("--company", required=True, help="Company name")
        parser.add_argument("--subdomain", required=True, help="Portal subdomain (slug)")
        parser.add_argument("--admin-name", required=True)
        parser.add_argument("--admin-email", required=True)
        group = parser.add_mutually_exclusive_group()
        group.add_argument("--password", help="Admin password (visible in process lists)")
        group.add_argument(
            "--password-stdin", action="store_true", help="Read the admin password from stdin"
        )
        parser.add_argument(
            "--path",
            choices=["pool", "clone", "migrate"],
            help="Force one provisioning path (default: fastest available)",
        )

    def handle(self, *args, **options):
        if options["password_stdin"]:
            password = sys.stdin.readline().rstrip("\n")
        elif options["password"]:
            password = options["password"]
        else:
            password = getpass.getpass("Admin password: ")
        paths = (options["path"],) if options["path"] else ("pool", "clone", "migrate")
        try:
            result = services.tenant_signup(
                company_name=options["company"],
                subdomain=options["subdomain"],
                admin_name=options["admin_name"],
                admin_email=options["admin_email"],
                admin_password=password,
                actor="cli",
                paths=paths,
            )
        except services.SignupError as exc:
            lines = [f"  {field}: {' '.join(msgs)}" for field, msgs in exc.errors.items()]
            raise CommandError("Signup refused:\n" + "\n".join(lines)) from exc
        tenant = result.tenant
        self.stdout.write(
            self.style.SUCCESS(f"Created {tenant.name} ({tenant.schema_name}) by {result.path}")
        )
        self.stdout.write(f"  portal:      {result.portal_url}")
        self.stdout.write(f"  admin:       {result.admin_url}")
        self.stdout.write(f"  trial ends:  {tenant.trial_ends_at:%Y-%m-%d %H:%M %Z}")
