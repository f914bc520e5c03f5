"""The themes a tenant admin can pick. A theme is a folder of templates
(`themes/templates/themes/<key>/`) and static files (`themes/static/themes/<key>/`) plus default
design tokens; branding settings override the tokens per tenant."""

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Theme:
    key: str
    label: object
    description: object
    tokens: dict[str, str] = field(default_factory=dict)

    @property
    def base_template(self) -> str:
        return f"themes/{self.key}/base.html"

    @property
    def stylesheet(self) -> str:
        return f"themes/{self.key}/theme.css"


THEMES: dict[str, Theme] = {
    theme.key: theme
    for theme in [
        Theme(
            key="classic",
            label=_("Classic"),
            description=_("Light header, centred search, cards with soft shadows."),
            tokens={"radius": "10px", "header-style": "light"},
        ),
        Theme(
            key="bold",
            label=_("Bold"),
            description=_("Full-width coloured header, large type, square cards."),
            tokens={"radius": "2px", "header-style": "brand"},
        ),
    ]
}
DEFAULT_THEME = "classic"


def theme_choices() -> list[tuple[str, object]]:
    return [(theme.key, theme.label) for theme in THEMES.values()]


def get_theme(key: str | None) -> Theme:
    return THEMES.get(key or DEFAULT_THEME, THEMES[DEFAULT_THEME])
