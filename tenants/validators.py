"""Rules for the subdomain a company picks at signup."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Names that would shadow platform hosts or confuse customers. Checked case-insensitively.
RESERVED_SLUGS = frozenset(
    """
    www www1 www2 api apis admin administrator root static media assets cdn public mail
    email smtp imap pop pop3 mx ns ns1 ns2 dns ftp sftp ssh git status help support docs doc
    blog app apps dashboard console operator operators billing pay payment payments checkout
    signup sign-up signin login logout auth oauth sso account accounts portal portals
    platform test staging dev prod production internal localhost webmail autodiscover
    autoconfig postmaster hostmaster abuse security noc info sales marketing careers jobs
    legal privacy terms about news search
    """.split()  # noqa: SIM905 (a word list reads better than a list literal)
)

SLUG_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{1,61}[a-z0-9])$")


def validate_slug(value: str) -> None:
    """A DNS label: 3-63 characters, lowercase letters, digits and inner hyphens, not reserved."""
    if not isinstance(value, str) or not value:
        raise ValidationError(_("Choose a subdomain."), code="required")
    if value != value.lower():
        raise ValidationError(_("Use lowercase letters only."), code="lowercase")
    if len(value) < 3:
        raise ValidationError(_("Use at least 3 characters."), code="min_length")
    if len(value) > 63:
        raise ValidationError(_("Use at most 63 characters."), code="max_length")
    if not SLUG_RE.match(value):
        raise ValidationError(
            _(
                "Use only lowercase letters (a-z), digits and hyphens; "
                "start and end with a letter or digit."
            ),
            code="invalid",
        )
    if value[2:4] == "--":
        # "xn--" and friends are reserved for internationalised names (RFC 5891).
        raise ValidationError(_("Hyphens cannot be the 3rd and 4th characters."), code="invalid")
    if value in RESERVED_SLUGS:
        raise ValidationError(_("This subdomain is reserved. Choose another."), code="reserved")
