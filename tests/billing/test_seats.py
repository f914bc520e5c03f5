"""The plan's agent seats at every door that makes someone staff: the admin's user create and edit
forms (a role or administrator rights), and the users list's bulk "Assign role" and "Set active
state". A full plan refuses with a form error that says so and links to the billing page, and
nothing is stored; removing roles and editing people who hold a seat always work; another
tenant's plan changes nothing here."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django_tenants.utils import tenant_context

from billing.models import Plan
from billing.usage import seats_used, support_username
from tenants.models import TenantStatus
from tests.conftest import TEST_PASSWORD, TenantClient, admin_of, host_of, login_on, make_customer

pytestmark = pytest.mark.django_db
FULL = "Your plan includes 2 agent seats and all are in use."
User = get_user_model()


def on_plan(tenant, key: str, **limits):
    if limits:
        Plan.objects.filter(key=key).update(**limits)
    tenant.plan, tenant.status = key, TenantStatus.ACTIVE
    tenant.save(update_fields=["plan", "status"])
    return tenant


def agent(email: str, *, active: bool = True):
    """A staff member of the current schema in the Agents role."""
    from modules.accounts.services import AGENTS, staff_roles_ensure

    staff_roles_ensure()
    user = make_customer(email)
    user.groups.add(Group.objects.get(name=AGENTS))
    if not active:
        User.objects.filter(pk=user.pk).update(is_active=False)
    return User.objects.get(pk=user.pk)


@pytest.fixture
def full_a(tenant_a):
    """Tenant A on Starter with 2 seats, both taken (its administrator and one agent)."""
    on_plan(tenant_a, "starter", agent_seats=2)
    with tenant_context(tenant_a):
        agent("first.agent@alpha.example")
        assert seats_used() == 2
    return tenant_a


def admin_client(tenant):
    return login_on(TenantClient(host_of(tenant)), tenant, admin_of(tenant))


def agents_group_id(tenant) -> int:
    from modules.accounts.services import AGENTS, staff_roles_ensure

    with tenant_context(tenant):
        staff_roles_ensure()
        return Group.objects.get(name=AGENTS).pk


def new_user(groups=(), **extra) -> dict:
    return {
        "username": "new.agent@alpha.example",
        "email": "new.agent@alpha.example",
        "first_name": "New",
        "last_name": "Agent",
        "password1": TEST_PASSWORD,
        "password2": TEST_PASSWORD,
        "groups": list(groups),
        **extra,
    }


def edited(user, groups=(), **extra) -> dict:
    data = {
        "username": user.username,
        "email": user.email,
        "first_name": user.first_name or "First",
        "last_name": user.last_name or "Last",
        "is_active": "on" if user.is_active else "",
        "groups": list(groups),
        **extra,
    }
    return {key: value for key, value in data.items() if value != ""}


# --- the create form --------------------------------------------------------------------------


def test_adding_an_agent_beyond_the_plan_is_a_form_error_on_the_roles(full_a):
    client = admin_client(full_a)
    response = client.post("/admin/users/new/", new_user([agents_group_id(full_a)]))
    assert response.status_code == 200
    html = response.content.decode()
    assert FULL in html
    assert "Upgrade under Settings → Billing" in html and 'href="/admin/billing/"' in html
    assert "or remove someone&#x27;s role." in html or "or remove someone's role." in html
    with tenant_context(full_a):
        assert not User.objects.filter(username="new.agent@alpha.example").exists()
        assert seats_used() == 2


def test_the_last_seat_taken_while_the_form_was_checked_is_refused_at_the_save(
    tenant_a, monkeypatch
):
    """Two administrators fill the last seat at the same moment: this one's form found a seat
    free, the other's save took it before this save ran. The save counts again and refuses."""
    from modules.accounts import users_admin

    on_plan(tenant_a, "starter", agent_seats=2)  # the administrator and one free seat
    checked = users_admin._SeatsMixin.clean

    def clean_then_someone_else_saves(form):
        data = checked(form)
        agent("quicker.agent@alpha.example")  # the other administrator's save
        return data

    monkeypatch.setattr(users_admin._SeatsMixin, "clean", clean_then_someone_else_saves)
    response = admin_client(tenant_a).post(
        "/admin/users/new/", new_user([agents_group_id(tenant_a)])
    )
    assert response.status_code == 200 and FULL in response.content.decode()
    with tenant_context(tenant_a):
        assert not User.objects.filter(username="new.agent@alpha.example").exists()
        assert seats_used() == 2


def test_adding_an_administrator_beyond_the_plan_is_refused_too(full_a):
    client = admin_client(full_a)
    response = client.post("/admin/users/new/", new_user(is_superuser="on"))
    assert response.status_code == 200 and FULL in response.content.decode()
    with tenant_context(full_a):
        assert not User.objects.filter(username="new.agent@alpha.example").exists()


def test_adding_someone_without_a_role_still_works_on_a_full_plan(full_a):
    client = admin_client(full_a)
    assert client.post("/admin/users/new/", new_user()).status_code == 302
    with tenant_context(full_a):
        user = User.objects.get(username="new.agent@alpha.example")
        assert not user.is_staff and seats_used() == 2


def test_a_larger_plan_lets_the_agent_in_and_counts_the_seat(tenant_a):
    on_plan(tenant_a, "pro", agent_seats=20)
    client = admin_client(tenant_a)
    response = client.post("/admin/users/new/", new_user([agents_group_id(tenant_a)]))
    assert response.status_code == 302
    with tenant_context(tenant_a):
        assert User.objects.get(username="new.agent@alpha.example").is_staff
        assert seats_used() == 2


