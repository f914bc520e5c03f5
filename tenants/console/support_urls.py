"""Operator console: support (filled in by its own change)."""

urlpatterns: list = []
