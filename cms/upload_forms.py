"""Wagtail's image and document forms with the plan's storage quota at the door: an upload that
does not fit is a form error (with where to upgrade), in the single and the multiple upload
alike. Named in settings (WAGTAILIMAGES_IMAGE_FORM_BASE, WAGTAILDOCS_DOCUMENT_FORM_BASE)."""

from __future__ import annotations

from wagtail.documents.forms import BaseDocumentForm
from wagtail.images.forms import BaseImageForm

from cms import limits


class _QuotaMixin:
    def clean(self):
        data = super().clean()  # type: ignore[misc]
        upload = data.get("file")
        if upload is not None and "file" in self.changed_data:  # type: ignore[attr-defined]
            refusal = limits.storage_refusal(getattr(upload, "size", 0) or 0)
            if refusal is not None:
                self.add_error("file", limits.storage_admin_message(refusal))  # type: ignore[attr-defined]
        return data


class QuotaImageForm(_QuotaMixin, BaseImageForm):
    pass


class QuotaDocumentForm(_QuotaMixin, BaseDocumentForm):
    pass
