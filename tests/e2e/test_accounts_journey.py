"""A customer's account journey in Chromium, on a phone (390 px): sign up, open the
verification link from the email (which signs them in), change the display name and language,
download their data. No page scrolls sideways."""

from __future__ import annotations

import io
import json
import re
import uuid
import zipfile

import pytest
from django.core import mail

from tests.conftest import TEST_PASSWORD, run_committed
from tests.e2e.fixtures import assert_no_sideways_scroll, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db]

PASSWORD = "journey-passphrase-2026"


def _clean_up(email: str) -> None:
    from django.contrib.auth import get_user_model
    from django_tenants.utils import tenant_context

    from modules.accounts.models import OutboxEmail
    from tenants.models import Tenant

    with tenant_context(Tenant.objects.get(slug="alpha")):
        users = get_user_model().objects.filter(email=email)
        OutboxEmail.objects.filter(to_email=email).delete()
        for user in users:
            profile = getattr(user, "customer_profile", None)
            if profile is not None and profile.avatar:
                profile.avatar.delete(save=False)
        users.delete()


def test_customer_signs_up_verifies_edits_profile_and_downloads_data(
    browser, live_settings, screenshot_dir, celery_eager
):
    port = live_settings.PLATFORM_PORT
    base = f"http://alpha.localhost:{port}"
    email = f"journey-{uuid.uuid4().hex[:8]}@example.com"
    phone = browser.new_context(
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
        locale="en-GB",
        accept_downloads=True,
    )
    try:
        page = phone.new_page()
        page.goto(f"{base}/")
        page.get_by_role("link", name="Sign in").first.click()
        page.wait_for_url(re.compile(r"/account/login/"))
        page.get_by_role("link", name="Create an account").click()
        page.wait_for_url(re.compile(r"/account/signup/"))

        # a weak password is refused with a message next to the field
        page.get_by_label("Email address").fill(email)
        page.get_by_label("Password").fill("12345678")
        page.get_by_role("button", name="Create account").click()
        page.locator(".alert").wait_for()
        assert page.locator(".field--error #id_password").count() == 1
        page.screenshot(path=screenshot_dir / "accounts-1-signup-error.png", full_page=True)
        assert_no_sideways_scroll(page, "the sign-up form")

        page.get_by_label("Display name").fill("Journey Jo")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Create account").click()
        page.wait_for_url(re.compile(r"/account/signup/done/"))
        page.screenshot(path=screenshot_dir / "accounts-2-check-email.png", full_page=True)

        # the verification email, sent through the outbox
        sent = [m for m in mail.outbox if m.to == [email]]
        assert len(sent) == 1 and sent[0].subject == "Confirm your email address"
        link = re.search(r"https?://\S+/account/verify/\S+", sent[0].body).group(0)
        page.goto(link)
        assert page.get_by_role("heading", level=1).inner_text() == "Address confirmed"
        page.screenshot(path=screenshot_dir / "accounts-3-verified.png", full_page=True)

        # the link signed them in (before it, the right password got no session)
        page.get_by_role("link", name="Go to my account").click()
        page.wait_for_url(re.compile(r"/account/$"))
        assert page.locator(".account-notice--warning").count() == 0  # verified
        assert page.get_by_label("Display name").input_value() == "Journey Jo"
        assert_no_sideways_scroll(page, "the profile page")

        # the display name, the language and the digest, keyboard only
        name = page.get_by_label("Display name")
        name.focus()
        name.press("Control+a")
        page.keyboard.type("Jo Traveller")
        page.get_by_label("Language").select_option("ru")
        page.get_by_label("A daily digest of my subscriptions").check()
        page.get_by_role("button", name="Save profile").focus()
        page.screenshot(path=screenshot_dir / "accounts-5-profile.png", full_page=True)
        page.keyboard.press("Enter")
        page.wait_for_url(re.compile(r"/account/\?saved=1"))
        assert page.locator("html").get_attribute("lang") == "ru"
        # the account pages now speak Russian
        assert "Изменения сохранены." in page.locator("main").inner_text()
        assert page.get_by_label("Отображаемое имя").input_value() == "Jo Traveller"
        assert page.locator("#id_notify_digests").is_checked()
        page.screenshot(path=screenshot_dir / "accounts-6-saved-ru.png", full_page=True)

        # download my data
        page.goto(f"{base}/account/privacy/")
        assert_no_sideways_scroll(page, "the privacy page")
        page.screenshot(path=screenshot_dir / "accounts-7-privacy.png", full_page=True)
        with page.expect_download() as download_info:
            page.locator("a[href='/account/privacy/export/']").click()
        download = download_info.value
        assert download.suggested_filename.startswith("my-data-")
        with open(download.path(), "rb") as handle:
            archive = zipfile.ZipFile(io.BytesIO(handle.read()))
        data = json.loads(archive.read("data.json"))
        assert data["account"]["email"] == email
        assert data["account"]["display_name"] == "Jo Traveller"
        assert data["account"]["language"] == "ru"
        assert data["account"]["notifications"]["digests"] is True
        assert data["account"]["email_verified_at"]
    finally:
        phone.close()
        run_committed(_clean_up, email)


