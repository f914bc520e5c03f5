"""Tenant admins manage customers and organizations in the Wagtail admin; staff roles decide
who may look and who may change, checked on every view."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core import mail
from django.core.exceptions import PermissionDenied
from django_tenants.utils import tenant_context

from modules.accounts import services
from modules.accounts.models import CustomerProfile, Organization
from tests.accounts.conftest import PASSWORD, link_in, make_customer
from tests.conftest import TenantClient, host_of, login_on

pytestmark = pytest.mark.django_db


def staff(tenant, email, group_name):
    with tenant_context(tenant):
        user = get_user_model().objects.create_user(
            username=email, email=email, password=PASSWORD, is_staff=True
        )
        user.groups.add(Group.objects.get(name=group_name))
    return login_on(TenantClient(host_of(tenant)), tenant, user)


def test_staff_roles_exist_in_a_new_portal(tenant_a):
    with tenant_context(tenant_a):
        names = set(Group.objects.values_list("name", flat=True))
        assert {"Administrators", "Agents", "Community moderators"} <= names
        agents = Group.objects.get(name="Agents")
        perms = {p.codename for p in agents.permissions.all()}
        assert {"access_admin", "view_customerprofile", "change_customerprofile"} <= perms
        assert "add_organization" not in perms
        services.staff_roles_ensure()  # idempotent
        assert Group.objects.filter(name="Agents").count() == 1


def test_a_community_moderator_cannot_edit_or_publish_a_page(tenant_a):
    """Community moderators are not Wagtail's "Moderators" (which may publish every page)."""
    from wagtail.models import Page

    with tenant_context(tenant_a):
        home = Page.objects.get(depth=2)
        wagtail_moderators = Group.objects.get(name="Moderators")
        assert not wagtail_moderators.permissions.filter(content_type__app_label="accounts")
    moderator = staff(tenant_a, "community-mod@alpha.example", "Community moderators")
    assert moderator.get("/admin/customers/").status_code == 200
    edit = f"/admin/pages/{home.pk}/edit/"
    assert moderator.get(edit).status_code in (302, 403)
    moderator.post(edit, {"title": "Taken over", "slug": home.slug, "action-publish": "on"})
    assert moderator.get(f"/admin/pages/add/cms/contentpage/{home.pk}/").status_code in (302, 403)
    with tenant_context(tenant_a):
        home.refresh_from_db()
        assert home.title != "Taken over"
        assert not home.permissions_for_user(
            get_user_model().objects.get(email="community-mod@alpha.example")
        ).can_publish()
        # joining Wagtail's own Moderators does not make anyone support staff
        from modules.accounts.selectors import is_staff_member

        editor = get_user_model().objects.create_user(username="editor@alpha.example")
        editor.groups.add(wagtail_moderators)
        assert not is_staff_member(get_user_model().objects.get(pk=editor.pk))


def test_admin_lists_searches_and_filters_customers(tenant_a, admin_client_a):
    make_customer(tenant_a, "zoe@acme.example")
    make_customer(tenant_a, "yan@other.example", verified=False)
    with tenant_context(tenant_a):
        org = services.organization_create(name="Acme", email_domains=["acme.example"])
        CustomerProfile.objects.filter(user__email="zoe@acme.example").update(organization=org)
    listing = admin_client_a.get("/admin/customers/")
    assert listing.status_code == 200
    assert b"zoe@acme.example" in listing.content and b"yan@other.example" in listing.content
    found = admin_client_a.get("/admin/customers/", {"q": "zoe"})
    assert b"zoe@acme.example" in found.content and b"yan@other.example" not in found.content
    by_org = admin_client_a.get("/admin/customers/", {"organization": org.pk})
    assert b"zoe@acme.example" in by_org.content and b"yan@other.example" not in by_org.content
    unverified = admin_client_a.get("/admin/customers/", {"verified": "false"})
    assert b"yan@other.example" in unverified.content
    assert b"zoe@acme.example" not in unverified.content


