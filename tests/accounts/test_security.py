"""No account enumeration and brute-force protection on the sign-in, sign-up and reset pages."""

from __future__ import annotations

import pytest
from django.core import mail
from django_tenants.utils import tenant_context

from cms.ratelimit import client_ip, parse_rate
from modules.accounts import ratelimit
from modules.accounts.models import OutboxEmail
from tests.accounts.conftest import PASSWORD, make_customer
from tests.conftest import TenantClient, host_of

pytestmark = pytest.mark.django_db


def _final(client, response):
    """The page a browser ends on after a POST (status, body), with the CSRF token taken out."""
    import re

    while response.status_code in (301, 302):
        response = client.get(response["Location"])
    body = re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", response.content)
    return response.status_code, body


def test_signup_answers_the_same_for_a_known_address(
    tenant_a, client_a, django_capture_on_commit_callbacks
):
    make_customer(tenant_a, "known@example.com")
    other = TenantClient(host_of(tenant_a))
    data = {"password": "a-new-long-passphrase-9", "display_name": ""}
    with django_capture_on_commit_callbacks(execute=True):
        known = client_a.post("/account/signup/", {**data, "email": "known@example.com"})
        new = other.post("/account/signup/", {**data, "email": "new@example.com"})
    assert _final(client_a, known) == _final(other, new)
    # the owner of the known address hears that someone tried; nobody is signed in
    subjects = {m.to[0]: m.subject for m in mail.outbox}
    assert subjects["known@example.com"] == "Someone tried to sign up with your address"
    assert subjects["new@example.com"] == "Confirm your email address"
    assert "_auth_user_id" not in client_a.session
    with tenant_context(tenant_a):
        # the password typed for the known address did not replace the account's
        from django.contrib.auth import get_user_model

        assert get_user_model().objects.get(username="known@example.com").check_password(PASSWORD)


def test_reset_answers_the_same_for_an_unknown_address(
    tenant_a, client_a, django_capture_on_commit_callbacks
):
    make_customer(tenant_a, "real@example.com")
    other = TenantClient(host_of(tenant_a))
    with django_capture_on_commit_callbacks(execute=True):
        known = client_a.post("/account/password-reset/", {"email": "real@example.com"})
        unknown = other.post("/account/password-reset/", {"email": "ghost@example.com"})
    assert _final(client_a, known) == _final(other, unknown)
    assert [m.to for m in mail.outbox] == [["real@example.com"]]


def test_login_answers_the_same_for_an_unknown_address(tenant_a, client_a):
    make_customer(tenant_a, "real@example.com")
    other = TenantClient(host_of(tenant_a))
    wrong = client_a.post("/account/login/", {"email": "real@example.com", "password": "x"})
    ghost = other.post("/account/login/", {"email": "ghost@example.com", "password": "x"})
    # the form shows back what was typed; apart from that, the pages are the same
    status, body = _final(client_a, wrong)
    assert status == 400 and b"real@example.com" in body
    assert (status, body.replace(b"real@", b"ghost@")) == _final(other, ghost)


def test_an_unconfirmed_address_looks_like_any_other_without_its_password(tenant_a, client_a):
    make_customer(tenant_a, "pending@example.com", verified=False)
    other = TenantClient(host_of(tenant_a))
    wrong = client_a.post("/account/login/", {"email": "pending@example.com", "password": "x"})
    ghost = other.post("/account/login/", {"email": "ghost@example.com", "password": "x"})
    status, body = _final(client_a, wrong)
    assert status == 400 and b"Confirm your email" not in body
    assert (status, body.replace(b"pending@", b"ghost@")) == _final(other, ghost)


def _login(client, email, password):
    return client.post("/account/login/", {"email": email, "password": password})


def test_an_account_locks_after_five_failures_even_from_new_addresses(tenant_a):
    make_customer(tenant_a, "target@example.com")
    for attempt in range(ratelimit.ACCOUNT_LIMIT):
        client = TenantClient(host_of(tenant_a), REMOTE_ADDR=f"10.1.0.{attempt}")
        assert _login(client, "target@example.com", "guess").status_code == 400
    # the right password is refused now, with the same message, from yet another address
    client = TenantClient(host_of(tenant_a), REMOTE_ADDR="10.1.1.1")
    locked = _login(client, "target@example.com", PASSWORD)
    assert locked.status_code == 400 and b"too many attempts" in locked.content
    assert "_auth_user_id" not in client.session
    # another account from that address still signs in
    make_customer(tenant_a, "bystander@example.com")
    assert _login(client, "bystander@example.com", PASSWORD).status_code == 302


def test_an_address_locks_after_twenty_failures_across_accounts(tenant_a):
    make_customer(tenant_a, "victim@example.com")
    attacker = TenantClient(host_of(tenant_a), REMOTE_ADDR="10.2.0.9")
    for attempt in range(ratelimit.IP_LIMIT):
        _login(attacker, f"user{attempt}@example.com", "guess")
    assert _login(attacker, "victim@example.com", PASSWORD).status_code == 400
    # the customer from their own address is not locked out
    own = TenantClient(host_of(tenant_a), REMOTE_ADDR="10.2.0.10")
    assert _login(own, "victim@example.com", PASSWORD).status_code == 302


