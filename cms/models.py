"""Models every portal has: its home page, branding and module switches."""

from django import forms
from django.core.validators import RegexValidator
from django.db import models
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting
from wagtail.fields import StreamField
from wagtail.models import Page, Site
from wagtail.search import index

from cms.blocks import CallToActionBlock, HomePageStreamBlock
from cms.forms import ModuleSettingsForm
from themes.registry import DEFAULT_THEME, theme_choices

ColourInput = forms.TextInput(attrs={"type": "color"})
hex_colour = RegexValidator(
    r"^#[0-9a-fA-F]{6}$", _("Enter a colour as # followed by six hex digits, e.g. #1d4ed8.")
)


class HomePage(Page):
    """The portal's front page: a hero with the search box, tiles for the switched-on modules,
    featured content, free text and calls to action, composed by the tenant admin."""

    body = StreamField(HomePageStreamBlock(), blank=True, verbose_name=_("Body"))

    content_panels = [*Page.content_panels, FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("body")]
    parent_page_types = ["wagtailcore.Page"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("Home page")

    def route(self, request, path_components):
        """A translation of the portal serves what it has translated and falls back to the
        portal's own language for the rest, so a page not yet translated is still there (in
        the original) rather than a 404."""
        try:
            return super().route(request, path_components)
        except Http404:
            site = Site.find_for_request(request)
            original = site.root_page if site is not None else None
            if (
                original is None
                or original.pk == self.pk
                or original.translation_key != self.translation_key
            ):
                raise
            return original.specific.route(request, path_components)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        from modules import registry

        context["enabled_modules"] = registry.enabled_keys(request)
        return context


class ContentPage(Page):
    """A plain portal page (about us, contact, getting started): free text blocks under the
    home page, for content that belongs to no module."""

    intro = models.TextField(_("introduction"), blank=True, max_length=500)
    body = StreamField(
        [
            ("rich_text", blocks.RichTextBlock(label=_("Rich text"), icon="doc-full")),
            ("call_to_action", CallToActionBlock()),
        ],
        blank=True,
        verbose_name=_("Body"),
    )

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("intro"), index.SearchField("body")]
    parent_page_types = ["cms.HomePage", "cms.ContentPage"]

    class Meta:
        verbose_name = _("Content page")


FONT_CHOICES = [
    ("system", _("System (fastest)")),
    ("humanist", _("Humanist sans")),
    ("geometric", _("Geometric sans")),
    ("serif", _("Serif")),
    ("mono", _("Monospace")),
]
FONT_STACKS = {
    "system": 'system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif',
    "humanist": '"Seravek", "Gill Sans Nova", Ubuntu, Calibri, "DejaVu Sans", sans-serif',
    "geometric": '"Avenir", "Montserrat", "Corbel", "URW Gothic", sans-serif',
    "serif": 'Charter, "Bitstream Charter", "Sitka Text", Cambria, "Noto Serif", serif',
    "mono": 'ui-monospace, "Cascadia Code", "Source Code Pro", Menlo, monospace',
}


class ColourScheme(models.TextChoices):
    LIGHT = "light", _("Light")
    DARK = "dark", _("Dark")
    AUTO = "auto", _("Follow the visitor's device")


@register_setting(icon="image")
class BrandingSettings(BaseGenericSetting):
    """How the tenant's portal looks: theme, logo, favicon, colours, font, light or dark.
    Edited under Settings → Branding; applied as CSS custom properties on every portal page."""

    theme = models.CharField(
        _("theme"), max_length=32, choices=theme_choices, default=DEFAULT_THEME
    )
    logo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("logo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    favicon = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("favicon"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    primary_colour = models.CharField(
        _("primary colour"), max_length=7, default="#1d4ed8", validators=[hex_colour]
    )
    accent_colour = models.CharField(
        _("accent colour"), max_length=7, default="#0f766e", validators=[hex_colour]
    )
    font = models.CharField(_("font"), max_length=16, choices=FONT_CHOICES, default="system")
    colour_scheme = models.CharField(
        _("light or dark"), max_length=8, choices=ColourScheme.choices, default=ColourScheme.LIGHT
    )

    panels = [
        FieldPanel("theme"),
        MultiFieldPanel([FieldPanel("logo"), FieldPanel("favicon")], heading=_("Images")),
        MultiFieldPanel(
            [
                FieldPanel("primary_colour", widget=ColourInput),
                FieldPanel("accent_colour", widget=ColourInput),
                FieldPanel("font"),
                FieldPanel("colour_scheme"),
            ],
            heading=_("Look"),
        ),
    ]

    class Meta:
        verbose_name = _("Branding")

    @property
    def font_stack(self) -> str:
        return FONT_STACKS.get(self.font, FONT_STACKS["system"])


@register_setting(icon="cogs")
class ModuleSettings(BaseGenericSetting):
    """Which portal modules this tenant has switched on. Edited under Settings → Modules; read by
    the module registry whenever a request touches a module."""

    switches = models.JSONField(
        default=dict,
        blank=True,
        help_text=_("Module key → on/off. Modules not listed use their default."),
    )
    # Keys of the modules whose starting pages this portal has been given (cms.setup), so an
    # upgrade furnishes only modules that are new to it and never brings back what an admin
    # deleted or changed.
    furnished = models.JSONField(default=list, blank=True, editable=False)

    panels = [FieldPanel("switches")]
    base_form_class = ModuleSettingsForm

    class Meta:
        verbose_name = _("Modules")