def test_admin_edits_a_customer_and_can_switch_them_off(tenant_a, admin_client_a):
    user = make_customer(tenant_a, "sam@example.com")
    customer = login_on(TenantClient(host_of(tenant_a)), tenant_a, user)
    with tenant_context(tenant_a):
        org = services.organization_create(name="Initech")
        profile = CustomerProfile.objects.get(user=user)
    edit = f"/admin/customers/edit/{profile.pk}/"
    assert admin_client_a.get(edit).status_code == 200
    saved = admin_client_a.post(
        edit, {"organization": org.pk, "can_see_organization": "on", "is_active": ""}
    )
    assert saved.status_code == 302, saved.content[:2000]
    with tenant_context(tenant_a):
        profile.refresh_from_db()
        assert profile.organization == org and profile.can_see_organization
        assert not get_user_model().objects.get(pk=user.pk).is_active
    assert customer.get("/account/").status_code == 302  # their session ended


def test_admin_invites_a_customer_who_chooses_a_password(
    tenant_a, admin_client_a, django_capture_on_commit_callbacks
):
    with tenant_context(tenant_a):
        org = services.organization_create(name="Umbrella")
    assert admin_client_a.get("/admin/customers/new/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        sent = admin_client_a.post(
            "/admin/customers/new/",
            {"email": "Invited@Example.com", "organization": org.pk, "can_see_organization": "on"},
        )
    assert sent.status_code == 302, sent.content[:3000]
    assert [m.to for m in mail.outbox] == [["invited@example.com"]]
    again = admin_client_a.post("/admin/customers/new/", {"email": "invited@example.com"})
    assert again.status_code == 200 and b"already has an account" in again.content
    customer = TenantClient(host_of(tenant_a))
    link = link_in(mail.outbox[0])
    assert customer.post(link, {"password": "my-own-long-passphrase-1"}).status_code == 200
    signed_in = customer.post(
        "/account/login/",
        {"email": "invited@example.com", "password": "my-own-long-passphrase-1"},
    )
    assert signed_in.status_code == 302
    with tenant_context(tenant_a):
        profile = CustomerProfile.objects.get(user__email="invited@example.com")
        assert profile.organization == org and profile.can_see_organization
        assert profile.email_verified_at is not None


def test_admin_delete_anonymises_the_customer(tenant_a, admin_client_a):
    user = make_customer(tenant_a, "remove-me@example.com")
    with tenant_context(tenant_a):
        profile = CustomerProfile.objects.get(user=user)
    assert admin_client_a.get(f"/admin/customers/delete/{profile.pk}/").status_code == 200
    done = admin_client_a.post(f"/admin/customers/delete/{profile.pk}/")
    assert done.status_code == 302
    with tenant_context(tenant_a):
        profile.refresh_from_db()
        assert profile.deleted_at is not None  # kept, so posts keep an author
        gone = get_user_model().objects.get(pk=user.pk)
        assert not gone.is_active and gone.email == ""
    assert b"remove-me@example.com" not in admin_client_a.get("/admin/customers/").content


def test_admin_manages_organizations(tenant_a, admin_client_a):
    make_customer(tenant_a, "early@gx.io")  # verified before the organization existed
    make_customer(tenant_a, "unverified@gx.io", verified=False)
    created = admin_client_a.post(
        "/admin/organizations/new/", {"name": "Globex", "email_domains": "@Globex.example, gx.io"}
    )
    assert created.status_code == 302, created.content[:2000]
    with tenant_context(tenant_a):
        org = Organization.objects.get(name="Globex")
        assert org.email_domains == ["globex.example", "gx.io"]
        members = set(org.members.values_list("user__email", flat=True))
        assert members == {"early@gx.io"}  # the unverified one joins when verified
    assert b"globex.example" in admin_client_a.get("/admin/organizations/").content