def test_the_lock_ends_with_its_window(tenant_a):
    from django.core.cache import cache

    make_customer(tenant_a, "patient@example.com")
    client = TenantClient(host_of(tenant_a), REMOTE_ADDR="10.3.0.1")
    for _attempt in range(ratelimit.ACCOUNT_LIMIT):
        _login(client, "patient@example.com", "guess")
    assert _login(client, "patient@example.com", PASSWORD).status_code == 400
    with tenant_context(tenant_a):  # the window passes (the counters expire)
        cache.delete(ratelimit._key("account", "patient@example.com"))
        cache.delete(ratelimit._key("ip", "10.3.0.1"))
    assert _login(client, "patient@example.com", PASSWORD).status_code == 302


def test_client_ip_behind_a_trusted_proxy(settings, rf):
    settings.TRUSTED_PROXY_COUNT = 1
    request = rf.get("/", HTTP_X_FORWARDED_FOR="6.6.6.6, 1.2.3.4", REMOTE_ADDR="10.0.0.1")
    assert client_ip(request) == "1.2.3.4"
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(request) == "10.0.0.1"


def test_signup_exists_mail_is_sent_at_most_hourly(
    tenant_a, client_a, django_capture_on_commit_callbacks
):
    make_customer(tenant_a, "busy@example.com")
    data = {"email": "busy@example.com", "password": "a-new-long-passphrase-9"}
    with django_capture_on_commit_callbacks(execute=True):
        for _attempt in range(3):
            client_a.post("/account/signup/", data)
    assert len(mail.outbox) == 1
    with tenant_context(tenant_a):
        assert OutboxEmail.objects.filter(to_email="busy@example.com").count() == 1


def test_signups_and_reset_requests_are_limited_per_address(
    tenant_a, django_capture_on_commit_callbacks
):
    client = TenantClient(host_of(tenant_a), REMOTE_ADDR="10.4.0.1")
    for number in range(parse_rate(ratelimit.SIGNUP_RATE)[0]):
        response = client.post(
            "/account/signup/",
            {"email": f"bulk{number}@example.com", "password": "a-new-long-passphrase-9"},
        )
        assert response.status_code == 302
    refused = client.post(
        "/account/signup/", {"email": "one-more@example.com", "password": "a-new-long-pass-9"}
    )
    assert refused.status_code == 429 and b"Too many sign-ups" in refused.content
    make_customer(tenant_a, "flooded@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        for _attempt in range(3):
            client.post("/account/password-reset/", {"email": "flooded@example.com"})
    assert len([m for m in mail.outbox if m.to == ["flooded@example.com"]]) == 1
    for _attempt in range(parse_rate(ratelimit.RESET_RATE)[0]):
        client.post("/account/password-reset/", {"email": "x@example.com"})
    assert client.post("/account/password-reset/", {"email": "y@example.com"}).status_code == 429


def _median(values):
    import statistics

    return statistics.median(values)


def test_a_reset_request_takes_the_same_path_for_known_and_unknown_addresses(
    tenant_a, celery_eager, django_capture_on_commit_callbacks
):
    """Through HTTP, with what runs after commit included (as a browser waits for it): the
    same queries for an address with an account and one without, and about the same time
    (medians of interleaved runs). The lookup and the email happen in the worker."""
    import time

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    make_customer(tenant_a, "timed@example.com")
    celery_eager.conf.task_always_eager = False  # production: the task goes to the broker
    client = TenantClient(host_of(tenant_a))
    client.get("/account/password-reset/")  # warm up

    def request(email):
        start = time.perf_counter()
        with (
            CaptureQueriesContext(connection) as queries,
            django_capture_on_commit_callbacks(execute=True),
        ):
            response = client.post("/account/password-reset/", {"email": email})
        took = time.perf_counter() - start  # the after-commit work included
        assert response.status_code == 302
        sql = [q["sql"] for q in queries.captured_queries if "ratelimit" not in q["sql"]]
        return took, sql

    times = {"known": [], "unknown": []}
    shapes = {"known": set(), "unknown": set()}
    for run in range(9):
        for which, email in (("known", "timed@example.com"), ("unknown", f"n{run}@example.com")):
            took, sql = request(email)
            times[which].append(took)
            shapes[which].add(len(sql))
    assert shapes["known"] == shapes["unknown"]
    known, unknown = _median(times["known"]), _median(times["unknown"])
    slower = max(known, unknown)
    assert abs(known - unknown) < 0.015 and abs(known - unknown) < 0.25 * slower, times
    assert mail.outbox == []  # nothing was sent in the request itself


def test_signup_takes_about_as_long_for_a_known_address(tenant_a):
    """Both paths hash a password, which is most of the time either takes (medians of a few
    runs)."""
    import time

    from modules.accounts import services

    make_customer(tenant_a, "timed@example.com")
    base = "http://alpha.localhost/"
    times = {"known": [], "new": []}
    with tenant_context(tenant_a):
        for run in range(5):
            for which, email in (("known", "timed@example.com"), ("new", f"f{run}@example.com")):
                start = time.perf_counter()
                services.customer_signup(
                    email=email, password="a-new-long-passphrase-9", base_url=base
                )
                times[which].append(time.perf_counter() - start)
    known, new = _median(times["known"]), _median(times["new"])
    assert max(known, new) < min(known, new) * 2 + 0.02, times
