"""Browser journeys: a live server in this process (serving committed data from the test
database) and Debian's Chromium driven by Playwright. Skipped, with a reason, when Chromium or
Playwright is missing."""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import pytest

# Playwright's sync API keeps an event loop running in the test's thread; Django would then
# refuse ORM calls from that thread (they are synchronous and safe here).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-results" / "screenshots"


@pytest.fixture(scope="session")
def live_server_port(django_db_setup, django_db_blocker):
    from django.contrib.staticfiles.handlers import StaticFilesHandler
    from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
    from django.core.wsgi import get_wsgi_application

    class QuietHandler(WSGIRequestHandler):
        def log_message(self, *args):
            pass

    server = ThreadedWSGIServer(("127.0.0.1", 0), QuietHandler, allow_reuse_address=True)
    server.set_app(StaticFilesHandler(get_wsgi_application()))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    blocker = django_db_blocker.unblock()
    blocker.__enter__()
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()
    blocker.__exit__(None, None, None)


@pytest.fixture
def live_settings(settings, live_server_port):
    settings.PLATFORM_PORT = str(live_server_port)
    settings.DEBUG = False
    return settings


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip("Chromium is not installed: browser journeys skipped")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("Playwright is not installed: browser journeys skipped")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def screenshot_dir():
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


def assert_no_sideways_scroll(page, what: str = "the page") -> None:
    """The page fits the viewport's width (a phone must never scroll sideways)."""
    width = page.evaluate("document.documentElement.scrollWidth")
    viewport = page.viewport_size["width"]
    assert width <= viewport, f"{what} scrolls sideways at {viewport} px ({width} px wide)"


def sign_in(page, base: str, email: str, password: str, next_path: str) -> None:
    """Sign a customer in on the portal's own sign-in page and land on `next_path`."""
    page.goto(f"{base}/account/login/?next={next_path}")
    page.fill("#id_email", email)
    page.fill("#id_password", password)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(f"**{next_path}")
