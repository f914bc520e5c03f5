"""What the OpenSearch backend sends, seen by a local fake server (no OpenSearch needed).

Every check here is one a tenant's safety depends on: documents carry their tenant and routing,
ids cannot collide across schemas, searches reach only the current tenant's filtered alias, the
public schema neither indexes nor searches, and purging a tenant deletes its documents.
"""

import io
import json
import uuid

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django_tenants.utils import tenant_context
from modelsearch.backends import get_search_backend

from cms import search_opensearch
from cms.models import ContentPage
from cms.search import portal_search
from tests.conftest import run_committed
from tests.search_opensearch.conftest import PAGE_INDEX, contains, publish

pytestmark = pytest.mark.django_db


def tenant_term(schema):
    return {"term": {"tenant": schema}}


def _writes(fake):
    return [r for r in fake.requests if r.parts[1:2] == ["_doc"] and r.method in ("PUT", "POST")]


def _reads(fake):
    return [r for r in fake.requests if r.parts[-1] in ("_search", "_count")]


def test_indexed_documents_carry_tenant_routing_and_a_prefixed_id(fake_opensearch, tenant_a):
    schema = tenant_a.schema_name
    page = publish(tenant_a, "Resetting your password", "reset", "Forgot it?")
    writes = _writes(fake_opensearch)
    assert any(r.parts[2] == f"{schema}:{page.pk}" for r in writes)
    for request in writes:
        assert request.parts[0] == PAGE_INDEX  # the shared index …
        assert request.query["routing"] == schema  # … routed by the tenant
        assert request.parts[2].startswith(f"{schema}:")
        assert request.body["tenant"] == schema
        assert request.body["pk"] == request.parts[2].split(":", 1)[1]


def test_shared_index_and_the_tenants_filtered_alias_are_created(fake_opensearch, tenant_a):
    schema = tenant_a.schema_name
    publish(tenant_a, "Billing overview", "billing")
    created = [r for r in fake_opensearch.requests if r.method == "PUT" and r.parts == [PAGE_INDEX]]
    assert len(created) == 1
    mappings = [r for r in fake_opensearch.requests if r.parts == [PAGE_INDEX, "_mapping"]]
    assert mappings and all(r.body["properties"]["tenant"] == {"type": "keyword"} for r in mappings)
    alias = f"{PAGE_INDEX}__{schema}"
    puts = [r for r in fake_opensearch.requests if r.parts == [PAGE_INDEX, "_alias", alias]]
    assert len(puts) == 1
    assert puts[0].body == {"filter": tenant_term(schema), "routing": schema}
    # A second save neither recreates the index nor the alias.
    fake_opensearch.clear()
    publish(tenant_a, "Billing overview two", "billing-2")
    assert not [r for r in fake_opensearch.requests if "_alias" in r.parts or r.method == "HEAD"]


def test_searches_reach_only_the_current_tenants_alias(
    fake_opensearch, tenant_a, tenant_b, client_a, client_b
):
    publish(tenant_a, "Resetting your password", "reset")
    for client, tenant, other in ((client_a, tenant_a, tenant_b), (client_b, tenant_b, tenant_a)):
        schema = tenant.schema_name
        fake_opensearch.clear()
        # every switched-on module's query compiles for OpenSearch (no 500 on any of them)
        assert client.get("/search/", {"q": "password"}).status_code == 200
        assert client.get("/search/suggest/", {"q": "pass"}).status_code == 200
        reads = _reads(fake_opensearch)
        assert reads
        for request in reads:
            target = request.parts[0]
            assert target.endswith(f"__{schema}") and "," not in target and "*" not in target
            assert request.query["routing"] == schema
            assert contains(request.body, tenant_term(schema))  # belt and braces
            assert other.schema_name not in str(request.body) + request.path


def test_count_goes_through_the_alias_too(fake_opensearch, tenant_a):
    with tenant_context(tenant_a):
        found = get_search_backend().search("password", ContentPage)
        assert found.count() == 0
    (request,) = _reads(fake_opensearch)
    assert request.parts == [f"{PAGE_INDEX}__{tenant_a.schema_name}", "_count"]
    assert contains(request.body, tenant_term(tenant_a.schema_name))


def test_public_schema_neither_searches_nor_indexes(fake_opensearch, tenant_a):
    page = publish(tenant_a, "Resetting your password", "reset")
    fake_opensearch.clear()
    connection.set_schema_to_public()
    backend = get_search_backend()
    with pytest.raises(search_opensearch.PublicSchemaSearchError):
        backend.search("password", ContentPage)
    with pytest.raises(search_opensearch.PublicSchemaSearchError):
        backend.autocomplete("pass", ContentPage)
    backend.add(page)
    backend.add_bulk(ContentPage, [page])
    backend.delete(page)
    assert fake_opensearch.requests == []


def test_deleting_a_page_deletes_its_document_with_routing(fake_opensearch, tenant_a):
    schema = tenant_a.schema_name
    page = publish(tenant_a, "Short-lived", "short-lived")
    fake_opensearch.clear()
    with tenant_context(tenant_a):
        ContentPage.objects.get(pk=page.pk).delete()
    deletes = [r for r in fake_opensearch.requests if r.method == "DELETE"]
    assert deletes  # (once per indexed class of the page: Page and ContentPage)
    for request in deletes:
        assert request.parts == [PAGE_INDEX, "_doc", f"{schema}:{page.pk}"]
        assert request.query["routing"] == schema