def test_roles_are_checked_on_every_view(tenant_a):
    user = make_customer(tenant_a, "pat@example.com")
    with tenant_context(tenant_a):
        profile = CustomerProfile.objects.get(user=user)
    edit = f"/admin/customers/edit/{profile.pk}/"

    agent = staff(tenant_a, "agent@alpha.example", "Agents")
    assert agent.get("/admin/customers/").status_code == 200
    assert agent.get(edit).status_code == 200
    assert agent.get("/admin/organizations/").status_code == 200
    assert agent.get("/admin/organizations/new/").status_code in (302, 403)
    assert agent.get("/admin/customers/new/").status_code in (302, 403)
    assert agent.post(f"/admin/customers/delete/{profile.pk}/").status_code in (302, 403)
    refused = agent.post("/admin/organizations/new/", {"name": "Sneaky"})
    assert refused.status_code in (302, 403)

    moderator = staff(tenant_a, "mod@alpha.example", "Community moderators")
    assert moderator.get("/admin/customers/").status_code == 200
    assert moderator.get(edit).status_code in (302, 403)
    moderator.post(edit, {"organization": "", "is_active": ""})

    customer = login_on(TenantClient(host_of(tenant_a)), tenant_a, user)
    assert customer.get("/admin/customers/").status_code == 302  # to the admin's sign-in
    with tenant_context(tenant_a):
        assert not Organization.objects.filter(name="Sneaky").exists()
        assert get_user_model().objects.get(pk=user.pk).is_active


def test_account_settings_are_edited_by_administrators_only(tenant_a, admin_client_a):
    first = admin_client_a.get("/admin/settings/accounts/accountsettings/")
    url = first["Location"] if first.status_code == 302 else first.request["PATH_INFO"]
    assert admin_client_a.get(url).status_code == 200
    saved = admin_client_a.post(url, {"self_signup": "", "signup_domains": "acme.example"})
    assert saved.status_code == 302, saved.content[:2000]
    assert TenantClient(host_of(tenant_a)).get("/account/signup/").status_code == 403
    agent = staff(tenant_a, "agent2@alpha.example", "Agents")
    assert agent.get(url).status_code in (302, 403)
    administrator = staff(tenant_a, "boss@alpha.example", "Administrators")
    assert administrator.get(url).status_code == 200


def test_joining_a_staff_group_makes_a_staff_member(tenant_a):
    from modules.accounts.selectors import can_participate, is_staff_member

    user = make_customer(tenant_a, "promoted@example.com", verified=False)
    with tenant_context(tenant_a):
        assert not is_staff_member(user) and not can_participate(user)
        user.groups.add(Group.objects.get(name="Community moderators"))
        user = get_user_model().objects.get(pk=user.pk)
        assert is_staff_member(user) and can_participate(user)
        Group.objects.get(name="Agents").user_set.add(user)
        user.groups.remove(Group.objects.get(name="Community moderators"))
        assert is_staff_member(get_user_model().objects.get(pk=user.pk))
        user.groups.remove(Group.objects.get(name="Agents"))
        assert not is_staff_member(get_user_model().objects.get(pk=user.pk))
        editors, _created = Group.objects.get_or_create(name="Editors")
        user.groups.add(editors)  # content editors are not support staff
        assert not is_staff_member(get_user_model().objects.get(pk=user.pk))


def test_staff_status_ends_when_memberships_are_cleared_or_the_group_goes(
    tenant_a, django_capture_on_commit_callbacks
):
    from modules.accounts.selectors import is_staff_member

    def fresh(user):
        return get_user_model().objects.get(pk=user.pk)

    ann = make_customer(tenant_a, "ann@example.com")
    ben = make_customer(tenant_a, "ben@example.com")
    with tenant_context(tenant_a):
        agents = Group.objects.get(name="Agents")
        agents.user_set.add(ann, ben)
        assert is_staff_member(fresh(ann)) and is_staff_member(fresh(ben))
        ann.groups.clear()  # the user editor's "no groups"
        assert not is_staff_member(fresh(ann))
        agents.user_set.add(ann)
        agents.user_set.clear()  # everyone out of the group
        assert not is_staff_member(fresh(ann)) and not is_staff_member(fresh(ben))
        moderators = Group.objects.get(name="Community moderators")
        moderators.user_set.add(ben)
        with django_capture_on_commit_callbacks(execute=True):
            moderators.delete()
        assert not is_staff_member(fresh(ben))


