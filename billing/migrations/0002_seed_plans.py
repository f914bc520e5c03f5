"""The three plans every installation starts with. Operators change prices, limits and Stripe
price ids afterwards as data."""

from django.db import migrations

PLANS = [
    {
        "key": "free",
        "name": "Free",
        "price_cents": 0,
        "modules": ["kb", "faq"],
        "agent_seats": 1,
        "storage_mb": 500,
        "sort_order": 10,
    },
    {
        "key": "starter",
        "name": "Starter",
        "price_cents": 2900,
        "modules": ["kb", "faq", "tickets", "forum"],
        "agent_seats": 3,
        "storage_mb": 5_000,
        "custom_domain": True,
        "sort_order": 20,
    },
    {
        "key": "pro",
        "name": "Pro",
        "price_cents": 9900,
        "modules": [],  # every module
        "agent_seats": 20,
        "storage_mb": 50_000,
        "custom_domain": True,
        "remove_branding": True,
        "api_access": True,
        "sort_order": 30,
    },
]


def seed(apps, schema_editor):
    Plan = apps.get_model("billing", "Plan")
    for row in PLANS:
        Plan.objects.update_or_create(key=row["key"], defaults=row)


def unseed(apps, schema_editor):
    apps.get_model("billing", "Plan").objects.filter(key__in=[p["key"] for p in PLANS]).delete()


class Migration(migrations.Migration):
    dependencies = [("billing", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
