from django.apps import AppConfig


class ThemesConfig(AppConfig):
    """Theme packages: templates, static files and design tokens. A tenant picks one in its
    branding settings; colours, fonts and logo are data layered on top as CSS custom properties."""

    name = "themes"
    verbose_name = "Themes"
