"""Operator console: export (filled in by its own change)."""

urlpatterns: list = []
