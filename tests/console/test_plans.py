"""The operator console's plans: the list (prices, limits, how many tenants are on each), the edit
form and a new plan. Saving is audited with the fields that changed; bad input is a field error
and stores nothing; only operators reach any of it."""

from __future__ import annotations

import pytest
from django.db import connection

from billing.models import Plan
from tenants.models import AuditLog, TenantStatus
from tests.conftest import TEST_PASSWORD, TenantClient, admin_of, host_of, login_on
from tests.console.conftest import OPERATOR_EMAIL

pytestmark = pytest.mark.django_db


def form_of(plan: Plan, **changes) -> dict:
    data = {
        "name": plan.name,
        "price": f"{plan.price_cents / 100:.2f}",
        "currency": plan.currency,
        "stripe_price_id": plan.stripe_price_id or "",
        "agent_seats": plan.agent_seats,
        "storage_mb": plan.storage_mb,
        "sort_order": plan.sort_order,
        "module_keys": list(plan.modules),
    }
    if not plan.modules:
        data["every_module"] = "on"
    for flag in ("custom_domain", "remove_branding", "api_access", "public"):
        if getattr(plan, flag):
            data[flag] = "on"
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_the_plans_page_lists_prices_limits_and_tenants_on_each(operator_client, tenant_a):
    tenant_a.plan, tenant_a.status = "starter", TenantStatus.ACTIVE
    tenant_a.save(update_fields=["plan", "status"])
    page = operator_client.get("/operator/plans/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'aria-current="page">Plans</a>' in html
    starter = html[html.index('data-plan="starter"') :].split("</tr>", 1)[0]
    assert "29.00 EUR" in starter and "5,000" in starter
    assert "<td data-tenants>1</td>" in starter
    assert "Knowledge base" in starter and "Custom domain" in starter
    pro = html[html.index('data-plan="pro"') :].split("</tr>", 1)[0]
    assert "Every module" in pro and "API" in pro


def test_editing_a_plan_saves_it_and_audits_the_changed_fields(operator_client):
    starter = Plan.objects.get(key="starter")
    page = operator_client.get("/operator/plans/starter/").content.decode()
    assert 'value="29.00"' in page and 'name="key"' in page and "disabled" in page
    response = operator_client.post(
        "/operator/plans/starter/",
        form_of(
            starter,
            price="39.50",
            agent_seats=5,
            stripe_price_id="price_starter_2",
            module_keys=["kb", "faq", "tickets"],
            api_access="on",
            key="hacked",
        ),
    )
    assert response.status_code == 302 and response["Location"] == "/operator/plans/"
    starter.refresh_from_db()
    assert starter.key == "starter"  # the key cannot change
    assert (starter.price_cents, starter.agent_seats, starter.api_access) == (3950, 5, True)
    assert starter.stripe_price_id == "price_starter_2"
    assert starter.modules == ["faq", "kb", "tickets"]
    entry = AuditLog.objects.get(action="plan.changed")
    assert entry.actor == OPERATOR_EMAIL and entry.detail["plan"] == "starter"
    assert entry.detail["changes"]["price_cents"] == [2900, 3950]
    assert entry.detail["changes"]["agent_seats"] == [3, 5]
    assert set(entry.detail["changes"]) == {
        "price_cents",
        "agent_seats",
        "stripe_price_id",
        "modules",
        "api_access",
    }


def test_every_module_is_stored_as_the_empty_list(operator_client):
    starter = Plan.objects.get(key="starter")
    operator_client.post("/operator/plans/starter/", form_of(starter, every_module="on"))
    starter.refresh_from_db()
    assert starter.modules == []


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"stripe_price_id": "price_pro"}, "stripe_price_id", "already exists"),
        ({"agent_seats": "-1"}, "agent_seats", "greater than or equal to 0"),
        ({"storage_mb": "-5"}, "storage_mb", "greater than or equal to 0"),
        ({"price": "-1"}, "price", "greater than or equal to 0"),
        ({"currency": "eu1"}, "currency", "three-letter"),
        ({"module_keys": [], "every_module": None}, "module_keys", "Choose the modules"),
        ({"name": ""}, "name", "required"),
    ],
)
def test_bad_input_is_a_field_error_and_changes_nothing(operator_client, changes, field, message):
    Plan.objects.filter(key="pro").update(stripe_price_id="price_pro")
    starter = Plan.objects.get(key="starter")
    before = {f.name: getattr(starter, f.name) for f in Plan._meta.fields}
    response = operator_client.post("/operator/plans/starter/", form_of(starter, **changes))
    assert response.status_code == 400
    form = response.context["form"]
    assert field in form.errors and message in str(form.errors[field])
    assert f'id="id_{field}' in response.content.decode()
    starter.refresh_from_db()
    assert {f.name: getattr(starter, f.name) for f in Plan._meta.fields} == before
    assert not AuditLog.objects.filter(action="plan.changed").exists()


def test_a_new_plan_is_created_and_audited(operator_client):
    page = operator_client.get("/operator/plans/new/")
    assert page.status_code == 200 and 'name="key"' in page.content.decode()
    data = form_of(
        Plan(name="Business", currency="eur", agent_seats=10, storage_mb=20000, sort_order=25),
        key="business",
        price="59",
        module_keys=["kb", "faq", "tickets", "forum", "ideas"],
        custom_domain="on",
    )
    response = operator_client.post("/operator/plans/new/", data)
    assert response.status_code == 302
    plan = Plan.objects.get(key="business")
    assert plan.price_cents == 5900 and plan.custom_domain and not plan.remove_branding
    assert plan.stripe_price_id is None
    entry = AuditLog.objects.get(action="plan.created")
    assert entry.detail["plan"] == "business" and entry.actor == OPERATOR_EMAIL
    assert "Business" in operator_client.get("/operator/plans/").content.decode()
    # the same key again is a field error
    again = operator_client.post("/operator/plans/new/", data)
    assert again.status_code == 400 and "key" in again.context["form"].errors
    assert Plan.objects.filter(key="business").count() == 1


def test_only_operators_reach_the_plans(platform_client, tenant_a, db):
    from django.contrib.auth import get_user_model

    for url in ("/operator/plans/", "/operator/plans/new/", "/operator/plans/starter/"):
        response = platform_client.get(url)
        assert response.status_code == 302 and "/operator/login/" in response["Location"]
    starter = Plan.objects.get(key="starter")
    response = platform_client.post("/operator/plans/starter/", form_of(starter, price="0"))
    assert response.status_code == 302
    # a signed-in public-schema user who is not an operator
    connection.set_schema_to_public()
    someone = get_user_model().objects.create_user(
        username="someone@example.com", password=TEST_PASSWORD, is_staff=True
    )
    platform_client.force_login(someone)
    assert platform_client.get("/operator/plans/").status_code == 403
    assert (
        platform_client.post("/operator/plans/starter/", form_of(starter, price="0")).status_code
        == 403
    )
    # a tenant's administrator on the tenant's own host: no console there at all
    admin = login_on(TenantClient(host_of(tenant_a)), tenant_a, admin_of(tenant_a))
    assert admin.get("/operator/plans/").status_code == 404
    starter.refresh_from_db()
    assert starter.price_cents == 2900
    assert not AuditLog.objects.filter(action__startswith="plan.").exists()
