"""A stand-in module's account hooks, registered by the tests that need them (see
test_privacy.py): what forum and ideas give through their ModuleSpec `extra`."""

from __future__ import annotations

from django.utils import timezone

CALLS: list[tuple[str, int]] = []


def activity(*, user):
    return [
        {
            "title": "Sample posts",
            "items": [
                {
                    "title": f"A post by {user.pk}",
                    "url": "/sample/1/",
                    "when": timezone.now(),
                    "meta": "2 replies",
                }
            ],
        }
    ]


def export(*, user):
    return {"posts": [{"title": "A post", "author_email": user.email}]}


def anonymise(*, user):
    CALLS.append(("anonymise", user.pk))


def broken(*, user):
    raise RuntimeError("this module's activity is broken")
