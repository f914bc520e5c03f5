"""Custom domains under Settings → Domain: a plan without them explains and links to billing and
stores nothing (the service refuses too); on a plan with them, a claim is pending with its DNS
records until the TXT record holds the token (the DNS is stubbed at its edge,
tenants.domains.resolve_txt), then the portal answers on the domain, can make it primary and
can remove it. One tenant's claims are out of another's reach."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from tenants import domains
from tenants.models import AuditLog, Domain, DomainClaim, TenantStatus
from tests.conftest import TenantClient, admin_of, host_of, login_on, make_customer

pytestmark = pytest.mark.django_db
HOST = "help.alpha-corp.example"


def on_plan(tenant, key: str):
    tenant.plan, tenant.status = key, TenantStatus.ACTIVE
    tenant.save(update_fields=["plan", "status"])
    return tenant


@pytest.fixture
def dns(monkeypatch):
    """The DNS, as the TXT records it holds: {name: [values]}."""
    records: dict[str, list[str]] = {}

    def resolve_txt(name):
        if records.get("__down__"):
            raise domains.DnsUnavailable("timeout")
        return list(records.get(name, []))

    monkeypatch.setattr(domains, "resolve_txt", resolve_txt)
    return records


def admin_client(tenant):
    return login_on(TenantClient(host_of(tenant)), tenant, admin_of(tenant))


def claim_of(tenant, name=HOST) -> DomainClaim:
    connection.set_schema_to_public()
    return DomainClaim.objects.get(tenant=tenant, domain=name)


# --- the door ---------------------------------------------------------------------------------


def test_a_plan_without_custom_domains_explains_links_to_billing_and_adds_nothing(tenant_a):
    on_plan(tenant_a, "free")
    client = admin_client(tenant_a)
    page = client.get("/admin/domain/").content.decode()
    assert "data-domain-upsell" in page
    assert "Custom domains are included in these plans: Starter, Pro." in page
    assert 'href="/admin/billing/"' in page
    assert 'name="domain"' not in page  # no form to add one
    response = client.post("/admin/domain/", {"domain": HOST})
    assert response.status_code == 400
    assert "Custom domains are not included in your plan." in response.content.decode()
    connection.set_schema_to_public()
    assert not DomainClaim.objects.exists()
    with pytest.raises(ValidationError):
        domains.domain_claim_create(tenant=tenant_a, domain=HOST, actor="someone")


def test_only_the_portals_administrators_see_the_domain_page(tenant_a):
    from django_tenants.utils import tenant_context

    from modules.accounts.services import AGENTS, staff_roles_ensure

    on_plan(tenant_a, "starter")
    with tenant_context(tenant_a):
        staff_roles_ensure()
        agent = make_customer("agent@alpha.example")
        from django.contrib.auth.models import Group

        agent.groups.add(Group.objects.get(name=AGENTS))
    client = login_on(TenantClient(host_of(tenant_a)), tenant_a, agent)
    # Wagtail turns the refusal into a redirect to the dashboard with its "no permission" message
    refused = client.get("/admin/domain/")
    assert refused.status_code == 302 and refused["Location"] == "/admin/"
    assert client.post("/admin/domain/", {"domain": HOST}).status_code == 302
    connection.set_schema_to_public()
    assert not DomainClaim.objects.exists()


# --- claim, check, serve ----------------------------------------------------------------------


def test_a_claim_is_pending_with_its_dns_records_until_the_txt_record_holds_the_token(
    tenant_a, dns
):
    on_plan(tenant_a, "starter")
    client = admin_client(tenant_a)
    response = client.post("/admin/domain/", {"domain": "  https://Help.Alpha-Corp.example./x "})
    assert response.status_code == 302
    claim = claim_of(tenant_a)
    page = client.get("/admin/domain/").content.decode()
    assert "Pending" in page
    assert f"_portal-verify.{HOST}" in page and claim.token in page
    assert domains.platform_host(tenant_a) in page  # the CNAME's target
    assert domains.platform_host(tenant_a) == host_of(tenant_a)
    # nothing serves it yet
    assert not Domain.objects.filter(domain=HOST).exists()
    assert TenantClient(HOST).get("/").status_code == 404

    client.post(f"/admin/domain/{claim.pk}/check/")
    claim.refresh_from_db()
    assert claim.verified_at is None and "No TXT record" in claim.last_error
    assert "No TXT record was found" in client.get("/admin/domain/").content.decode()

    dns[f"_portal-verify.{HOST}"] = ["something-else"]
    client.post(f"/admin/domain/{claim.pk}/check/")
    claim.refresh_from_db()
    assert claim.verified_at is None and "does not hold the code" in claim.last_error

    dns[f"_portal-verify.{HOST}"] = ["v=other", claim.token]
    response = client.post(f"/admin/domain/{claim.pk}/check/", follow=True)
    assert "is verified" in response.content.decode()
    claim.refresh_from_db()
    assert claim.verified_at is not None
    row = Domain.objects.get(domain=HOST)
    assert row.tenant_id == tenant_a.pk and row.is_custom and not row.is_primary
    actions = set(AuditLog.objects.filter(tenant=tenant_a).values_list("action", flat=True))
    assert {"tenant.domain.claimed", "tenant.domain.verified"} <= actions

    # the portal answers on the custom domain, with the tenant's own home page
    home = TenantClient(HOST).get("/")
    assert home.status_code == 200
    assert tenant_a.name in home.content.decode()


def test_the_dns_being_unreachable_is_said_plainly(tenant_a, dns):
    on_plan(tenant_a, "starter")
    claim = domains.domain_claim_create(tenant=tenant_a, domain=HOST, actor="admin")
    dns["__down__"] = ["yes"]
    client = admin_client(tenant_a)
    response = client.post(f"/admin/domain/{claim.pk}/check/", follow=True)
    assert "could not be reached" in response.content.decode()
    claim.refresh_from_db()
    assert claim.verified_at is None


def test_a_verified_domain_becomes_primary_and_is_removed_again(tenant_a, dns):
    on_plan(tenant_a, "starter")
    own = host_of(tenant_a)
    claim = domains.domain_claim_create(tenant=tenant_a, domain=HOST, actor="admin")
    dns[claim.verify_name] = [claim.token]
    assert domains.domain_claim_check(tenant=tenant_a, claim=claim, actor="admin")
    client = admin_client(tenant_a)
    assert client.post("/admin/domain/primary/", {"domain": HOST}).status_code == 302
    connection.set_schema_to_public()
    tenant_a.refresh_from_db()
    assert tenant_a.primary_domain == HOST
    link = tenant_a.portal_url("/kb/")
    assert link.startswith(f"http://{HOST}") and link.endswith("/kb/")
    page = client.get("/admin/domain/").content.decode()
    assert "Primary" in page

    assert client.post(f"/admin/domain/{claim.pk}/remove/").status_code == 302
    connection.set_schema_to_public()
    assert not Domain.objects.filter(domain=HOST).exists()
    assert not DomainClaim.objects.filter(domain=HOST).exists()
    tenant_a.refresh_from_db()
    assert tenant_a.primary_domain == own
    assert AuditLog.objects.filter(tenant=tenant_a, action="tenant.domain.removed").exists()
    assert TenantClient(HOST).get("/").status_code == 404


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("not a domain", "Enter a domain name"),
        ("localhost", "Enter a domain name"),
        ("10.0.0.1", "Enter a domain name"),
        ("-bad-.example.com", "Enter a domain name"),
        ("evil.localhost", "are the platform"),
        ("www.alpha-corp.example", "Leave out"),
        ("", "Enter a domain"),
    ],
)
def test_bad_domains_are_form_errors_and_store_nothing(tenant_a, typed, message):
    on_plan(tenant_a, "starter")
    response = admin_client(tenant_a).post("/admin/domain/", {"domain": typed})
    assert response.status_code == 400
    assert message in response.content.decode()
    connection.set_schema_to_public()
    assert not DomainClaim.objects.exists()


def test_an_internationalised_domain_is_stored_in_its_ascii_form(tenant_a):
    on_plan(tenant_a, "starter")
    claim = domains.domain_claim_create(tenant=tenant_a, domain="hilfe.bücher.example", actor="a")
    assert claim.domain == "hilfe.xn--bcher-kva.example"


# --- isolation --------------------------------------------------------------------------------


def test_a_domain_claimed_by_a_cannot_be_claimed_by_b(tenant_a, tenant_b):
    on_plan(tenant_a, "starter")
    on_plan(tenant_b, "pro")
    domains.domain_claim_create(tenant=tenant_a, domain=HOST, actor="a")
    response = admin_client(tenant_b).post("/admin/domain/", {"domain": HOST})
    assert response.status_code == 400
    assert "already used by another portal" in response.content.decode()
    # nor another portal's own address
    response = admin_client(tenant_b).post("/admin/domain/", {"domain": host_of(tenant_a)})
    assert response.status_code == 400
    connection.set_schema_to_public()
    assert list(DomainClaim.objects.values_list("tenant_id", flat=True)) == [tenant_a.pk]


def test_bs_admin_cannot_see_check_promote_or_remove_as_claims(tenant_a, tenant_b, dns):
    on_plan(tenant_a, "starter")
    on_plan(tenant_b, "pro")
    claim = domains.domain_claim_create(tenant=tenant_a, domain=HOST, actor="a")
    dns[claim.verify_name] = [claim.token]
    client_b = admin_client(tenant_b)
    page = client_b.get("/admin/domain/").content.decode()
    assert HOST not in page and claim.token not in page
    assert client_b.post(f"/admin/domain/{claim.pk}/check/").status_code == 404
    assert client_b.post(f"/admin/domain/{claim.pk}/remove/").status_code == 404
    connection.set_schema_to_public()
    claim.refresh_from_db()
    assert claim.verified_at is None
    # once A's domain is verified, B cannot make it its primary either
    domains.domain_claim_check(tenant=tenant_a, claim=claim, actor="a")
    assert client_b.post("/admin/domain/primary/", {"domain": HOST}).status_code == 404
    connection.set_schema_to_public()
    assert Domain.objects.get(domain=HOST).tenant_id == tenant_a.pk
    assert DomainClaim.objects.filter(pk=claim.pk).exists()