def test_purge_tenant_deletes_its_documents_and_aliases(fake_opensearch, tenant_a):
    schema = tenant_a.schema_name
    search_opensearch.purge_tenant(schema)
    by_query = fake_opensearch.matching("POST", "_delete_by_query")
    assert PAGE_INDEX in {r.parts[0] for r in by_query}
    for request in by_query:
        assert request.query["routing"] == schema
        assert request.body == {"query": {"bool": {"filter": [tenant_term(schema)]}}}
    aliases = [r.parts for r in fake_opensearch.requests if r.method == "DELETE"]
    assert [PAGE_INDEX, "_alias", f"{PAGE_INDEX}__{schema}"] in aliases
    with pytest.raises(ValueError):
        search_opensearch.purge_tenant("public")


def test_tenant_purge_removes_the_tenants_search_documents(fake_opensearch):
    from django.contrib.auth.hashers import make_password

    from tenants import provisioning, services

    slug = f"gone-{uuid.uuid4().hex[:6]}"
    result, _uid = run_committed(
        lambda: provisioning.provision_tenant(
            name="Gone",
            slug=slug,
            admin={"email": f"a@{slug}.example", "first_name": "A", "password": make_password("x")},
            trial_days=14,
            paths=("clone",),
        )
    )
    tenant = result.tenant
    try:
        run_committed(lambda: services.tenant_delete(tenant=tenant, actor="test"))
        fake_opensearch.clear()
        run_committed(lambda: services.tenant_purge(tenant=tenant, actor="test"))
        by_query = fake_opensearch.matching("POST", "_delete_by_query")
        assert by_query
        assert all(r.query["routing"] == tenant.schema_name for r in by_query)
        assert all(contains(r.body, tenant_term(tenant.schema_name)) for r in by_query)
    finally:
        run_committed(lambda: provisioning.drop_schema(tenant.schema_name))
        run_committed(lambda: type(tenant).objects.filter(pk=tenant.pk).delete())


def test_reindex_writes_in_bulk_under_routing_and_drops_stale_documents(fake_opensearch, tenant_a):
    schema = tenant_a.schema_name
    page = publish(tenant_a, "Walrus guide", "walrus")
    fake_opensearch.clear()
    out = io.StringIO()
    call_command("search_reindex", "--tenant", "alpha", stdout=out)
    bulks = fake_opensearch.matching("POST", "_bulk")
    assert bulks
    actions = [line for r in bulks for line in r.body if "index" in line]
    documents = [line for r in bulks for line in r.body if "index" not in line]
    assert actions and all(a["index"]["routing"] == schema for a in actions)
    assert all(a["index"]["_id"].startswith(f"{schema}:") for a in actions)
    assert {"_id": f"{schema}:{page.pk}", "routing": schema} in [a["index"] for a in actions]
    assert {r.parts[0] for r in bulks} >= {PAGE_INDEX}  # the shared index, under routing
    assert documents and all(d["tenant"] == schema for d in documents)
    stale = fake_opensearch.matching("POST", "_delete_by_query")
    assert stale and all(r.query["routing"] == schema for r in stale)
    assert all(contains(r.body, tenant_term(schema)) for r in stale)
    assert all("_indexed_at" in json.dumps(r.body) for r in stale)  # only what was not rewritten
    assert "1/1 tenants" in out.getvalue() and "docs/s" in out.getvalue()


def test_reindex_needs_tenants_named_or_all(tenant_a):
    with pytest.raises(CommandError):
        call_command("search_reindex", stdout=io.StringIO())
    with pytest.raises(CommandError, match="no-such-tenant"):
        call_command("search_reindex", "--tenant", "no-such-tenant", stdout=io.StringIO())


def test_reindex_with_the_postgresql_backend_rebuilds_each_schema(tenant_a, tenant_b):
    publish(tenant_a, "Walrus guide", "walrus")
    out = io.StringIO()
    call_command("search_reindex", "--tenant", "alpha", "--tenant", "beta", stdout=out)
    assert "2/2 tenants" in out.getvalue()
    with tenant_context(tenant_a):
        assert [hit.title for hit in portal_search("walrus", None).hits] == ["Walrus guide"]
    with tenant_context(tenant_b):
        assert portal_search("walrus", None).hits == []


def test_a_new_portal_is_indexed_after_signup(fake_opensearch, settings, celery_eager):
    """A portal made by cloning has its pages in PostgreSQL at once; after the signup commits,
    a task writes them into the cluster under the new tenant's routing."""
    from tenants import provisioning, services

    settings.SPARE_SCHEMAS = 0  # no pool refill thread in this test
    slug = f"fresh-{uuid.uuid4().hex[:6]}"
    result = run_committed(
        lambda: services.tenant_signup(
            company_name="Fresh",
            subdomain=slug,
            admin_name="Ada Admin",
            admin_email=f"ada@{slug}.example",
            admin_password="correct horse battery staple",
            paths=("clone",),
        )
    )
    tenant = result.tenant
    try:
        schema = tenant.schema_name
        bulks = fake_opensearch.matching("POST", "_bulk")
        actions = [line["index"] for r in bulks for line in r.body if "index" in line]
        assert actions and all(a["routing"] == schema for a in actions)
        documents = [line for r in bulks for line in r.body if "index" not in line]
        assert any(d["tenant"] == schema for d in documents)
    finally:
        run_committed(lambda: provisioning.drop_schema(tenant.schema_name))
        run_committed(lambda: type(tenant).objects.filter(pk=tenant.pk).delete())
