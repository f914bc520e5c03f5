"""StreamField blocks of a knowledge base article's body.

Headings are a block of their own (not a rich-text feature) so the article can build its table
of contents from them and give each one a stable anchor. Tables are a plain block rather than
wagtail.contrib.table_block, which would need an extra app in INSTALLED_APPS.
"""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageChooserBlock

# Rich text inside an article: no h2/h3 here, those come from heading blocks (and the TOC).
RICH_TEXT_FEATURES = [
    "bold",
    "italic",
    "h4",
    "ol",
    "ul",
    "link",
    "document-link",
    "code",
    "blockquote",
]


class HeadingBlock(blocks.StructBlock):
    level = blocks.ChoiceBlock(
        choices=[("2", _("Heading")), ("3", _("Subheading"))], default="2", label=_("Level")
    )
    text = blocks.CharBlock(label=_("Text"), max_length=150)

    class Meta:
        icon = "title"
        label = _("Heading")


class ImageBlock(blocks.StructBlock):
    image = ImageChooserBlock(label=_("Image"))
    alt_text = blocks.CharBlock(
        label=_("Alternative text"),
        required=False,
        max_length=250,
        help_text=_("What the image shows, for people who cannot see it. Empty if decorative."),
    )
    caption = blocks.CharBlock(label=_("Caption"), required=False, max_length=250)

    class Meta:
        icon = "image"
        label = _("Image")
        template = "kb/blocks/image.html"


class TableValue(blocks.StructValue):
    def rows(self) -> list[list[str]]:
        lines = [line for line in (self.get("data") or "").splitlines() if line.strip()]
        return [[cell.strip() for cell in line.split("|")] for line in lines]

    def header(self) -> list[str]:
        rows = self.rows()
        return rows[0] if rows and self.get("first_row_is_header") else []

    def body_rows(self) -> list[list[str]]:
        rows = self.rows()
        return rows[1:] if rows and self.get("first_row_is_header") else rows


class TableBlock(blocks.StructBlock):
    caption = blocks.CharBlock(label=_("Caption"), required=False, max_length=250)
    first_row_is_header = blocks.BooleanBlock(
        label=_("The first row holds the column headings"), required=False, default=True
    )
    data = blocks.TextBlock(
        label=_("Rows"),
        help_text=_("One row per line; separate the cells with a vertical bar ( | )."),
    )

    class Meta:
        icon = "table"
        label = _("Table")
        template = "kb/blocks/table.html"
        value_class = TableValue


class CodeBlock(blocks.StructBlock):
    language = blocks.CharBlock(
        label=_("Language"),
        required=False,
        max_length=30,
        help_text=_("For example: bash, python, json. Shown above the code."),
    )
    code = blocks.TextBlock(label=_("Code"))

    class Meta:
        icon = "code"
        label = _("Code")
        template = "kb/blocks/code.html"


class CalloutBlock(blocks.StructBlock):
    kind = blocks.ChoiceBlock(
        choices=[("info", _("Information")), ("tip", _("Tip")), ("warning", _("Warning"))],
        default="info",
        label=_("Kind"),
    )
    text = blocks.RichTextBlock(label=_("Text"), features=RICH_TEXT_FEATURES)

    class Meta:
        icon = "help"
        label = _("Callout")
        template = "kb/blocks/callout.html"


class VideoBlock(blocks.StructBlock):
    video = EmbedBlock(label=_("Video address"), help_text=_("A YouTube or Vimeo link."))
    caption = blocks.CharBlock(label=_("Caption"), required=False, max_length=250)

    class Meta:
        icon = "media"
        label = _("Video")
        template = "kb/blocks/video.html"


class ArticleBodyBlock(blocks.StreamBlock):
    heading = HeadingBlock()
    paragraph = blocks.RichTextBlock(
        label=_("Paragraph"), icon="pilcrow", features=RICH_TEXT_FEATURES
    )
    image = ImageBlock()
    table = TableBlock()
    code = CodeBlock()
    callout = CalloutBlock()
    video = VideoBlock()
