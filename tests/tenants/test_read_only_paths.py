"""A read-only portal (trial ended without a plan) refuses every write, by every door.

The doors are not listed by hand: every URL the tenant host serves (Wagtail's admin, each
module's pages, the API, search, media...) is taken from the URL configuration itself, filled
in and sent POST and DELETE (PUT and PATCH too for the API) by an administrator and by a
customer. Each is refused with the read-only answer (HTML page or problem+json) unless it is
one of the few writes a read-only portal keeps (signing in and out, the language switch, the
customer's data export, the way to a plan), and every row of the tenant's schema is the same
afterwards. Reads still work. A suspended portal refuses the same way."""

from __future__ import annotations

import json
import re

import pytest
from django.db import connection
from django.urls import get_resolver
from django_tenants.utils import tenant_context
from psycopg import sql

from tenants import services
from tenants.lifecycle import read_only_allowed
from tenants.models import TenantStatus
from tests.conftest import TenantClient, admin_of, host_of, login_on, make_customer

pytestmark = pytest.mark.django_db

WRITE_METHODS = ("post", "delete")
# The API also takes PUT and PATCH.
API_WRITE_METHODS = ("post", "put", "patch", "delete")
# Tables whose rows a refused request may still touch: the session a sign-in keeps.
VOLATILE_TABLES = {"django_session"}


def tenant_paths() -> list[str]:
    """One concrete path for every pattern of the tenant host's URL configuration (Django's own
    reverse table: each view's possible formats, with every parameter filled in)."""
    resolver = get_resolver("config.urls_tenant")
    paths: set[str] = set()
    for key in list(resolver.reverse_dict):
        for possibility, _pattern, _defaults, _converters in resolver.reverse_dict.getlist(key):
            for fmt, params in possibility:
                values = {name: _sample(name) for name in params}
                paths.add("/" + (fmt % values))
    for namespace_path, resolver_namespace in _namespaces(resolver):
        for key in list(resolver_namespace.reverse_dict):
            for possibility, *_rest in resolver_namespace.reverse_dict.getlist(key):
                for fmt, params in possibility:
                    values = {name: _sample(name) for name in params}
                    paths.add("/" + namespace_path + (fmt % values))
    return sorted(paths)


def _namespaces(resolver, prefix=""):
    for _name, (sub_prefix, sub_resolver) in resolver.namespace_dict.items():
        yield prefix + sub_prefix, sub_resolver
        yield from _namespaces(sub_resolver, prefix + sub_prefix)


def _sample(name: str) -> str:
    if "uuid" in name or name in {"nonce"}:
        return "00000000-0000-0000-0000-000000000001"
    if name in {"path", "url"}:
        return "x"
    return "1"


def schema_fingerprint() -> dict[str, str]:
    """Every table of the current tenant schema → a digest of all its rows."""
    schema = connection.schema_name
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = %s AND table_type = 'BASE TABLE'",
            [schema],
        )
        tables = [row[0] for row in cursor.fetchall() if row[0] not in VOLATILE_TABLES]
        digests = {}
        for table in tables:
            cursor.execute(
                sql.SQL(
                    "SELECT count(*), md5(coalesce(string_agg(t::text, ',' ORDER BY t::text), ''))"
                    " FROM {}.{} t"
                ).format(sql.Identifier(schema), sql.Identifier(table))
            )
            count, digest = cursor.fetchone()
            digests[table] = f"{count}:{digest}"
    return digests


def _refused(response) -> bool:
    if response.status_code != 403:
        return False
    if response["Content-Type"].startswith("application/problem+json"):
        return json.loads(response.content)["type"].endswith("read-only")
    return b"read-only" in response.content


@pytest.fixture
def read_only_a(tenant_a):
    services.tenant_set_status(tenant=tenant_a, status=TenantStatus.READ_ONLY, actor="system")
    return tenant_a


def test_the_url_table_is_walked_whole():
    paths = tenant_paths()
    # the admin, every module, the API and the portal's own pages are all there
    for expected in ("/admin/pages/1/edit/", "/tickets/new/", "/api/v1/tickets/", "/search/"):
        assert expected in paths, expected
    assert len(paths) > 300


def _suspended(response) -> bool:
    if response.status_code not in (403, 503):
        return False
    if response["Content-Type"].startswith("application/problem+json"):
        return json.loads(response.content)["type"].endswith("suspended")
    return b"suspended" in response.content


def test_every_write_path_refuses_and_nothing_changes(read_only_a):
    _every_write_refused(read_only_a, _refused, allowed=read_only_allowed)


