"""Forum fixtures: in tenant A, a public category, a signed-in-only one and a private one
(for the "VIP" group), customers who post, and helpers to act as them on A's host."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.contrib.auth.models import Group
from django_tenants.utils import tenant_context

from tests.conftest import TenantClient, host_of, login_on, make_customer, switch_module


def switch_forum(tenant, on: bool) -> None:
    switch_module(tenant, "forum", on)


@dataclass
class Forum:
    tenant: object
    public: object
    members: object
    private: object
    vip: object
    alice: object
    bob: object
    carol: object
    topic: object
    answer: object

    def client(self, user=None) -> TenantClient:
        client = TenantClient(host_of(self.tenant))
        return login_on(client, self.tenant, user) if user is not None else client


@pytest.fixture
def forum_a(tenant_a):
    from modules.forum import services
    from modules.forum.models import Visibility

    with tenant_context(tenant_a):
        vip = Group.objects.create(name="VIP customers")
        public = services.category_create(name="Questions", description="Ask anything.")
        members = services.category_create(
            name="Members lounge", visibility=Visibility.SIGNED_IN, position=2
        )
        private = services.category_create(
            name="Secret beta", visibility=Visibility.GROUPS, groups=[vip], position=3
        )
        alice = make_customer("alice@customer.example", first_name="Alice")
        bob = make_customer("bob@customer.example", first_name="Bob")
        carol = make_customer("carol@customer.example", first_name="Carol")
        topic = services.topic_create(
            author=alice,
            category=public,
            title="How do I export flamingo invoices?",
            body="I need *all* invoices of last year.",
        )
        answer = services.reply_create(
            author=bob, topic=topic, body="Open **Billing** and choose Download all."
        )
    return Forum(tenant_a, public, members, private, vip, alice, bob, carol, topic, answer)
