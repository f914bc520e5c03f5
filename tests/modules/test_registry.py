"""The module registry's on/off switch, proved with the sample module (tests/samplemodule)."""

import pytest
from django_tenants.utils import tenant_context

from cms.models import HomePage, ModuleSettings
from modules import registry
from tests.samplemodule.models import Note, SamplePage

pytestmark = pytest.mark.django_db


def switch(tenant, key, on):
    with tenant_context(tenant):
        settings_row = ModuleSettings.load()
        settings_row.switches = {**(settings_row.switches or {}), key: on}
        settings_row.save()


@pytest.fixture
def sample_page_a(tenant_a):
    with tenant_context(tenant_a):
        page = SamplePage(title="Sample flamingo page", slug="flamingo", body="pink flamingo facts")
        HomePage.objects.get().add_child(instance=page)
        page.save_revision().publish()
    return page


def test_registered_module_is_known():
    spec = registry.get("sample")
    assert spec is not None and spec.urls == "tests.samplemodule.urls"
    assert ("sample", "Sample module") in registry.module_choices()


def test_module_on_by_default_everywhere(client_a, client_b):
    assert client_a.get("/sample/").content == b"sample module says hello"
    assert client_b.get("/sample/").status_code == 200
    assert client_a.get("/api/v1/sample-notes/").status_code == 200


def test_switched_off_module_disappears_for_that_tenant_only(tenant_a, client_a, client_b):
    switch(tenant_a, "sample", False)
    assert client_a.get("/sample/").status_code == 404
    api = client_a.get("/api/v1/sample-notes/")
    assert api.status_code == 404
    assert api["Content-Type"] == "application/problem+json"
    assert client_b.get("/sample/").status_code == 200
    assert client_b.get("/api/v1/sample-notes/").status_code == 200


def test_api_lists_only_this_tenants_rows(tenant_a, tenant_b, client_a, client_b):
    with tenant_context(tenant_a):
        Note.objects.create(text="alpha note")
    assert [n["text"] for n in client_a.get("/api/v1/sample-notes/").json()["results"]] == [
        "alpha note"
    ]
    assert client_b.get("/api/v1/sample-notes/").json()["results"] == []


def test_pages_of_a_switched_off_module_are_not_served(tenant_a, sample_page_a, client_a):
    assert client_a.get("/flamingo/").status_code == 200
    switch(tenant_a, "sample", False)
    assert client_a.get("/flamingo/").status_code == 404


def test_page_types_of_a_switched_off_module_cannot_be_created(tenant_a, admin_client_a):
    with tenant_context(tenant_a):
        home = HomePage.objects.get()
        assert SamplePage.can_create_at(home)
    add_url = f"/admin/pages/add/samplemodule/samplepage/{home.pk}/"
    assert admin_client_a.get(add_url).status_code == 200
    chooser = admin_client_a.get(f"/admin/pages/{home.pk}/add_subpage/").content.decode()
    assert "samplepage" in chooser.lower()
    switch(tenant_a, "sample", False)
    with tenant_context(tenant_a):
        assert not SamplePage.can_create_at(home)
    refused = admin_client_a.get(add_url)
    assert refused.status_code in (302, 403, 404)
    assert refused.status_code != 302 or refused["Location"] == "/admin/"
    admin_client_a.post(add_url, {"title": "Sneaky", "slug": "sneaky", "action-publish": "1"})
    with tenant_context(tenant_a):
        assert not SamplePage.objects.filter(slug="sneaky").exists()
    chooser = admin_client_a.get(f"/admin/pages/{home.pk}/add_subpage/").content.decode()
    assert "samplepage" not in chooser.lower()


def test_admin_menu_items_of_a_switched_off_module_are_hidden(tenant_a, admin_client_a):
    assert "sample-notes" in admin_client_a.get("/admin/").content.decode()
    switch(tenant_a, "sample", False)
    assert "sample-notes" not in admin_client_a.get("/admin/").content.decode()


def test_content_of_a_switched_off_module_leaves_search(tenant_a, sample_page_a, client_a):
    assert "Sample flamingo page" in client_a.get("/search/", {"q": "flamingo"}).content.decode()
    switch(tenant_a, "sample", False)
    assert (
        "Sample flamingo page" not in client_a.get("/search/", {"q": "flamingo"}).content.decode()
    )


def test_scheduled_tasks_fan_out_only_to_tenants_with_the_module_on(tenant_a, tenant_b):
    from tenants.tasks import module_schedule_targets

    on_the_hour = 3600 * 1_000_000  # when the hourly sample task is due
    targets = module_schedule_targets(on_the_hour)
    assert (tenant_a.schema_name, "samplemodule.tasks.tick") in targets
    assert (tenant_b.schema_name, "samplemodule.tasks.tick") in targets
    switch(tenant_a, "sample", False)
    targets = module_schedule_targets(on_the_hour)
    assert (tenant_a.schema_name, "samplemodule.tasks.tick") not in targets
    assert (tenant_b.schema_name, "samplemodule.tasks.tick") in targets


def test_tenant_admin_switches_modules_in_the_admin(tenant_a, admin_client_a, client_a):
    with tenant_context(tenant_a):
        url = f"/admin/settings/cms/modulesettings/{ModuleSettings.load().pk}/"
    form = admin_client_a.get(url)
    assert form.status_code == 200
    assert "Sample module" in form.content.decode()
    response = admin_client_a.post(url, {"switches": []})
    assert response.status_code == 302, response.content.decode()[:2000]
    with tenant_context(tenant_a):
        assert ModuleSettings.load().switches["sample"] is False
    assert client_a.get("/sample/").status_code == 404
    admin_client_a.post(url, {"switches": ["sample"]})
    assert client_a.get("/sample/").status_code == 200


def test_each_scheduled_task_is_sent_at_its_own_interval(tenant_a):
    """Beat runs the fan-out every minute; a task is sent only in the run where its own
    interval comes round (an hourly task once an hour, a five-minute one every five)."""
    from modules import registry
    from tenants.tasks import FAN_OUT_SECONDS, module_schedule_targets

    hourly = "samplemodule.tasks.tick"
    assert registry.get("sample").scheduled_tasks[0].every_seconds == 3600
    hour = 3600 * 1_000_000  # some whole hour since the epoch
    runs = [hour + FAN_OUT_SECONDS * n + 7 for n in range(60)]  # one hour of minutely runs
    sent = [now for now in runs if (tenant_a.schema_name, hourly) in module_schedule_targets(now)]
    assert sent == [runs[0]]
    sweep = "accounts.outbox_sweep"  # every five minutes
    sent = [now for now in runs if (tenant_a.schema_name, sweep) in module_schedule_targets(now)]
    assert len(sent) == 12


def test_always_on_tasks_go_out_without_opening_any_tenant_schema(
    tenant_a, tenant_b, django_assert_max_num_queries
):
    """At five past the hour only the outbox sweep (customer accounts, always on) is due: every
    live tenant gets it from one query over the tenant list, no schema switch per tenant."""
    from tenants.tasks import module_schedule_targets

    five_past = 3600 * 1_000_000 + 300
    with django_assert_max_num_queries(1):
        targets = module_schedule_targets(five_past)
    assert (tenant_a.schema_name, "accounts.outbox_sweep") in targets
    assert (tenant_b.schema_name, "accounts.outbox_sweep") in targets
    assert not any(name == "samplemodule.tasks.tick" for _schema, name in targets)