# A closed portal's administrators can still sign in to its admin (to read it), ask for its
# deletion or undo that, and end an operator's support access; nothing else is written (and
# these, sent empty, change nothing).
CLOSED_WRITES = (
    "/admin/login/",
    "/admin/logout/",
    "/admin/portal-deletion/",
    "/admin/support-access/",
)


def test_a_suspended_portal_refuses_every_write_but_the_admins_sign_in(tenant_a):
    services.tenant_suspend(tenant=tenant_a, actor="operator@platform.example")
    _every_write_refused(tenant_a, _suspended, allowed=lambda path: path.startswith(CLOSED_WRITES))


def _every_write_refused(read_only_a, refused, allowed):
    with tenant_context(read_only_a):
        customer = make_customer("reader@read-only.example")
    clients = {
        "admin": login_on(TenantClient(host_of(read_only_a)), read_only_a, admin_of(read_only_a)),
        "customer": login_on(TenantClient(host_of(read_only_a)), read_only_a, customer),
    }
    with tenant_context(read_only_a):
        before = schema_fingerprint()
    not_refused = []
    tried = 0
    for path in tenant_paths():
        if allowed(path):
            continue
        for who, client in clients.items():
            methods = API_WRITE_METHODS if path.startswith("/api/") else WRITE_METHODS
            for method in methods:
                response = getattr(client, method)(path, data="{}", content_type="application/json")
                tried += 1
                if not refused(response):
                    not_refused.append(f"{who} {method.upper()} {path} → {response.status_code}")
    assert not not_refused, "\n".join(not_refused)
    assert tried > 1000
    with tenant_context(read_only_a):
        after = schema_fingerprint()
    changed = [table for table in before if before[table] != after.get(table)]
    assert not changed, changed


def test_the_writes_a_read_only_portal_keeps_change_nothing_they_should_not(read_only_a):
    """Signing in and out, the language switch, the billing page and a customer's own export
    still answer; they leave the portal's content as it was."""
    with tenant_context(read_only_a):
        customer = make_customer("keeper@read-only.example")
    client = login_on(TenantClient(host_of(read_only_a)), read_only_a, customer)
    admin = login_on(TenantClient(host_of(read_only_a)), read_only_a, admin_of(read_only_a))
    assert admin.get("/admin/billing/").status_code == 200
    anonymous = TenantClient(host_of(read_only_a))
    # Wagtail creates a settings row with its defaults on first read: read them first
    assert anonymous.get("/account/login/").status_code == 200
    with tenant_context(read_only_a):
        before = schema_fingerprint()
    sign_in = anonymous.post("/account/login/", {"email": "x@y.example", "password": "no"})
    assert sign_in.status_code == 400 and b"read-only" not in sign_in.content  # the form answers
    assert anonymous.post("/i18n/setlang/", {"language": "hr", "next": "/"}).status_code == 302
    export = client.post("/account/privacy/export/")
    assert export.status_code == 200 and export["Content-Type"] == "application/zip"
    assert admin.get("/admin/billing/").status_code == 200
    assert client.post("/account/logout/").status_code == 302
    with tenant_context(read_only_a):
        after = schema_fingerprint()
    changed = {t for t in before if before[t] != after.get(t)}
    # a sign-in attempt is counted by the lockout, nothing else moves
    assert changed <= {"axes_accessattempt", "axes_accessfailurelog"}, changed


def test_reads_still_work_for_customers_and_admins(read_only_a):
    with tenant_context(read_only_a):
        customer = make_customer("browser@read-only.example")
    client = login_on(TenantClient(host_of(read_only_a)), read_only_a, customer)
    for path in ("/", "/kb/", "/faq/", "/ideas/", "/forum/", "/tickets/", "/search/?q=help"):
        assert client.get(path).status_code == 200, path
    assert client.get("/api/v1/tickets/").status_code == 200
    admin = login_on(TenantClient(host_of(read_only_a)), read_only_a, admin_of(read_only_a))
    for path in ("/admin/", "/admin/pages/", "/admin/tickets/", "/admin/billing/"):
        assert admin.get(path).status_code == 200, path


def test_another_portal_is_not_read_only(read_only_a, tenant_b):
    admin_b = login_on(TenantClient(host_of(tenant_b)), tenant_b, admin_of(tenant_b))
    response = admin_b.post("/admin/pages/add/cms/contentpage/2/", {"title": ""})
    assert response.status_code != 403
    assert not re.search(rb"read-only", response.content)