PAYLOADS = [
    "<script>window.__xss=1</script>",
    '"><img src=x onerror="window.__xss=2">',
    "<svg onload=window.__xss=3>",
    "javascript:window.__xss=4",
    "'-alert(5)-'",
]


def _customer(email: str) -> None:
    from django_tenants.utils import tenant_context

    from tenants.models import Tenant
    from tests.conftest import make_customer

    with tenant_context(Tenant.objects.get(slug="alpha")):
        make_customer(email, password=PASSWORD)


def _posts_by(email: str) -> tuple[str, str]:
    """A forum topic and an idea by the customer, whose name is now the payload."""
    from django.contrib.auth import get_user_model
    from django_tenants.utils import tenant_context

    from modules.forum.services import category_create, topic_create
    from modules.ideas.services import idea_create
    from tenants.models import Tenant

    with tenant_context(Tenant.objects.get(slug="alpha")):
        author = get_user_model().objects.get(email=email)
        category = category_create(name=f"XSS {email}", slug=email.split("@")[0])
        topic = topic_create(
            author=author, category=category, title="Who wrote this?", body="A question."
        )
        idea = idea_create(author=author, title="An idea by a strange name")
        return topic.get_absolute_url(), idea.get_absolute_url()


def _remove_posts(email: str) -> None:
    from django_tenants.utils import tenant_context

    from modules.forum.models import ForumCategory, Topic
    from modules.ideas.models import Idea
    from tenants.models import Tenant

    with tenant_context(Tenant.objects.get(slug="alpha")):
        Topic.objects.filter(author__email=email).delete()
        ForumCategory.objects.filter(name=f"XSS {email}").delete()
        Idea.objects.filter(author__email=email).delete()


@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_display_name_with_a_script_renders_inert(browser, live_settings, payload):
    """The name is set through the profile form, then shown where others see it: beside a forum
    topic (and in its JSON-LD), on an idea, on the board, and in the admin's customers list."""
    base = f"http://alpha.localhost:{live_settings.PLATFORM_PORT}"
    email = f"xss-{uuid.uuid4().hex[:8]}@example.com"
    run_committed(_customer, email)
    context = browser.new_context(viewport={"width": 360, "height": 740})
    dialogs = []
    try:
        page = context.new_page()
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        sign_in(page, base, email, PASSWORD, "/account/")
        page.get_by_label("Display name").fill(payload[:80])
        page.get_by_role("button", name="Save profile").click()
        page.wait_for_url(re.compile(r"/account/\?saved=1"))
        assert page.get_by_label("Display name").input_value() == payload[:80]
        topic_url, idea_url = run_committed(_posts_by, email)
        for path in ("/account/", "/account/activity/", topic_url, "/forum/", idea_url, "/ideas/"):
            page.goto(f"{base}{path}")
            page.wait_for_load_state("load")
            assert page.evaluate("window.__xss") is None, f"a script ran on {path}"
            assert_no_sideways_scroll(page, path)
            if path in (topic_url, idea_url):  # the name is shown, as text
                assert payload[:80] in page.locator("main").inner_text(), path
        # the tenant admin's list of customers shows the name too
        admin = context.new_page()
        admin.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        admin.goto(f"{base}/admin/login/")
        admin.fill("input[name=username]", "admin@alpha.example")
        admin.fill("input[name=password]", TEST_PASSWORD)
        admin.click("button[type=submit]")
        admin.wait_for_load_state("load")
        admin.goto(f"{base}/admin/customers/")
        assert admin.evaluate("window.__xss") is None, "a script ran in the customers admin"
        assert dialogs == []
    finally:
        context.close()
        run_committed(_remove_posts, email)
        run_committed(_clean_up, email)
