"""Search: PostgreSQL (Wagtail's database backend, per tenant schema) unless OPENSEARCH_URL is set.

With OPENSEARCH_URL, the default backend is `cms.search_opensearch`: shared indexes (named with
OPENSEARCH_INDEX_PREFIX), a `tenant` field and routing on every document, and a filtered alias
per tenant through which every search goes. Without it, `base.py` keeps the PostgreSQL backend.
"""

from config import env as envmod

OPENSEARCH_URL = envmod.get("OPENSEARCH_URL")
OPENSEARCH_INDEX_PREFIX = envmod.get("OPENSEARCH_INDEX_PREFIX")

if OPENSEARCH_URL:
    WAGTAILSEARCH_BACKENDS = {
        "default": {
            "BACKEND": "cms.search_opensearch",
            "URLS": [OPENSEARCH_URL],
            "INDEX_PREFIX": OPENSEARCH_INDEX_PREFIX,
            "TIMEOUT": 10,
        }
    }
