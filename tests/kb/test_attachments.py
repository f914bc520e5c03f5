"""An article's attachments follow the article: a file attached to an article a visitor may not
open is a 404 for them, by its document address and by its media path; another tenant never
reaches it."""

import pytest
from django.core.files.base import ContentFile
from django_tenants.utils import tenant_context

from tests.kb.conftest import restrict_to_signed_in
from tests.video.conftest import _forget_media_root

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    _forget_media_root()
    yield tmp_path
    _forget_media_root()


@pytest.fixture
def attachment_a(kb_a, tenant_a):
    from wagtail.documents import get_document_model

    from modules.kb.pages import ArticleAttachment

    with tenant_context(tenant_a):
        document = get_document_model().objects.create(
            title="Invoice template",
            file=ContentFile(b"%PDF-1.4 invoice template", name="invoice-template.pdf"),
        )
        article = kb_a["article"]
        ArticleAttachment.objects.create(page=article, document=document)
        return {"url": document.url, "file": document.file.name, "schema": tenant_a.schema_name}


def test_attachment_of_a_public_article_downloads(attachment_a, client_a):
    response = client_a.get(attachment_a["url"])
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF-1.4")


def test_attachment_of_a_private_article_is_hidden(kb_a, attachment_a, tenant_a, client_a):
    restrict_to_signed_in(tenant_a, kb_a["article"])
    assert client_a.get(attachment_a["url"]).status_code == 404
    # nor by the file's own media path
    media = f"/media/{attachment_a['schema']}/{attachment_a['file']}"
    assert client_a.get(media).status_code == 404


def test_attachment_is_hidden_while_the_module_is_off(attachment_a, tenant_a, client_a):
    from cms.models import ModuleSettings

    with tenant_context(tenant_a):
        switches = ModuleSettings.load()
        switches.switches = {"kb": False}
        switches.save()
    assert client_a.get(attachment_a["url"]).status_code == 404


def test_tenant_b_cannot_download_tenant_a_attachment(attachment_a, client_b):
    assert client_b.get(attachment_a["url"]).status_code == 404
    media = f"/media/{attachment_a['schema']}/{attachment_a['file']}"
    assert client_b.get(media).status_code == 404
