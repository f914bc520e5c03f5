"""How the platform uses database connections across thousands of schemas."""

import pytest
from django.conf import settings
from django.db import connection

pytestmark = pytest.mark.django_db


class StatementLog:
    def __init__(self):
        self.statements = []

    def __call__(self, execute, sql, params, many, context):
        self.statements.append(sql)
        return execute(sql, params, many, context)

    def count(self, prefix):
        return sum(1 for sql in self.statements if sql.lstrip().upper().startswith(prefix))


def test_search_path_is_set_once_per_schema_switch_not_per_cursor(client_a, client_b):
    client_a.get("/")  # warm up
    log = StatementLog()
    with connection.execute_wrapper(log):
        client_a.get("/")
        client_a.get("/search/", {"q": "help"})
    queries = len(log.statements)
    set_calls = log.count("SET SEARCH_PATH")
    assert queries > 10
    # each request goes public (to find the tenant) then into the tenant: about two switches
    assert set_calls <= 4, f"{set_calls} SET search_path for {queries} statements"


def test_connections_are_recycled():
    max_age = settings.DATABASES["default"]["CONN_MAX_AGE"]
    assert max_age is not None and 0 <= max_age <= 600  # never "forever"
    assert settings.CELERY_WORKER_MAX_TASKS_PER_CHILD