def test_changing_domains_adopts_matching_customers(tenant_a, admin_client_a):
    make_customer(tenant_a, "late@initrode.example")
    with tenant_context(tenant_a):
        org = services.organization_create(name="Initrode")
        assert org.members.count() == 0
    saved = admin_client_a.post(
        f"/admin/organizations/edit/{org.pk}/",
        {"name": "Initrode", "email_domains": "initrode.example"},
    )
    assert saved.status_code == 302, saved.content[:2000]
    with tenant_context(tenant_a):
        assert list(org.members.values_list("user__email", flat=True)) == ["late@initrode.example"]


def test_customers_list_names_people_as_the_portal_does(tenant_a, admin_client_a):
    """A customer without a display name is listed by their full name, as their posts show it."""
    from django.contrib.auth import get_user_model

    from modules.accounts.services import profile_get_or_create

    with tenant_context(tenant_a):
        user = get_user_model().objects.create_user(
            username="ada@customer.example",
            email="ada@customer.example",
            first_name="Ada",
            last_name="Park",
        )
        profile_get_or_create(user=user)
    html = admin_client_a.get("/admin/customers/").content.decode()
    assert "Ada Park" in html


def test_the_customers_admin_does_not_reach_staff_or_the_owner(tenant_a):
    """Anyone who signs in gets a profile, the portal's owner too: an agent must not be able to
    switch the owner off or anonymise them through the customers admin."""
    from modules.accounts.services import profile_get_or_create
    from tests.conftest import admin_of

    owner = admin_of(tenant_a)
    with tenant_context(tenant_a):
        owner_profile = profile_get_or_create(user=owner)
    agent = staff(tenant_a, "agent3@alpha.example", "Agents")
    with tenant_context(tenant_a):
        colleague = get_user_model().objects.get(email="agent3@alpha.example")
        colleague_profile = profile_get_or_create(user=colleague)
    for profile in (owner_profile, colleague_profile):
        for view in ("edit", "inspect", "history", "usage", "delete"):
            assert agent.get(f"/admin/customers/{view}/{profile.pk}/").status_code == 404, view
        edit = agent.post(f"/admin/customers/edit/{profile.pk}/", {"organization": ""})
        assert edit.status_code == 404
        assert agent.post(f"/admin/customers/delete/{profile.pk}/").status_code == 404
    listing = agent.get("/admin/customers/").content.decode()
    for profile in (owner_profile, colleague_profile):
        assert f"/admin/customers/edit/{profile.pk}/" not in listing
    with tenant_context(tenant_a):
        kept = get_user_model().objects.get(pk=owner.pk)
        assert kept.is_active and kept.email == owner.email
        assert CustomerProfile.objects.get(pk=owner_profile.pk).deleted_at is None
        with pytest.raises(PermissionDenied):
            services.customer_admin_update(
                profile=owner_profile, organization=None, can_see_organization=False,
                is_active=False,
            )  # fmt: skip
        with pytest.raises(PermissionDenied):
            services.customer_anonymise(user=owner)
        assert get_user_model().objects.get(pk=owner.pk).is_active


def _organizations_list_queries(client) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        response = client.get("/admin/organizations/")
    assert response.status_code == 200
    return len(queries.captured_queries)


def test_the_organizations_list_counts_members_in_one_query(tenant_a, admin_client_a):
    with tenant_context(tenant_a):
        for number in range(2):
            services.organization_create(name=f"Few {number}")
    few = _organizations_list_queries(admin_client_a)
    make_customer(tenant_a, "member@many.example")
    with tenant_context(tenant_a):
        for number in range(18):
            services.organization_create(name=f"Many {number}", email_domains=["many.example"])
    assert _organizations_list_queries(admin_client_a) <= few
    listing = admin_client_a.get("/admin/organizations/").content.decode()
    assert "Many 0" in listing


def test_a_new_organization_name_is_unique_whatever_its_case(tenant_a, admin_client_a):
    with tenant_context(tenant_a):
        services.organization_create(name="Globex")
    again = admin_client_a.post("/admin/organizations/new/", {"name": "GLOBEX"})
    assert again.status_code == 200 and "An organization with this name exists" in (
        again.content.decode()
    )
    with tenant_context(tenant_a):
        assert Organization.objects.filter(name__iexact="globex").count() == 1
