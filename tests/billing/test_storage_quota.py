"""The plan's storage quota at the upload doors: an admin's document or image that does not fit
is a form error saying where to upgrade; a customer's ticket attachment is refused plainly."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import tenant_context

from billing.models import Plan
from tenants.models import TenantStatus
from tests.conftest import TenantClient, admin_of, host_of, login_on, make_customer

pytestmark = pytest.mark.django_db
MB = 1024 * 1024


@pytest.fixture
def nearly_full(tenant_a):
    """Tenant A on a plan of 1 MB, with 0.9 MB of files already in its media folder."""
    Plan.objects.filter(key="starter").update(storage_mb=1)
    tenant_a.plan, tenant_a.status = "starter", TenantStatus.ACTIVE
    tenant_a.save(update_fields=["plan", "status"])
    folder = Path(settings.MEDIA_ROOT) / tenant_a.schema_name / "quota-test"
    folder.mkdir(parents=True, exist_ok=True)
    existing = folder / "old.bin"
    existing.write_bytes(b"x" * int(0.9 * MB))
    cache.delete(f"billing:storage-used:{tenant_a.schema_name}")
    yield tenant_a
    existing.unlink()
    folder.rmdir()
    cache.delete(f"billing:storage-used:{tenant_a.schema_name}")


def test_an_admin_upload_beyond_the_quota_is_a_form_error(nearly_full):
    from wagtail.documents.models import Document

    tenant = nearly_full
    client = login_on(TenantClient(host_of(tenant)), tenant, admin_of(tenant))
    with tenant_context(tenant):
        before = Document.objects.count()
    big = SimpleUploadedFile("report.txt", b"a" * (200 * 1024), content_type="text/plain")
    response = client.post("/admin/documents/add/", {"title": "Report", "file": big})
    assert response.status_code == 200
    html = response.content.decode()
    assert "does not fit in your plan" in html and "Settings → Billing" in html
    small = SimpleUploadedFile("note.txt", b"a" * (20 * 1024), content_type="text/plain")
    assert client.post("/admin/documents/add/", {"title": "Note", "file": small}).status_code == 302
    with tenant_context(tenant):
        assert Document.objects.count() == before + 1
        Document.objects.filter(title="Note").delete()


def test_a_customers_attachment_beyond_the_quota_is_refused_plainly(nearly_full):
    from modules.tickets import services
    from modules.tickets.models import Ticket

    with tenant_context(nearly_full):
        customer = make_customer("quota@customer.example")
        with pytest.raises(services.TicketError) as error:
            services.ticket_create(
                requester=customer,
                subject="Screenshot",
                description="Attached",
                files=[SimpleUploadedFile("big.txt", b"b" * (200 * 1024))],
            )
        assert "cannot be attached" in str(error.value)
        assert not Ticket.objects.filter(requester=customer).exists()
        # without the file the request goes through
        services.ticket_create(requester=customer, subject="Screenshot", description="x")


def test_a_trial_has_the_largest_quota(tenant_a):
    from cms import limits

    # every plan but pro is tiny: only pro's quota (what a trial gets) lets 2 MB in
    Plan.objects.exclude(key="pro").update(storage_mb=1)
    with tenant_context(tenant_a):  # trialing, on the key "trial" (no row of its own)
        assert limits.storage_refusal(2 * MB) is None
    tenant_a.status = TenantStatus.ACTIVE  # the same tenant once the trial is over
    tenant_a.save(update_fields=["status"])
    cache.delete(f"billing:storage-used:{tenant_a.schema_name}")
    with tenant_context(tenant_a):
        refusal = limits.storage_refusal(2 * MB)
    assert refusal is not None and refusal[0] == 1  # refused against the 1 MB quota


def test_uploads_within_the_same_minute_add_up(tenant_a):
    """The bytes in use are walked once a minute: what the quota let in meanwhile counts too,
    so two files that each fit but not together are not both let in."""
    from cms import limits

    Plan.objects.filter(key="starter").update(storage_mb=1)
    tenant_a.plan, tenant_a.status = "starter", TenantStatus.ACTIVE
    tenant_a.save(update_fields=["plan", "status"])
    cache.delete(f"billing:storage-used:{tenant_a.schema_name}")
    with tenant_context(tenant_a):
        assert limits.storage_refusal(600 * 1024) is None
        assert limits.storage_refusal(600 * 1024) is not None
