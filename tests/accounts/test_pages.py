"""The account pages a customer uses: sign up, confirm the address, sign in and out, reset a
forgotten password, edit the profile, see their activity."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django_tenants.utils import tenant_context

from modules.accounts.models import AccountSettings, CustomerProfile, NotificationSetting
from modules.accounts.selectors import can_participate
from tests.accounts.conftest import PASSWORD, link_in, make_customer

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "another-long-passphrase-77"


def signup(client, email, password=PASSWORD, **extra):
    return client.post(
        "/account/signup/", {"email": email, "password": password, "display_name": "", **extra}
    )


def test_signup_verify_login_and_participate(
    client_a, tenant_a, django_capture_on_commit_callbacks
):
    page = client_a.get("/account/signup/")
    assert page.status_code == 200
    assert b'<label class="field__label" for="id_email">' in page.content
    with django_capture_on_commit_callbacks(execute=True):
        response = signup(client_a, "Ann@Example.com", display_name="Ann")
    assert response.status_code == 302 and response["Location"] == "/account/signup/done/"
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["ann@example.com"]
    with tenant_context(tenant_a):
        user = get_user_model().objects.get(username="ann@example.com")
        assert user.customer_profile.display_name == "Ann"
        assert not can_participate(user)

    # unverified: the right password gets no session, but a way to have the email again
    login = client_a.post("/account/login/", {"email": "ann@example.com", "password": PASSWORD})
    assert login.status_code == 200 and b"Confirm your email address first" in login.content
    assert "_auth_user_id" not in client_a.session
    assert client_a.get("/account/").status_code == 302

    # the link confirms the address and signs the customer in
    verified = client_a.get(link_in(mail.outbox[0]))
    assert verified.status_code == 200 and b"Address confirmed" in verified.content
    assert b"Go to my account" in verified.content
    with tenant_context(tenant_a):
        user = get_user_model().objects.get(username="ann@example.com")
        assert user.customer_profile.email_verified_at is not None
        assert can_participate(user)
    assert b"not confirmed yet" not in client_a.get("/account/").content
    # the link is not a standing sign-in link
    client_a.post("/account/logout/")
    assert client_a.get(link_in(mail.outbox[0])).status_code == 200
    assert "_auth_user_id" not in client_a.session
    login = client_a.post("/account/login/", {"email": "ann@example.com", "password": PASSWORD})
    assert login.status_code == 302 and login["Location"] == "/account/"

    client_a.post("/account/logout/")
    assert client_a.get("/account/")["Location"].startswith("/account/login/?next=")


def test_login_keeps_a_local_next_and_ignores_a_foreign_one(client_a, tenant_a):
    make_customer(tenant_a, "bob@example.com")
    ok = client_a.post(
        "/account/login/?next=/faq/",
        {"email": "bob@example.com", "password": PASSWORD, "next": "/faq/"},
    )
    assert ok["Location"] == "/faq/"
    client_a.post("/account/logout/")
    evil = client_a.post(
        "/account/login/",
        {"email": "bob@example.com", "password": PASSWORD, "next": "https://evil.example/"},
    )
    assert evil["Location"] == "/account/"


def test_header_links_to_sign_in_and_then_to_the_account(client_a, tenant_a):
    home = client_a.get("/faq/")
    assert b'href="/account/login/?next=/faq/"' in home.content
    assert b"Customer accounts" not in home.content  # not a section of the site nav
    make_customer(tenant_a, "carol@example.com")
    client_a.post("/account/login/", {"email": "carol@example.com", "password": PASSWORD})
    assert b'href="/account/"' in client_a.get("/faq/").content


def test_wrong_password_is_a_form_error(client_a, tenant_a):
    make_customer(tenant_a, "dan@example.com")
    response = client_a.post("/account/login/", {"email": "dan@example.com", "password": "nope"})
    assert response.status_code == 400
    assert b"not right" in response.content
    assert "_auth_user_id" not in client_a.session


def test_logout_needs_post(client_a, tenant_a):
    make_customer(tenant_a, "erin@example.com")
    client_a.post("/account/login/", {"email": "erin@example.com", "password": PASSWORD})
    assert client_a.get("/account/logout/").status_code == 200
    assert client_a.get("/account/").status_code == 200  # still signed in
    client_a.post("/account/logout/")
    assert client_a.get("/account/").status_code == 302


def test_signup_switched_off_says_so(client_a, tenant_a):
    with tenant_context(tenant_a):
        settings = AccountSettings.load()
        settings.self_signup = False
        settings.save()
    page = client_a.get("/account/signup/")
    assert page.status_code == 403 and b"Sign-up is closed" in page.content
    assert signup(client_a, "frank@example.com").status_code == 403
    with tenant_context(tenant_a):
        assert not get_user_model().objects.filter(email="frank@example.com").exists()


def test_signup_limited_to_domains_is_a_form_error(client_a, tenant_a):
    with tenant_context(tenant_a):
        settings = AccountSettings.load()
        settings.signup_domains = ["acme.example"]
        settings.save()
    refused = signup(client_a, "gina@other.example")
    assert (
        refused.status_code == 200 and b"limited to addresses at: acme.example" in refused.content
    )
    assert signup(client_a, "gina@ACME.example").status_code == 302


def test_weak_password_and_bad_email_are_form_errors(client_a):
    weak = signup(client_a, "hank@example.com", password="12345678")
    assert weak.status_code == 200 and b"field--error" in weak.content
    bad = signup(client_a, "not-an-address")
    assert bad.status_code == 200 and b"valid email" in bad.content


def test_password_reset_sets_a_new_password_once(
    client_a, tenant_a, django_capture_on_commit_callbacks
):
    from tests.conftest import TenantClient, host_of, login_on

    user = make_customer(tenant_a, "ivy@example.com", verified=False)
    laptop = login_on(TenantClient(host_of(tenant_a)), tenant_a, user)
    assert laptop.get("/account/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        done = client_a.post("/account/password-reset/", {"email": "IVY@example.com"})
    assert done["Location"] == "/account/password-reset/done/"
    assert len(mail.outbox) == 1
    link = link_in(mail.outbox[0])
    form = client_a.get(link)
    assert form.status_code == 200 and form["Referrer-Policy"] == "same-origin"
    weak = client_a.post(link, {"password": "123"})
    assert weak.status_code == 200 and b"field--error" in weak.content
    changed = client_a.post(link, {"password": NEW_PASSWORD})
    assert b"Password changed" in changed.content
    assert client_a.get(link).status_code == 400  # used: the password hash changed
    with tenant_context(tenant_a):
        user.refresh_from_db()
        assert user.check_password(NEW_PASSWORD)
        assert user.customer_profile.email_verified_at is not None
    ok = client_a.post("/account/login/", {"email": "ivy@example.com", "password": NEW_PASSWORD})
    assert ok.status_code == 302
    assert laptop.get("/account/").status_code == 302  # the session from before ended


def test_a_forged_or_foreign_link_is_refused(client_a):
    assert client_a.get("/account/verify/not-a-token/").status_code == 400
    assert client_a.get("/account/password-reset/MQ/abc-def/").status_code == 400


def test_profile_changes_name_language_and_notifications(client_a, tenant_a):
    user = make_customer(tenant_a, "jack@example.com")
    client_a.post("/account/login/", {"email": "jack@example.com", "password": PASSWORD})
    page = client_a.get("/account/")
    assert b'for="id_notify_replies"' in page.content
    assert b"id_notify_account" not in page.content  # account messages cannot be switched off
    saved = client_a.post(
        "/account/",
        {
            "display_name": "Jack R.",
            "language": "ru",
            "notify_replies": "on",
            "notify_digests": "on",
        },
    )
    assert saved.status_code == 302
    assert saved.cookies["django_language"].value == "ru"
    with tenant_context(tenant_a):
        profile = CustomerProfile.objects.get(user=user)
        assert (profile.display_name, profile.language) == ("Jack R.", "ru")
        settings = dict(NotificationSetting.objects.filter(user=user).values_list("kind", "email"))
        assert settings == {
            "replies": True,
            "mentions": False,
            "status_changes": False,
            "digests": True,
        }
    bad = client_a.post("/account/", {"display_name": "x", "language": "xx"})
    assert bad.status_code == 400 and b"field--error" in bad.content


def test_account_pages_need_a_sign_in(client_a):
    for path in (
        "/account/",
        "/account/activity/",
        "/account/privacy/",
        "/account/privacy/export/",
    ):
        response = client_a.get(path)
        assert response.status_code == 302
        assert response["Location"].startswith("/account/login/?next=")


def test_accounts_cannot_be_switched_off(client_a, tenant_a):
    from cms.models import ModuleSettings

    with tenant_context(tenant_a):
        switches = ModuleSettings.load()
        switches.switches = {**(switches.switches or {}), "accounts": False}
        switches.save()
    assert client_a.get("/account/login/").status_code == 200
    assert client_a.get("/api/v1/account/me/").status_code in (401, 403)  # not 404


def test_a_display_name_is_escaped(client_a, tenant_a):
    user = make_customer(tenant_a, "xss@example.com")
    with tenant_context(tenant_a):
        from modules.accounts import services

        services.profile_update(user=user, display_name="<script>alert(1)</script>", language="")
    client_a.post("/account/login/", {"email": "xss@example.com", "password": PASSWORD})
    page = client_a.get("/account/")
    assert b"<script>alert(1)</script>" not in page.content
    assert b"&lt;script&gt;alert(1)&lt;/script&gt;" in page.content


def test_an_unverified_customer_asks_for_the_email_again(
    client_a, tenant_a, django_capture_on_commit_callbacks
):
    make_customer(tenant_a, "slow@example.com", verified=False)
    # nobody who has not typed the right password may ask
    assert client_a.post("/account/verify/resend/").status_code == 302
    client_a.post("/account/login/", {"email": "slow@example.com", "password": "wrong"})
    with django_capture_on_commit_callbacks(execute=True):
        client_a.post("/account/verify/resend/")
    assert mail.outbox == []
    refused = client_a.post("/account/login/", {"email": "slow@example.com", "password": PASSWORD})
    assert b"/account/verify/resend/" in refused.content
    with django_capture_on_commit_callbacks(execute=True):
        sent = client_a.post("/account/verify/resend/")
        client_a.post("/account/verify/resend/")  # a double click sends one mail
    assert sent["Location"] == "/account/login/?sent=1"
    assert b"We sent you a new confirmation email" in client_a.get(sent["Location"]).content
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["slow@example.com"]
    assert client_a.get(link_in(mail.outbox[0])).status_code == 200
    with tenant_context(tenant_a):
        assert CustomerProfile.objects.get(user__email="slow@example.com").email_verified_at
    assert client_a.get("/account/verify/resend/").status_code == 405


def test_an_unverified_customer_cannot_open_pages_for_signed_in_people(
    client_a, tenant_a, django_capture_on_commit_callbacks
):
    """Signing up with an address at an allowed domain, without owning it, opens nothing."""
    from wagtail.models import PageViewRestriction

    from cms.models import ContentPage, HomePage

    with tenant_context(tenant_a):
        settings = AccountSettings.load()
        settings.signup_domains = ["acme.example"]
        settings.save()
        page = HomePage.objects.get().add_child(
            instance=ContentPage(title="Staff handbook", slug="handbook")
        )
        page.save_revision().publish()
        PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.LOGIN)
    with django_capture_on_commit_callbacks(execute=True):
        assert signup(client_a, "ceo@acme.example").status_code == 302
    client_a.post("/account/login/", {"email": "ceo@acme.example", "password": PASSWORD})
    assert client_a.get("/handbook/").status_code == 302
    # nor through the admin's sign-in form
    admin_login = client_a.post(
        "/admin/login/", {"username": "ceo@acme.example", "password": PASSWORD}
    )
    assert admin_login.status_code == 200 and b"Confirm your email address" in admin_login.content
    assert "_auth_user_id" not in client_a.session
    assert client_a.get("/handbook/").status_code == 302
    # whoever owns the address opens the link and is in
    assert client_a.get(link_in(mail.outbox[0])).status_code == 200
    assert client_a.get("/handbook/").status_code == 200


def test_a_page_for_signed_in_customers_sends_visitors_to_the_customer_sign_in(tenant_a, client_a):
    from wagtail.models import PageViewRestriction

    from cms.models import ContentPage, HomePage

    with tenant_context(tenant_a):
        page = HomePage.objects.get().add_child(
            instance=ContentPage(title="Customers only", slug="customers-only")
        )
        page.save_revision().publish()
        PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.LOGIN)
    response = client_a.get("/customers-only/")
    assert response.status_code == 302
    assert response["Location"].startswith("/account/login/?next=/customers-only/")
