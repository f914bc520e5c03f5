"""FAQ fixtures: a published FAQ in tenant A with two groups of questions."""

import pytest
from django_tenants.utils import tenant_context

from cms.models import HomePage, ModuleSettings
from modules.faq.pages import FaqIndexPage
from modules.faq.services import faq_group_create

BILLING = [
    ("How do I change my card?", "<p>Open <b>Billing</b> and choose <i>Change card</i>.</p>"),
    ("Can I get a refund?", "<p>Yes, within 30 days of the flamingo purchase.</p>"),
    ("Do you send invoices?", "<p>Every month, by email.</p>"),
]
ACCOUNT = [("How do I reset my password?", "<p>Use the <code>Forgot password</code> link.</p>")]


def switch_faq(tenant, on: bool) -> None:
    with tenant_context(tenant):
        row = ModuleSettings.load()
        row.switches = {**(row.switches or {}), "faq": on}
        row.save()


@pytest.fixture
def faq_a(tenant_a):
    """(index, billing group, account group) published in tenant A at /faq/…"""
    with tenant_context(tenant_a):
        # every portal is furnished with an empty FAQ index at /faq/; give it the test's content
        index = FaqIndexPage.objects.child_of(HomePage.objects.get()).get()
        index.title, index.intro = "FAQ", "Quick answers."
        index.save_revision().publish()
        billing = faq_group_create(
            index=index, title="Billing", intro="Cards, refunds, invoices.", questions=BILLING
        )
        account = faq_group_create(index=index, title="Your account", questions=ACCOUNT)
    return index, billing, account
