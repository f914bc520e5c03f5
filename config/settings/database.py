"""Database settings: DATABASE_URL, or an embedded PostgreSQL (pgserver) under var/ when unset."""

import environ
from django.core.exceptions import ImproperlyConfigured

from config import env as envmod


def embedded_database_url() -> str:
    """Start (or reuse) the embedded PostgreSQL whose data lives in var/pgdata."""
    import logging
    import warnings

    # pgserver asks platformdirs for a runtime dir it does not need (it keeps its socket in pgdata)
    warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")
    logging.getLogger("pgserver").setLevel(logging.WARNING)
    try:
        import pgserver
    except ImportError as exc:  # production images install without dev dependencies
        raise ImproperlyConfigured(
            "DATABASE_URL is unset and the embedded PostgreSQL (pgserver, a development "
            "dependency) is not installed. Set DATABASE_URL."
        ) from exc

    pgdata = envmod.BASE_DIR / "var" / "pgdata"
    pgdata.parent.mkdir(parents=True, exist_ok=True)
    server = pgserver.get_server(pgdata, cleanup_mode=None)
    return server.get_uri()


def database_settings() -> dict:
    url = envmod.get("DATABASE_URL") or embedded_database_url()
    db = environ.Env.db_url_config(url)
    if not db.get("HOST") and "host=" in url:
        # pgserver hands out a socket directory in the query string
        db["HOST"] = url.split("host=", 1)[1].split("&", 1)[0]
    db["ENGINE"] = "django_tenants.postgresql_backend"
    # Connections are recycled: each one caches the catalog of every schema it touched, and with
    # thousands of tenant schemas a never-closed connection grows without bound.
    db["CONN_MAX_AGE"] = envmod.get("DB_CONN_MAX_AGE")
    db["CONN_HEALTH_CHECKS"] = True
    return {"default": db}
