"""Search: PostgreSQL (Wagtail's database backend, per tenant schema) unless OPENSEARCH_URL is set.

The OpenSearch backend with per-tenant filtered aliases arrives with the knowledge modules; until
then a set OPENSEARCH_URL is recorded but search stays on PostgreSQL.
"""

from config import env as envmod

OPENSEARCH_URL = envmod.get("OPENSEARCH_URL")
