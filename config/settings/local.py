"""Local development: debug on, a generated secret key kept under var/."""

from pathlib import Path

from config import env as envmod
from config.env import BASE_DIR
from config.settings.base import *


def _local_secret() -> str:
    path = BASE_DIR / "var" / "secret_key"
    if not path.exists():
        import secrets

        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
    return path.read_text().strip()


SECRET_KEY = envmod.get("SECRET_KEY") or _local_secret()
DEBUG = envmod.env.bool("DEBUG", default=True)
PLATFORM_PORT = envmod.env.str("PLATFORM_PORT", default="8000")

# WhiteNoise serves STATIC_ROOT; make sure it exists before the first collectstatic.
Path(STATIC_ROOT).mkdir(parents=True, exist_ok=True)
