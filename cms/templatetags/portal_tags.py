"""Template helpers for portal pages: the tenant's look (theme, branding colours, site name),
the header's module links, and which blocks' links and tiles a visitor may see.

The colour maths lives here rather than in CSS so the text colour on a tenant's brand colour is
decided once, on the server, and meets WCAG AA (4.5:1) whatever colour the tenant picked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django import template
from django.conf import settings
from django.template.loader import get_template
from django.utils.functional import cached_property
from django.utils.safestring import SafeString, mark_safe

from modules import registry
from themes.registry import Theme, get_theme

register = template.Library()

HEX_RE = re.compile(r"^#[0-9a-fA-F]{6}$")
# Only values made of these characters reach the inline <style>: no way out of a declaration.
CSS_TOKEN_RE = re.compile(r"^[\w#.%() ,-]+$")
DEFAULT_PRIMARY = "#1d4ed8"
DEFAULT_ACCENT = "#0f766e"
WHITE = "#ffffff"
NEAR_BLACK = "#111827"
BLACK = "#000000"
AA = 4.5
# Surfaces that body text and links sit on, per colour scheme (mirrors themes/common.css).
LIGHT_SURFACES = ("#ffffff", "#f4f5f7")
DARK_SURFACES = ("#12171e", "#1b222c")


# --- colour maths (WCAG 2.x relative luminance) ---------------------------------------------


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    value = hex_colour.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def _hex(rgb: tuple[float, float, float]) -> str:
    return "#" + "".join(f"{round(max(0, min(255, c))):02x}" for c in rgb)


def luminance(hex_colour: str) -> float:
    def channel(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.04045 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in _rgb(hex_colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def mix(a: str, b: str, amount: float) -> str:
    """`amount` of colour b mixed into colour a (0 = a, 1 = b)."""
    return _hex(
        tuple(x + (y - x) * amount for x, y in zip(_rgb(a), _rgb(b), strict=True))  # type: ignore[arg-type]
    )


def readable_on(background: str) -> str:
    """White or near-black, whichever reads better on `background`; pure black in the narrow
    band of mid-tones where near-black would fall short of 4.5:1."""
    best = WHITE if contrast(WHITE, background) >= contrast(NEAR_BLACK, background) else NEAR_BLACK
    if contrast(best, background) < AA:
        best = BLACK
    return best


def ink_on(colour: str, surfaces: tuple[str, ...], *, towards: str) -> str:
    """`colour`, darkened or lightened (towards black or white) just enough to be readable as
    text on every one of `surfaces`: a pale brand colour still gives legible links."""
    for step in range(21):
        candidate = mix(colour, towards, step / 20)
        if all(contrast(candidate, surface) >= AA for surface in surfaces):
            return candidate
    return towards


def safe_hex(value: str | None, default: str) -> str:
    return value if isinstance(value, str) and HEX_RE.match(value) else default


# --- the tenant's look ----------------------------------------------------------------------


@dataclass(frozen=True)
class NavLink:
    label: str
    url: str


class PortalLook:
    """Everything a portal page's chrome needs, read lazily: templates that never ask (the
    Wagtail admin, error pages) cost no query."""

    def __init__(self, request):
        self.request = request

    @cached_property
    def branding(self):
        from cms.models import BrandingSettings

        return BrandingSettings.load(request_or_site=self.request)

    @cached_property
    def theme(self) -> Theme:
        return get_theme(self.branding.theme)

    @cached_property
    def site_name(self) -> str:
        from wagtail.models import Site

        site = Site.find_for_request(self.request)
        tenant = getattr(self.request, "tenant", None)
        return (site.site_name if site else "") or (tenant.name if tenant else "") or ""

    @cached_property
    def platform_badge(self) -> bool:
        """The footer's "Powered by" badge: shown unless the tenant's plan removes the platform's
        branding (cms.limits; billing answers)."""
        from cms import limits

        return limits.platform_badge_shown(getattr(self.request, "tenant", None))

    @property
    def scheme(self) -> str:
        scheme = self.branding.colour_scheme
        return scheme if scheme in {"light", "dark", "auto"} else "light"

    @property
    def color_scheme_meta(self) -> str:
        return {"light": "light", "dark": "dark"}.get(self.scheme, "light dark")

    @property
    def logo(self):
        return self.branding.logo

    @property
    def favicon(self):
        return self.branding.favicon

    @cached_property
    def nav(self) -> list[NavLink]:
        """Links to the switched-on modules that have portal pages of their own."""
        enabled = registry.enabled_keys(self.request)
        links = []
        for spec in registry.all_modules():
            if spec.key not in enabled or spec.extra.get("in_nav") is False:
                continue
            url = spec.extra.get("nav_url")
            if not url and spec.urls:
                url = f"/{spec.url_prefix or spec.key}/"
            if url:
                links.append(NavLink(label=str(spec.label), url=url))
        return links

    @cached_property
    def css_variables(self) -> SafeString:
        """The `:root` declarations for the inline <style>: brand colours, their readable
        companions for each colour scheme, the font and the theme's tokens."""
        from cms.models import FONT_STACKS

        primary = safe_hex(self.branding.primary_colour, DEFAULT_PRIMARY)
        accent = safe_hex(self.branding.accent_colour, DEFAULT_ACCENT)
        on_primary = readable_on(primary)
        on_accent = readable_on(accent)
        # Hover darkens under white text and lightens under dark text: contrast only improves.
        primary_hover = mix(primary, BLACK if on_primary == WHITE else WHITE, 0.15)
        accent_hover = mix(accent, BLACK if on_accent == WHITE else WHITE, 0.15)
        values = {
            "color-primary": primary,
            "color-primary-hover": primary_hover,
            "color-on-primary": on_primary,
            "color-accent": accent,
            "color-accent-hover": accent_hover,
            "color-on-accent": on_accent,
            "color-primary-ink-light": ink_on(primary, LIGHT_SURFACES, towards=BLACK),
            "color-primary-ink-dark": ink_on(primary, DARK_SURFACES, towards=WHITE),
            # Accent text also sits on the accent's own 14% tint (tile icons in common.css).
            "color-accent-ink-light": ink_on(
                accent, (*LIGHT_SURFACES, mix(LIGHT_SURFACES[0], accent, 0.14)), towards=BLACK
            ),
            "color-accent-ink-dark": ink_on(
                accent, (*DARK_SURFACES, mix(DARK_SURFACES[1], accent, 0.14)), towards=WHITE
            ),
        }
        for key, value in self.theme.tokens.items():
            if CSS_TOKEN_RE.match(key) and CSS_TOKEN_RE.match(value):
                values[f"theme-{key}"] = value
        lines = [f"--{key}: {value};" for key, value in values.items()]
        # Font stacks are the constants in cms.models, never tenant input; they hold quotes,
        # which HTML-escaping would break inside <style>.
        font = FONT_STACKS.get(self.branding.font, FONT_STACKS["system"])
        lines.append(f"--font-body: {font};")
        css = ":root {\n  " + "\n  ".join(lines) + "\n}"
        if "<" in css or "}" in css[:-1]:
            raise ValueError("Refusing to emit unexpected characters into a <style> element.")
        return mark_safe(css)  # noqa: S308 (every value is validated above)


