"""Ideas fixtures: customers and staff in tenant A (and B), and a helper to switch the module."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django_tenants.utils import tenant_context

from tests.conftest import (
    TenantClient,
    host_of,
    login_on,
    make_customer,
    switch_module,
)


def make_manager(email: str):
    """A staff member with the 'manage ideas' permission (and no other rights)."""
    user = make_customer(email, is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="manage_ideas"))
    return get_user_model().objects.get(pk=user.pk)  # fresh permission cache


def switch_ideas(tenant, on: bool) -> None:
    switch_module(tenant, "ideas", on)


@pytest.fixture
def in_a(tenant_a):
    """The test body runs in tenant A's schema."""
    with tenant_context(tenant_a):
        yield tenant_a


@pytest.fixture
def people_a(tenant_a):
    """Customers ann, bob and cat, a manager (staff with the ideas permission) and a plain
    staff member without it, all in tenant A."""
    with tenant_context(tenant_a):
        return {
            "ann": make_customer("ann@customer.example"),
            "bob": make_customer("bob@customer.example"),
            "cat": make_customer("cat@customer.example"),
            "manager": make_manager("pm@alpha.example"),
            "staff": make_customer("agent@alpha.example", is_staff=True),
        }


def client_for(tenant, user) -> TenantClient:
    return login_on(TenantClient(host_of(tenant)), tenant, user)
