"""StreamField blocks for the portal home page."""

from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.images.blocks import ImageChooserBlock

from modules import registry


def validate_link(value: str) -> None:
    """A link in portal content: a path on the portal, or an http(s) address. Nothing else
    (no javascript:, data: or protocol-relative tricks)."""
    if not value:
        return
    if value.startswith("/") and not value.startswith("//"):
        return
    URLValidator(schemes=["http", "https"])(value)


def link_block(label):
    return blocks.CharBlock(label=label, required=False, max_length=300, validators=[validate_link])


def module_choices():
    return registry.module_choices()


class HeroBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label=_("Heading"), max_length=120)
    subheading = blocks.TextBlock(label=_("Subheading"), required=False, max_length=300)
    show_search = blocks.BooleanBlock(label=_("Show the search box"), default=True, required=False)
    search_placeholder = blocks.CharBlock(
        label=_("Search box placeholder"), required=False, max_length=80
    )
    background_image = ImageChooserBlock(label=_("Background image"), required=False)

    class Meta:
        icon = "title"
        label = _("Hero")
        template = "cms/blocks/hero.html"


class ModuleTileBlock(blocks.StructBlock):
    module = blocks.ChoiceBlock(choices=module_choices, label=_("Module"), required=False)
    title = blocks.CharBlock(label=_("Title"), max_length=80)
    description = blocks.TextBlock(label=_("Description"), required=False, max_length=200)
    icon = blocks.CharBlock(label=_("Icon (emoji or short text)"), required=False, max_length=4)
    page = blocks.PageChooserBlock(label=_("Link to page"), required=False)
    url = link_block(_("…or to this address"))

    class Meta:
        icon = "grip"
        label = _("Tile")


class ModuleTilesBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label=_("Heading"), required=False, max_length=120)
    tiles = blocks.ListBlock(ModuleTileBlock(), label=_("Tiles"))

    class Meta:
        icon = "table"
        label = _("Module tiles")
        template = "cms/blocks/module_tiles.html"


class FeaturedContentBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label=_("Heading"), required=False, max_length=120)
    pages = blocks.ListBlock(blocks.PageChooserBlock(), label=_("Pages"))

    class Meta:
        icon = "pick"
        label = _("Featured content")
        template = "cms/blocks/featured.html"


class CallToActionBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label=_("Heading"), max_length=120)
    text = blocks.TextBlock(label=_("Text"), required=False, max_length=400)
    button_label = blocks.CharBlock(label=_("Button label"), max_length=40)
    button_page = blocks.PageChooserBlock(label=_("Button links to page"), required=False)
    button_url = link_block(_("…or to this address"))

    class Meta:
        icon = "link"
        label = _("Call to action")
        template = "cms/blocks/cta.html"


class HomePageStreamBlock(blocks.StreamBlock):
    hero = HeroBlock()
    module_tiles = ModuleTilesBlock()
    featured = FeaturedContentBlock()
    rich_text = blocks.RichTextBlock(
        label=_("Rich text"), template="cms/blocks/rich_text.html", icon="doc-full"
    )
    call_to_action = CallToActionBlock()