class ThemeBase:
    """What `{% extends theme_base %}` resolves to: the base template of the tenant's theme.

    Django's extends tag accepts any object with a `template` attribute, which lets the theme
    be looked up only when a page actually extends it.
    """

    def __init__(self, look: PortalLook):
        self.look = look

    @cached_property
    def template(self):
        return get_template(self.look.theme.base_template).template

    def __str__(self) -> str:
        return self.look.theme.base_template


def portal_context(request) -> dict:
    """The context variables every portal page gets (see cms.context_processors.portal)."""
    look = PortalLook(request)
    return {"portal": look, "theme_base": ThemeBase(look)}


# --- tags and filters -----------------------------------------------------------------------


@register.simple_tag(takes_context=True)
def portal_look(context) -> PortalLook:
    """The look for templates rendered without the context processor."""
    return context.get("portal") or PortalLook(context["request"])


@register.simple_tag(takes_context=True)
def enabled_modules(context) -> frozenset[str]:
    return registry.enabled_keys(context.get("request"))


@register.filter
def visible_tiles(tiles, enabled) -> list:
    """Tiles with no module, or whose module is registered and switched on. A tile naming a
    module that is off, or that this installation does not have, is left out."""
    return [tile for tile in tiles if not tile.get("module") or tile["module"] in enabled]


@register.simple_tag(takes_context=True)
def visible_pages(context, pages) -> list:
    """Live, public pages, leaving out those of switched-off modules."""
    request = context.get("request")
    shown = []
    for page in pages or []:
        if page is None or not page.live:
            continue
        specific = page.specific
        spec = registry.module_for_page_type(type(specific))
        if spec is not None and not registry.is_enabled(spec.key, request):
            continue
        shown.append(specific)
    return shown


@register.simple_tag(takes_context=True)
def link_url(context, page=None, url: str = "") -> str:
    """Where a block's link goes: the chosen page, else the typed address, else nowhere."""
    if page is not None:
        return page.get_url(request=context.get("request")) or ""
    return url or ""


@register.simple_tag
def platform_url(path: str = "/") -> str:
    """An absolute link to the platform host (landing, signup), usable from any host."""
    port = f":{settings.PLATFORM_PORT}" if settings.PLATFORM_PORT else ""
    return f"{settings.PLATFORM_SCHEME}://{settings.PLATFORM_DOMAIN}{port}{path}"


@register.simple_tag
def product_name() -> str:
    return settings.WAGTAIL_SITE_NAME


@register.simple_tag(takes_context=True)
def page_query(context, number) -> str:
    """The current query string with `page` replaced (pagination links keep the search)."""
    request = context["request"]
    params = request.GET.copy()
    params["page"] = number
    return "?" + params.urlencode()


@register.filter
def is_within(path: str, url: str) -> bool:
    """True when `path` is the section at `url` or a page under it (for aria-current)."""
    if not url or url == "/":
        return path == "/"
    return path == url or path.startswith(url.rstrip("/") + "/")


@register.filter
def has_hero_search(body) -> bool:
    """Whether a page's stream has a hero with its own search box (the header then omits its
    search, so the page does not show two)."""
    return any(
        block.block_type == "hero" and block.value.get("show_search") for block in body or []
    )


@register.filter
def page_type_label(page) -> str:
    return str(page.specific_class._meta.verbose_name) if page.specific_class else ""


@register.filter
def add_class(field, css_class: str):
    """Render a form field's widget with an extra CSS class, keeping Django's own attributes
    (required, aria-invalid, aria-describedby for help text and errors)."""
    existing = field.field.widget.attrs.get("class", "")
    return field.as_widget(attrs={"class": f"{existing} {css_class}".strip()})