def test_an_administrator_tick_makes_the_account_staff_and_takes_a_seat(tenant_a):
    on_plan(tenant_a, "pro")
    client = admin_client(tenant_a)
    assert client.post("/admin/users/new/", new_user(is_superuser="on")).status_code == 302
    with tenant_context(tenant_a):
        user = User.objects.get(username="new.agent@alpha.example")
        assert user.is_superuser and user.is_staff and seats_used() == 2


# --- the edit form ----------------------------------------------------------------------------


def test_giving_a_customer_a_role_on_a_full_plan_is_refused(full_a):
    with tenant_context(full_a):
        customer = make_customer("customer@alpha.example")
    client = admin_client(full_a)
    response = client.post(
        f"/admin/users/edit/{customer.pk}/", edited(customer, [agents_group_id(full_a)])
    )
    assert response.status_code == 200 and FULL in response.content.decode()
    with tenant_context(full_a):
        customer.refresh_from_db()
        assert not customer.is_staff and not customer.groups.exists()


def test_reactivating_a_staff_account_on_a_full_plan_is_refused(full_a):
    with tenant_context(full_a):
        former = agent("former@alpha.example", active=False)
    client = admin_client(full_a)
    data = edited(former, [agents_group_id(full_a)], is_active="on")
    response = client.post(f"/admin/users/edit/{former.pk}/", data)
    assert response.status_code == 200 and FULL in response.content.decode()
    with tenant_context(full_a):
        former.refresh_from_db()
        assert not former.is_active and seats_used() == 2


def test_people_holding_a_seat_can_still_be_edited_and_lose_roles_when_over_the_limit(full_a):
    Plan.objects.filter(key="starter").update(agent_seats=1)  # now over: 2 seats used, 1 included
    with tenant_context(full_a):
        member = User.objects.get(username="first.agent@alpha.example")
    client = admin_client(full_a)
    group = agents_group_id(full_a)
    renamed = edited(member, [group], first_name="Renamed")
    assert client.post(f"/admin/users/edit/{member.pk}/", renamed).status_code == 302
    dropped = edited(member, [], first_name="Renamed")
    assert client.post(f"/admin/users/edit/{member.pk}/", dropped).status_code == 302
    with tenant_context(full_a):
        member.refresh_from_db()
        assert member.first_name == "Renamed" and not member.is_staff
        assert seats_used() == 1


def test_the_support_account_takes_no_seat_and_its_username_is_reserved(full_a):
    client = admin_client(full_a)
    response = client.post(
        "/admin/users/new/", new_user(username=support_username(), email="x@alpha.example")
    )
    assert response.status_code == 200
    assert "reserved for the platform" in response.content.decode()
    with tenant_context(full_a):
        assert not User.objects.filter(username=support_username()).exists()
        # the platform's own support account (made by the platform, not the admin's forms)
        User.objects.create_user(
            username=support_username(), password=TEST_PASSWORD, is_staff=True, is_superuser=True
        )
        assert seats_used() == 2


# --- bulk actions -----------------------------------------------------------------------------


def test_bulk_assign_role_beyond_the_plan_is_refused(full_a):
    with tenant_context(full_a):
        one = make_customer("one@alpha.example")
        two = make_customer("two@alpha.example")
    client = admin_client(full_a)
    url = f"/admin/bulk/auth/user/assign_role/?id={one.pk}&id={two.pk}&next=/admin/users/"
    response = client.post(url, {"role": agents_group_id(full_a)})
    assert response.status_code == 200
    assert FULL in response.content.decode()
    with tenant_context(full_a):
        assert not User.objects.filter(pk__in=[one.pk, two.pk], is_staff=True).exists()
        assert seats_used() == 2


def test_bulk_assign_role_fits_on_a_larger_plan(tenant_a):
    on_plan(tenant_a, "starter", agent_seats=3)
    with tenant_context(tenant_a):
        one = make_customer("one@alpha.example")
        two = make_customer("two@alpha.example")
    client = admin_client(tenant_a)
    url = f"/admin/bulk/auth/user/assign_role/?id={one.pk}&id={two.pk}&next=/admin/users/"
    assert client.post(url, {"role": agents_group_id(tenant_a)}).status_code == 302
    with tenant_context(tenant_a):
        assert seats_used() == 3


def test_bulk_reactivation_beyond_the_plan_is_refused(full_a):
    with tenant_context(full_a):
        former = agent("former@alpha.example", active=False)
    client = admin_client(full_a)
    url = f"/admin/bulk/auth/user/set_active_state/?id={former.pk}&next=/admin/users/"
    response = client.post(url, {"mark_as_active": "True"})
    assert response.status_code == 200 and FULL in response.content.decode()
    with tenant_context(full_a):
        former.refresh_from_db()
        assert not former.is_active


# --- isolation --------------------------------------------------------------------------------


def test_tenant_a_being_full_does_not_limit_tenant_b(full_a, tenant_b):
    on_plan(tenant_b, "pro")
    client = admin_client(tenant_b)
    data = new_user([agents_group_id(tenant_b)], username="agent@beta.example")
    assert client.post("/admin/users/new/", data).status_code == 302
    with tenant_context(tenant_b):
        assert User.objects.get(username="agent@beta.example").is_staff
    with tenant_context(full_a):
        assert not User.objects.filter(username="agent@beta.example").exists()
