"""Writes of knowledge-base content outside the editor: a new portal's starting page and the
demo's sample articles."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _
from wagtail.models import Page

from modules.kb.pages import ArticlePage, CategoryPage, KnowledgeBasePage, SectionPage


def _publish(parent: Page, page: Page) -> Page:
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


@transaction.atomic
def kb_furnish(*, home: Page) -> KnowledgeBasePage:
    """A new portal's knowledge base: an empty index at /kb/, so the home tile leads somewhere."""
    existing = KnowledgeBasePage.objects.child_of(home).first()
    if existing is not None:
        return existing
    return _publish(home, KnowledgeBasePage(title=_("Knowledge base"), slug="kb"))


@transaction.atomic
def kb_demo_content(*, home: Page) -> None:
    """A category, two sections and three articles for the demo portal."""
    kb = kb_furnish(home=home)
    if CategoryPage.objects.child_of(kb).exists():
        return
    category = _publish(
        kb,
        CategoryPage(
            title="Getting started",
            slug="getting-started",
            icon="🚀",
            description="Set up your account and your team.",
        ),
    )
    setup = _publish(
        category,
        SectionPage(title="Your account", slug="account", description="Sign-in and profile."),
    )
    team = _publish(
        category,
        SectionPage(title="Your team", slug="team", description="Invite and manage colleagues."),
    )
    _publish(
        setup,
        ArticlePage(
            title="Reset your password",
            slug="reset-password",
            summary="Forgot your password? Get a new one in two minutes.",
            body=[
                ("heading", {"level": "2", "text": "From the sign-in page"}),
                (
                    "paragraph",
                    "<p>Choose <b>Forgot password</b> and enter your email. We send "
                    "you a link that works for one hour.</p>",
                ),
                (
                    "callout",
                    {
                        "kind": "tip",
                        "text": "<p>Check your spam folder if the "
                        "message has not arrived after five minutes.</p>",
                    },
                ),
                ("heading", {"level": "2", "text": "When you are signed in"}),
                ("paragraph", "<p>Open <b>Profile → Security</b> and choose a new password.</p>"),
            ],
        ),
    )
    _publish(
        setup,
        ArticlePage(
            title="Turn on two-factor authentication",
            slug="two-factor",
            summary="Protect your account with a one-time code from an app.",
            body=[
                ("heading", {"level": "2", "text": "Before you start"}),
                ("paragraph", "<p>Install an authenticator app on your phone.</p>"),
                ("heading", {"level": "2", "text": "Steps"}),
                (
                    "paragraph",
                    "<ol><li>Open <b>Profile → Security</b>.</li><li>Choose "
                    "<b>Two-factor authentication</b> and scan the code.</li><li>Enter the "
                    "six-digit code to confirm.</li></ol>",
                ),
            ],
        ),
    )
    _publish(
        team,
        ArticlePage(
            title="Invite a colleague",
            slug="invite",
            summary="Add people to your team by email.",
            body=[
                (
                    "paragraph",
                    "<p>Open <b>Settings → Team</b>, choose <b>Invite</b> and enter "
                    "their email address. They get a link to set their own password.</p>",
                ),
                (
                    "code",
                    {
                        "language": "bash",
                        "code": "curl -X POST https://example.com/api"
                        "/v1/invites -d email=sam@example.com",
                    },
                ),
            ],
        ),
    )
