"""Typed access to django-tenants' connection methods."""

from typing import Protocol, cast

from django.db import connection


class _TenantConnection(Protocol):
    schema_name: str

    def set_schema_to_public(self) -> None: ...


def use_public_schema() -> None:
    cast(_TenantConnection, connection).set_schema_to_public()


def current_schema() -> str:
    return cast(_TenantConnection, connection).schema_name
