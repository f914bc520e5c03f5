"""Tickets fixtures: customers, agents of every kind and queues in tenant A."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django_tenants.utils import tenant_context
from guardian.shortcuts import assign_perm

from modules.accounts.models import Organization
from modules.accounts.services import AGENTS, LIGHT_AGENTS
from modules.tickets.models import Queue
from tests.conftest import TenantClient, host_of, login_on, make_customer


def make_staff(email: str, *groups: Group):
    user = make_customer(email)
    for group in groups:
        user.groups.add(group)  # joining a staff role makes them staff (accounts' signal)
    return get_user_model().objects.select_related("customer_profile").get(pk=user.pk)


def fresh(user):
    """The user again, with empty permission caches."""
    return get_user_model().objects.select_related("customer_profile").get(pk=user.pk)


@pytest.fixture
def in_a(tenant_a):
    with tenant_context(tenant_a):
        yield tenant_a


@pytest.fixture
def people_a(in_a):
    """ann and cat work at Acme (cat may see Acme's tickets, ann may not), bob is on his own;
    `agent` answers every queue, `light` only adds notes, `billing_agent` works only the
    Billing queue (through a group with django-guardian object permissions on it)."""
    acme = Organization.objects.create(name="Acme", email_domains=["acme.example"])
    ann = make_customer("ann@acme.example")
    cat = make_customer("cat@acme.example")
    for person, sees in ((ann, False), (cat, True)):
        person.customer_profile.organization = acme
        person.customer_profile.can_see_organization = sees
        person.customer_profile.save()
    billing = Queue.objects.create(name="Billing")
    technical = Queue.objects.create(name="Technical")
    # A team that works tickets (no "see every queue") and is given the Billing queue.
    billing_team = Group.objects.create(name="Billing team")
    billing_team.permissions.add(
        *Permission.objects.filter(codename__in=["access_admin", "manage_tickets", "reply_tickets"])
    )
    assign_perm("tickets.work_queue", billing_team, billing)
    assign_perm("tickets.reply_queue", billing_team, billing)
    return {
        "ann": fresh(ann),
        "bob": make_customer("bob@customer.example"),
        "cat": fresh(cat),
        "acme": acme,
        "agent": make_staff("agent@alpha.example", Group.objects.get(name=AGENTS)),
        "light": make_staff("light@alpha.example", Group.objects.get(name=LIGHT_AGENTS)),
        "billing_agent": make_staff("billing@alpha.example", billing_team),
        "billing": billing,
        "technical": technical,
    }


def client_for(tenant, user) -> TenantClient:
    return login_on(TenantClient(host_of(tenant)), tenant, user)
