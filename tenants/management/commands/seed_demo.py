"""Set up the demo: the platform host, an operator, and a tenant `demo` full of sample content.

Idempotent: run again, it keeps what exists and prints the same logins.
"""

import json
import secrets

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection
from django_tenants.utils import tenant_context

from tenants import services
from tenants.models import Tenant


def _credentials() -> dict:
    from config.env import BASE_DIR

    path = BASE_DIR / "var" / "demo_credentials.json"
    if path.exists():
        return json.loads(path.read_text())
    creds = {
        "operator_email": "operator@example.com",
        "operator_password": "op-" + secrets.token_urlsafe(9),
        "admin_email": "admin@demo.example.com",
        "admin_password": "demo-" + secrets.token_urlsafe(9),
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(creds, indent=2))
    path.chmod(0o600)
    return creds


class Command(BaseCommand):
    help = "Create the demo tenant with sample content and a platform operator (idempotent)."

    def handle(self, *args, **options):
        creds = _credentials()
        connection.set_schema_to_public()
        services.platform_ensure()
        call_command(
            "create_operator",
            email=creds["operator_email"],
            password=creds["operator_password"],
            verbosity=0,
        )
        demo = Tenant.objects.filter(slug="demo").first()
        if demo is None:
            result = services.tenant_signup(
                company_name="Demo Company",
                subdomain="demo",
                admin_name="Dana Demo",
                admin_email=creds["admin_email"],
                admin_password=creds["admin_password"],
                actor="seed_demo",
            )
            demo = result.tenant
            with tenant_context(demo):
                from cms.demo import seed_sample_content

                seed_sample_content()
            self.stdout.write(self.style.SUCCESS(f"Created the demo tenant by {result.path}."))
        else:
            self.stdout.write("The demo tenant exists; keeping its data.")
        port = f":{settings.PLATFORM_PORT}" if settings.PLATFORM_PORT else ""
        scheme = settings.PLATFORM_SCHEME
        self.stdout.write("")
        self.stdout.write(f"Platform:        {scheme}://{settings.PLATFORM_DOMAIN}{port}/")
        self.stdout.write(f"Operator console {scheme}://{settings.PLATFORM_DOMAIN}{port}/operator/")
        self.stdout.write(
            f"   login:        {creds['operator_email']} / {creds['operator_password']}"
        )
        self.stdout.write(f"Demo portal:     {demo.portal_url('/')}")
        self.stdout.write(f"Demo admin:      {demo.portal_url('/admin/')}")
        self.stdout.write(f"   login:        {creds['admin_email']} / {creds['admin_password']}")
